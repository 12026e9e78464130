package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.filters.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validation and inbound filters through HTTP on a node with its real aggregation side: a project with every filter
 * configured drops exactly the sessions it should, the aggregates and {@code /metrics} show it, and the settings
 * change without a restart (a bad setting is rejected and the old ones stay).
 */
@Timeout(60)
class InboundFiltersHttpTest
{
    private static final String TOKEN = "filters-read-token-000";
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like " +
        "Gecko) Chrome/131.0.0.0 Safari/537.36";

    @TempDir
    Path dataDir;

    @Test
    void shouldDropExactlyWhatTheFiltersSayAndCountEachReason() throws Exception
    {
        final Map<String, String> settings = new HashMap<>(filterSettings("*-dev"));
        settings.put("query.tokens", TOKEN);
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, settings))
        {
            final String now = Instant.now().minusSeconds(30).toString();
            final String old = Instant.now().minusSeconds(6 * 86_400).toString();
            send(node, session("kept-1", "app@1.0", "production", now, null), CHROME, null);
            send(node, session("kept-2", "app@1.0", "none", now, null), CHROME, null); // env removed, kept
            send(node, session("dev", "app@2.0-dev", "production", now, null), CHROME, null);
            send(node, session("blocked-ip", "app@1.0", "production", now, null), CHROME, "203.0.113.9");
            send(node, session("local", "app@1.0", "production", now, "\"ip_address\":\"127.0.0.1\""), CHROME, null);
            send(node, session("bot", "app@1.0", "production", now, null),
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", null);
            send(node, session("ie9", "app@1.0", "production", now,
                "\"user_agent\":\"Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)\""), CHROME, null);
            send(node, session("latest", "latest", "production", now, null), CHROME, null);
            send(node, session("old", "app@1.0", "production", old, null), CHROME, null);

            final JsonNode r = query(node, "/api/0/organizations/o/sessions/?project=42&field=sum(session)" +
                "&groupBy=release&groupBy=environment&statsPeriod=1h&interval=1h");
            assertEquals(2, r.get("groups").size(), r.toString());
            long total = 0;
            for (final JsonNode g : r.get("groups"))
            {
                assertEquals("app@1.0", g.get("by").get("release").asText());
                total += g.get("totals").get("sum(session)").asLong();
            }
            assertEquals(2, total, "only the two kept sessions count: " + r);

            for (final DropReason reason : new DropReason[] { DropReason.RELEASE_VERSION, DropReason.IP_ADDRESS,
                DropReason.LOCALHOST, DropReason.WEB_CRAWLERS, DropReason.LEGACY_BROWSERS, DropReason.INVALID_RELEASE,
                DropReason.STARTED_TOO_OLD })
            {
                assertEquals(1, node.metrics().dropped(reason), reason.metricName());
            }
            try (RawHttp http = new RawHttp(node.port()))
            {
                final String metrics = http.exchange(RawHttp.request("GET", "/metrics", new String[0], null)).body();
                assertTrue(metrics.contains("crashfree_sessions_dropped_total{reason=\"web-crawlers\"} 1"), metrics);
                assertTrue(metrics.contains("crashfree_sessions_dropped_total{reason=\"release-version\"} 1"), metrics);
            }
        }
    }

    @Test
    void shouldReloadFiltersFromTheConfigFileAndKeepTheOldOnesOnABadSetting() throws Exception
    {
        final Path config = dataDir.resolve("crashfree.properties");
        writeConfig(config, "*-dev");
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir.resolve("data"), filterSettings("*-dev")))
        {
            node.watchConfig(config);
            final String now = Instant.now().minusSeconds(30).toString();
            send(node, session("a", "app@3.0-beta", "production", now, null), CHROME, null);
            assertEquals(0, node.metrics().dropped(DropReason.RELEASE_VERSION));

            Thread.sleep(1100); // file times have one-second resolution on some file systems
            writeConfig(config, "*-beta");
            final long deadline = System.nanoTime() + 15_000_000_000L;
            long dropped = 0;
            int i = 0;
            while (dropped == 0 && System.nanoTime() < deadline)
            {
                send(node, session("b" + i++, "app@3.0-beta", "production", now, null), CHROME, null);
                dropped = node.metrics().dropped(DropReason.RELEASE_VERSION);
                Thread.sleep(100);
            }
            assertEquals(1, dropped, "the new release filter applies without a restart");

            final String problem = node.reloadFilters(Map.of("project.42.filters.releases", "[abc"));
            assertNotNull(problem);
            assertTrue(problem.contains("project.42.filters.releases"), problem);
            send(node, session("c", "app@3.0-beta", "production", now, null), CHROME, null);
            assertEquals(2, node.metrics().dropped(DropReason.RELEASE_VERSION), "the old settings stay in force");
            assertNull(node.reloadFilters(Map.of()), "an empty filter set is valid");
        }
    }

    private static Map<String, String> filterSettings(final String releaseGlob)
    {
        return Map.of(
            "project.42.filters.client.ips", "203.0.113.0/24, 2001:db8::/32",
            "project.42.filters.releases", releaseGlob,
            "project.42.filters.localhost", "true",
            "project.42.filters.legacy.browsers", "ie",
            "project.42.filters.web.crawlers", "true");
    }

    private static void writeConfig(final Path file, final String releaseGlob) throws Exception
    {
        final StringBuilder sb = new StringBuilder();
        filterSettings(releaseGlob).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, sb.toString());
    }

    private static String session(final String sid, final String release, final String environment,
        final String started, final String extraAttrs)
    {
        return "{}\n{\"type\":\"session\"}\n{\"sid\":\"" + sid + "\",\"did\":\"u-" + sid + "\",\"init\":true," +
            "\"started\":\"" + started + "\",\"status\":\"ok\",\"attrs\":{\"release\":\"" + release +
            "\",\"environment\":\"" + environment + "\"" + (extraAttrs == null ? "" : "," + extraAttrs) + "}}\n";
    }

    private static void send(final CrashfreeNode node, final String envelope, final String userAgent,
        final String forwardedFor) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final String[] headers = forwardedFor == null ?
                new String[] { "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42, "User-Agent: " + userAgent } :
                new String[] { "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42, "User-Agent: " + userAgent,
                    "X-Forwarded-For: " + forwardedFor };
            final RawHttp.Response r = http.exchange(RawHttp.request("POST", "/api/42/envelope/", headers,
                utf8(envelope)));
            assertEquals(200, r.status(), "filtered sessions are still answered 200, as Relay does: " + r.body());
        }
    }

    private static JsonNode query(final CrashfreeNode node, final String path) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Bearer " + TOKEN }, null));
            assertEquals(200, r.status(), r.body());
            return new ObjectMapper().readTree(r.body());
        }
    }
}
