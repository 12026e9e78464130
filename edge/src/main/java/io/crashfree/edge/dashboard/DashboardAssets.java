package io.crashfree.edge.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The dashboard's files, read from the classpath once at start and held in memory, each with its content type and
 * an entity tag (a hash of its bytes), so that answering one is a map lookup on the event loop:
 * <pre>
 *   /                          dashboard/index.html      the releases index
 *   /releases/{version}        dashboard/release.html    a release's details (the page reads the version from its URL)
 *   /dashboard/{name}          dashboard/{name}          styles, scripts, icon
 *   /dashboard/vendor/{name}   uPlot's dist/{name}       from the org.webjars.npm:uplot jar (uPlot.esm.js, uPlot.min.css)
 * </pre>
 * The two pages carry the organization's slug ({@code registry.organization}) in a {@code meta} tag, filled in here,
 * so that the scripts build Sentry's {@code /api/0/organizations/{org}/…} paths without asking.
 */
public final class DashboardAssets
{
    /** Where the dashboard's own files are on the classpath. */
    static final String RESOURCE_DIR = "dashboard";
    /** The URL prefix of the assets. */
    public static final String ASSET_PREFIX = "/dashboard/";
    private static final String VENDOR_PREFIX = "vendor/";
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final List<String> UPLOT_FILES = List.of("uPlot.esm.js", "uPlot.min.css");
    private static final String ORGANIZATION_PLACEHOLDER = "{{organization}}";

    /**
     * One file as served.
     *
     * @param bytes       its content.
     * @param contentType its {@code Content-Type}.
     * @param etag        its entity tag, quoted.
     */
    public record Asset(byte[] bytes, String contentType, String etag)
    {
    }

    private final Map<String, Asset> byName;
    private final Asset indexPage;
    private final Asset releasePage;

    private DashboardAssets(final Map<String, Asset> byName)
    {
        this.byName = Map.copyOf(byName);
        this.indexPage = byName.get("index.html");
        this.releasePage = byName.get("release.html");
        if (indexPage == null || releasePage == null)
        {
            throw new IllegalStateException("the dashboard's pages are missing from the classpath (" + RESOURCE_DIR +
                "/index.html, " + RESOURCE_DIR + "/release.html): a broken build");
        }
    }

    /**
     * Reads every file of {@code dashboard/} and uPlot's two files from the classpath.
     *
     * @param organization the organization's slug, written into the pages.
     * @return the assets.
     * @throws IllegalStateException when a file is missing (a broken build, not a configuration problem).
     */
    public static DashboardAssets load(final String organization)
    {
        final ClassLoader loader = DashboardAssets.class.getClassLoader();
        final Map<String, Asset> assets = new HashMap<>();
        try
        {
            for (final Map.Entry<String, byte[]> file : ownFiles(loader).entrySet())
            {
                byte[] bytes = file.getValue();
                if (file.getKey().endsWith(".html"))
                {
                    bytes = new String(bytes, StandardCharsets.UTF_8)
                        .replace(ORGANIZATION_PLACEHOLDER, htmlAttribute(organization))
                        .getBytes(StandardCharsets.UTF_8);
                }
                assets.put(file.getKey(), asset(file.getKey(), bytes));
            }
            final String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion(loader) + "/dist/";
            for (final String name : UPLOT_FILES)
            {
                assets.put(VENDOR_PREFIX + name, asset(name, read(loader, uplot + name)));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the dashboard's files from the classpath", ex);
        }
        return new DashboardAssets(assets);
    }

    /**
     * @param path a request path (no query string), as sent.
     * @return the file that answers it, or null when the path is not the dashboard's.
     */
    public Asset find(final String path)
    {
        if (path.equals("/") || path.equals("/index.html"))
        {
            return indexPage;
        }
        if (path.startsWith("/releases/") && path.length() > "/releases/".length())
        {
            return releasePage;
        }
        if (path.startsWith(ASSET_PREFIX))
        {
            return byName.get(path.substring(ASSET_PREFIX.length()));
        }
        return null;
    }

    /**
     * @param path a request path (no query string).
     * @return whether the dashboard owns it (its pages and everything under {@code /dashboard/}, known or not).
     */
    public static boolean owns(final String path)
    {
        return path.equals("/") || path.equals("/index.html") ||
            (path.startsWith("/releases/") && path.length() > "/releases/".length()) || path.startsWith(ASSET_PREFIX);
    }

    /** @return the names of the files under {@code /dashboard/}. */
    public java.util.Set<String> names()
    {
        return byName.keySet();
    }

    private static Map<String, byte[]> ownFiles(final ClassLoader loader) throws IOException
    {
        final URL index = loader.getResource(RESOURCE_DIR + "/index.html");
        if (index == null)
        {
            throw new IllegalStateException("the dashboard's pages are missing from the classpath (" + RESOURCE_DIR +
                "/index.html): a broken build");
        }
        final Map<String, byte[]> files = new HashMap<>();
        try
        {
            if (index.getProtocol().equals("jar"))
            {
                try (FileSystem jar = FileSystems.newFileSystem(index.toURI(), Map.of()))
                {
                    collect(jar.getPath("/" + RESOURCE_DIR), files);
                }
                catch (final java.nio.file.FileSystemAlreadyExistsException opened)
                {
                    // someone else holds the jar open as a file system: read through theirs, leave it open
                    collect(FileSystems.getFileSystem(index.toURI()).getPath("/" + RESOURCE_DIR), files);
                }
            }
            else
            {
                collect(Path.of(index.toURI()).getParent(), files);
            }
        }
        catch (final URISyntaxException ex)
        {
            throw new IOException("cannot list " + index, ex);
        }
        return files;
    }

    private static void collect(final Path dir, final Map<String, byte[]> into) throws IOException
    {
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path file : (Iterable<Path>)walk::iterator)
            {
                if (Files.isRegularFile(file))
                {
                    into.put(dir.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
        }
    }

    private static String uplotVersion(final ClassLoader loader) throws IOException
    {
        final Properties pom = new Properties();
        try (InputStream in = loader.getResourceAsStream(UPLOT_POM))
        {
            if (in == null)
            {
                throw new IllegalStateException("uPlot's WebJar (org.webjars.npm:uplot) is not on the classpath");
            }
            pom.load(in);
        }
        return pom.getProperty("version");
    }

    private static byte[] read(final ClassLoader loader, final String name) throws IOException
    {
        try (InputStream in = loader.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing from the classpath: " + name);
            }
            return in.readAllBytes();
        }
    }

    private static Asset asset(final String name, final byte[] bytes)
    {
        return new Asset(bytes, contentType(name), etag(bytes));
    }

    static String contentType(final String name)
    {
        final String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext)
        {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }

    private static String etag(final byte[] bytes)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + '"';
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String htmlAttribute(final String text)
    {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
