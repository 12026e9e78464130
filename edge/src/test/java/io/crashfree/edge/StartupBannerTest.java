package io.crashfree.edge;

import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.DevelopmentDefaults;
import io.crashfree.edge.config.NodeConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up banner prints a secret only when it is the shipped development default, and says so.
 */
class StartupBannerTest
{
    @Test
    void shouldPrintTheShippedDefaultsLabelledAsDevelopmentDefaults()
    {
        final NodeConfig config = ConfigLoader.load(shippedConfig(), Map.of());
        final List<StartupBanner.Line> lines = StartupBanner.lines(config, new InetSocketAddress("127.0.0.1", 9400),
            "epoll", 1L << 30);
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(0).text().startsWith("listening on http://127.0.0.1:9400 (epoll), data in "),
            lines.get(0).text());
        assertTrue(lines.get(0).text().endsWith("heap up to 1024 MiB"), lines.get(0).text());
        assertTrue(lines.get(1).text().startsWith("DSN http://" + DevelopmentDefaults.PUBLIC_KEY +
            "@127.0.0.1:9400/1  (project 1, default; the development default key"), lines.get(1).text());
        assertTrue(lines.get(2).text().contains("development default token") &&
            lines.get(2).text().contains("Bearer " + DevelopmentDefaults.QUERY_TOKEN), lines.get(2).text());
        assertTrue(lines.get(3).text().endsWith(": SENTRY_URL=http://127.0.0.1:9400 SENTRY_ORG=crashfree " +
            "SENTRY_PROJECT=default SENTRY_AUTH_TOKEN=" + DevelopmentDefaults.RELEASE_TOKEN) &&
            lines.get(3).text().contains("development default token"), lines.get(3).text());
        assertTrue(lines.get(4).text().startsWith("dashboard: http://127.0.0.1:9400/#token=" +
            DevelopmentDefaults.QUERY_TOKEN + " "), lines.get(4).text());
        assertFalse(lines.get(1).warning() || lines.get(2).warning() || lines.get(3).warning() ||
            lines.get(4).warning(), "on loopback only, a note, not a warning");

        final List<StartupBanner.Line> exposed = StartupBanner.lines(config, new InetSocketAddress("0.0.0.0", 9400),
            "epoll", 1L << 30);
        assertTrue(exposed.get(1).warning() && exposed.get(2).warning() && exposed.get(3).warning() &&
            exposed.get(4).warning(),
            "listening beyond loopback: a warning");
    }

    @Test
    void shouldMaskKeysAndTokensThatAreNotTheDevelopmentDefaults()
    {
        final NodeConfig config = TestNodes.config(Path.of("data"), Map.of("query.tokens", "secret-token-0123456789",
            "auth.token.ci.value", "secret-release-token-0123", "auth.token.ci.scopes", "project:releases"));
        final String banner = StartupBanner.lines(config, new InetSocketAddress("127.0.0.1", 9400), "nio", 1L << 30)
            .toString();
        assertFalse(banner.contains(TestNodes.KEY_42) || banner.contains(TestNodes.KEY_7), banner);
        assertFalse(banner.contains("secret-token-0123456789") || banner.contains("secret-release-token"), banner);
        assertFalse(banner.contains(DevelopmentDefaults.RELEASE_TOKEN), "a configured token replaces the development one");
        assertTrue(banner.contains("SENTRY_AUTH_TOKEN=<a token of auth.token.<id>.value>"), banner);
        assertTrue(banner.contains("DSN http://0123...cdef@127.0.0.1:9400/42") &&
            banner.contains("Bearer <a token of query.tokens>"), banner);
        assertTrue(banner.contains("dashboard: http://127.0.0.1:9400/  (sign in with a token of query.tokens)"),
            banner);
    }

    @Test
    void shouldShipTheDevelopmentDefaultsTheBannerKnows() throws Exception
    {
        final String shipped = Files.readString(shippedConfig());
        assertTrue(shipped.contains("\nproject.1.keys=" + DevelopmentDefaults.PUBLIC_KEY + "\n"), "project.1.keys");
        assertTrue(shipped.contains("\nquery.tokens=" + DevelopmentDefaults.QUERY_TOKEN + "\n"), "query.tokens");
        assertTrue(shipped.contains("\nauth.token.dev.value=" + DevelopmentDefaults.RELEASE_TOKEN + "\n"),
            "auth.token.dev.value");
    }

    private static Path shippedConfig()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dir.resolve("conf/crashfree.properties")))
        {
            dir = dir.getParent();
        }
        return dir.resolve("conf/crashfree.properties");
    }
}
