package io.crashfree.releases.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL the registry's tests run against: {@code CRASHFREE_TEST_POSTGRES_URL} when set ({@code .ci/run}
 * starts one), else the one {@code bin/start-postgres} starts (installing Debian's server when missing). A test that
 * needs it is skipped, saying why, only when the server cannot be installed (the script's exit status 3). Each test
 * works in a schema of its own ({@link #freshSchema}), so tests never see each other's rows.
 */
public final class TestPostgres
{
    /** The variable that names an already running server's JDBC URL. */
    public static final String URL_VARIABLE = "CRASHFREE_TEST_POSTGRES_URL";
    private static String baseUrl;

    private TestPostgres()
    {
    }

    /**
     * The server's JDBC URL, starting it through the project's script when no URL is given.
     *
     * @return the URL (user included)
     */
    public static synchronized String url()
    {
        if (baseUrl == null)
        {
            String given = System.getenv(URL_VARIABLE);
            baseUrl = given != null && !given.isBlank() ? given.trim() : startWithScript(null);
        }
        return baseUrl;
    }

    /**
     * Runs {@code bin/start-postgres}, skipping the calling test when the server cannot be installed.
     *
     * @param dir the cluster's directory, or {@code null} for the project's default
     * @return the printed JDBC URL
     */
    public static String startWithScript(Path dir)
    {
        Path script = projectRoot().resolve("bin/start-postgres");
        Output out = run(dir == null ? new String[] {script.toString()} : new String[] {script.toString(), dir.toString()});
        Assumptions.assumeTrue(out.exitCode != 3,
                "PostgreSQL's server cannot be installed on this machine, test skipped: " + out.stderr);
        if (out.exitCode != 0 || !out.stdout.startsWith("jdbc:postgresql://"))
        {
            throw new IllegalStateException("bin/start-postgres failed (exit " + out.exitCode + "): " + out.stderr);
        }
        return out.stdout;
    }

    /**
     * Stops the cluster in {@code dir} ({@code bin/stop-postgres}).
     *
     * @param dir the cluster's directory
     * @param purge whether to delete the directory too
     */
    public static void stopWithScript(Path dir, boolean purge)
    {
        Path script = projectRoot().resolve("bin/stop-postgres");
        Output out = purge ? run(script.toString(), "--purge", dir.toString()) : run(script.toString(), dir.toString());
        if (out.exitCode != 0)
        {
            throw new IllegalStateException("bin/stop-postgres failed (exit " + out.exitCode + "): " + out.stderr);
        }
    }

    /**
     * Creates an empty schema and answers a URL whose connections work in it ({@code currentSchema}).
     *
     * @return the URL
     */
    public static String freshSchema()
    {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute(url(), "CREATE SCHEMA " + schema);
        return withSchema(url(), schema);
    }

    /**
     * Drops the schema a {@link #freshSchema} URL names, with everything in it.
     *
     * @param schemaUrl the URL
     */
    public static void dropSchema(String schemaUrl)
    {
        String schema = schemaUrl.substring(schemaUrl.lastIndexOf("currentSchema=") + "currentSchema=".length());
        execute(url(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /**
     * Runs one statement on its own connection (auto-commit).
     *
     * @param url the URL
     * @param sql the statement
     */
    public static void execute(String url, String sql)
    {
        try (Connection c = new org.postgresql.Driver().connect(url, new Properties());
             Statement s = c.createStatement())
        {
            s.execute(sql);
        }
        catch (SQLException e)
        {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static String withSchema(String url, String schema)
    {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The directory that holds {@code bin/start-postgres}: the working directory (a module) or one above it. */
    public static Path projectRoot()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("bin/start-postgres")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("bin/start-postgres not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private record Output(int exitCode, String stdout, String stderr)
    {
    }

    private static Output run(String... command)
    {
        try
        {
            Path err = Files.createTempFile("start-postgres", ".err");
            Path out = Files.createTempFile("start-postgres", ".out");
            try
            {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) // an apt-get install of the server included
                {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in 10 minutes");
                }
                return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim(),
                        Files.readString(err, StandardCharsets.UTF_8).trim());
            }
            finally
            {
                Files.deleteIfExists(err);
                Files.deleteIfExists(out);
            }
        }
        catch (IOException e)
        {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        }
        catch (InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
