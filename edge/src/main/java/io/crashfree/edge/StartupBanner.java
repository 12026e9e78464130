package io.crashfree.edge;

import io.crashfree.edge.config.DevelopmentDefaults;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.config.ProjectConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines a node logs once it listens: where, a ready DSN per project key, and how to read the query API.
 * <p>
 * Logs are often shared (a CI log, a support ticket, a log platform), so secrets are printed only when they are the
 * development defaults shipped in {@code conf/crashfree.properties} ({@link DevelopmentDefaults}), labelled as such
 * (a warning when the node listens beyond loopback); any other public key is shown in part and a query token not at
 * all.
 */
final class StartupBanner
{
    /**
     * One line of the banner.
     *
     * @param warning whether to log it as a warning.
     * @param text    the line.
     */
    record Line(boolean warning, String text)
    {
    }

    private StartupBanner()
    {
    }

    /**
     * @param config    the node's configuration.
     * @param address   where it listens.
     * @param transport "epoll" or "nio".
     * @param maxHeapBytes the JVM's heap limit.
     * @return the lines, in order.
     */
    static List<Line> lines(final NodeConfig config, final InetSocketAddress address, final String transport,
        final long maxHeapBytes)
    {
        final List<Line> lines = new ArrayList<>();
        final int port = address.getPort();
        final InetAddress bound = address.getAddress();
        final boolean loopbackOnly = bound != null && bound.isLoopbackAddress();
        final String host = bound == null || bound.isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        lines.add(new Line(false, "listening on http://" + config.httpHost() + ":" + port + " (" + transport +
            "), data in " + config.dataDir().toAbsolutePath().normalize() + ", heap up to " +
            (maxHeapBytes >> 20) + " MiB"));
        for (final ProjectConfig p : config.projects())
        {
            final String key = "project." + p.id() + ".keys";
            for (final String publicKey : p.publicKeys())
            {
                final String where = "@" + host + ":" + port + "/" + p.id() + "  (project " + p.id() + ", " + p.name();
                if (publicKey.equals(DevelopmentDefaults.PUBLIC_KEY))
                {
                    lines.add(new Line(!loopbackOnly, "DSN http://" + publicKey + where + "; the development " +
                        "default key from conf/crashfree.properties: set " + key + " before exposing the node)"));
                }
                else
                {
                    lines.add(new Line(false, "DSN http://" + mask(publicKey) + where + "; key shown in part, the " +
                        "whole one is in " + key + ")"));
                }
            }
        }
        if (!config.queryTokens().isEmpty())
        {
            final String token = config.queryTokens().get(0);
            final boolean development = token.equals(DevelopmentDefaults.QUERY_TOKEN);
            lines.add(new Line(development && !loopbackOnly, "read API" + (development ?
                " (the development default token from conf/crashfree.properties: set query.tokens before exposing " +
                    "the node)" : "") + ": curl -H 'Authorization: Bearer " +
                (development ? token : "<a token of query.tokens>") + "' 'http://" + host + ":" + port +
                "/api/0/organizations/crashfree/sessions/?field=sum(session)&groupBy=release&statsPeriod=24h'"));
        }
        lines.add(releasesLine(config, host, port, loopbackOnly));
        lines.add(dashboardLine(config, host, port, loopbackOnly));
        return lines;
    }

    /**
     * The dashboard's address; with the development read token, a link that signs the browser in: the token rides in
     * the fragment, which a browser never sends (so it reaches no server log), and the page moves it into the
     * browser's storage and out of the address bar at once.
     */
    private static Line dashboardLine(final NodeConfig config, final String host, final int port,
        final boolean loopbackOnly)
    {
        final String url = "http://" + host + ":" + port + "/";
        final boolean development = !config.queryTokens().isEmpty() &&
            config.queryTokens().get(0).equals(DevelopmentDefaults.QUERY_TOKEN);
        if (development)
        {
            return new Line(!loopbackOnly, "dashboard: " + url + "#token=" + DevelopmentDefaults.QUERY_TOKEN +
                "  (signs this browser in with the development default read token)");
        }
        return new Line(false, "dashboard: " + url + "  (sign in with a token of query.tokens)");
    }

    /** The environment {@code sentry-cli} needs for the releases API: ready to paste with the development token. */
    private static Line releasesLine(final NodeConfig config, final String host, final int port,
        final boolean loopbackOnly)
    {
        final boolean development = config.registry().tokens().stream()
            .anyMatch(t -> t.secret().equals(DevelopmentDefaults.RELEASE_TOKEN));
        final String project = config.projects().isEmpty() ? "" :
            " SENTRY_PROJECT=" + config.projects().get(0).name();
        return new Line(development && !loopbackOnly, "releases API (sentry-cli)" + (development ?
            " with the development default token (auth.token.dev.value, built in while no auth.token.* key is " +
                "set: set auth.token.<id>.value before exposing the node)" : "") + ": SENTRY_URL=http://" + host + ":" + port + " SENTRY_ORG=" +
            config.registry().organization() + project + " SENTRY_AUTH_TOKEN=" +
            (development ? DevelopmentDefaults.RELEASE_TOKEN : "<a token of auth.token.<id>.value>"));
    }

    /**
     * @param key a public key.
     * @return its first and last four characters, the rest hidden.
     */
    static String mask(final String key)
    {
        return key.length() <= 8 ? "****" : key.substring(0, 4) + "..." + key.substring(key.length() - 4);
    }
}
