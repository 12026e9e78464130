package io.crashfree.loadgen;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * Where the load goes, parsed from a DSN ({@code http://<public key>@<host>:<port>/<project id>}). The load generator
 * only ever targets this machine: the host must be {@code localhost} or a loopback address.
 *
 * @param host      host as written (goes in the {@code Host} header).
 * @param address   resolved loopback address and port.
 * @param projectId project id.
 * @param publicKey public key (32 hex characters).
 */
public record Target(String host, InetSocketAddress address, long projectId, String publicKey)
{
    /** The DSN of the default node ({@code conf/crashfree.properties}, project 1). */
    public static final String DEFAULT_DSN = "http://a1b2c3d4e5f60718293a4b5c6d7e8f90@127.0.0.1:9400/1";

    /**
     * @param dsn a DSN.
     * @return the target.
     * @throws LoadgenException ({@link LoadgenException#USAGE}) when the DSN is malformed or not on this machine.
     */
    public static Target parse(final String dsn) throws LoadgenException
    {
        final URI uri;
        try
        {
            uri = new URI(dsn);
        }
        catch (final URISyntaxException ex)
        {
            throw usage("not a DSN: " + dsn + " (expected " + DEFAULT_DSN + ")");
        }
        if (!"http".equals(uri.getScheme()))
        {
            throw usage("the DSN must start with http:// (the load generator speaks plain HTTP to a local node): " +
                dsn);
        }
        final String key = uri.getUserInfo();
        if (key == null || !key.matches("[0-9a-fA-F]{32}"))
        {
            throw usage("the DSN must carry a 32-hex-character public key before the @: " + dsn);
        }
        final String host = uri.getHost();
        if (host == null)
        {
            throw usage("the DSN has no host: " + dsn);
        }
        final int port = uri.getPort() < 0 ? 80 : uri.getPort();
        final String path = uri.getPath() == null ? "" : uri.getPath();
        final String project = path.startsWith("/") ? path.substring(1) : path;
        if (!project.matches("[0-9]{1,18}"))
        {
            throw usage("the DSN must end with the numeric project id, e.g. /1: " + dsn);
        }
        final String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) :
            host;
        final InetAddress resolved;
        try
        {
            resolved = InetAddress.getByName(bareHost);
        }
        catch (final UnknownHostException ex)
        {
            throw usage("unknown host in the DSN: " + host + " (use 127.0.0.1 or localhost)");
        }
        if (!resolved.isLoopbackAddress())
        {
            throw usage("the load generator only targets this machine (127.0.0.1, ::1 or localhost), not " + host);
        }
        return new Target(bareHost, new InetSocketAddress(resolved, port), Long.parseLong(project), key);
    }

    /** @return {@code http://host:port}. */
    public String baseUrl()
    {
        final String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "http://" + h + ":" + address.getPort();
    }

    private static LoadgenException usage(final String message)
    {
        return new LoadgenException(LoadgenException.USAGE, message);
    }
}
