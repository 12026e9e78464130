package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read API over real HTTP against a node with its real aggregation side: Sentry's union-not-sum semantics for
 * users (the week example), the session.status breakdown, auth, and the error messages for bad parameters.
 */
@Timeout(60)
class QueryApiTest
{
    private static final String TOKEN = "test-read-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static CrashfreeNode node;
    static Instant weekStart;

    @BeforeAll
    static void startNodeAndSendAWeek() throws Exception
    {
        node = TestNodes.startAggregating(dataDir, Map.of("query.tokens", TOKEN, "registry.organization", "acme",
            "validation.started.max.age.seconds", String.valueOf(8 * 86_400)));
        // Seven users each have one session a day for a week; user d crashes on day d only.
        weekStart = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(7, ChronoUnit.DAYS);
        try (RawHttp http = new RawHttp(node.port()))
        {
            for (int day = 0; day < 7; day++)
            {
                final StringBuilder envelope = new StringBuilder("{}\n");
                for (int user = 0; user < 7; user++)
                {
                    final String started = weekStart.plus(day, ChronoUnit.DAYS).plusSeconds(3600 + user * 60)
                        .toString();
                    final String sid = "week-" + day + "-" + user;
                    envelope.append("{\"type\":\"session\"}\n").append(session(sid, "user-" + user, started, true,
                        "ok", 0, "week@1.0", "production")).append('\n');
                    envelope.append("{\"type\":\"session\"}\n").append(session(sid, "user-" + user, started, false,
                        user == day ? "crashed" : "exited", user == day ? 1 : 0, "week@1.0", "production"))
                        .append('\n');
                }
                assertEquals(200, http.exchange(post(envelope.toString())).status());
            }
        }
    }

    @AfterAll
    static void stopNode() throws InterruptedException
    {
        node.close();
        LeakCheck.assertNoLeaks();
    }

    @Test
    void shouldCountUsersOverAWeekAsAUnionNeverASum() throws Exception
    {
        final JsonNode r = get("/api/0/organizations/acme/sessions/?project=42&field=crash_free_rate(user)" +
            "&field=count_unique(user)&field=sum(session)&field=crash_free_rate(session)&interval=1d" +
            "&start=" + weekStart + "&end=" + weekStart.plus(7, ChronoUnit.DAYS), 200);
        final JsonNode group = r.get("groups").get(0);
        assertEquals(7, r.get("intervals").size());
        assertEquals(7, group.get("totals").get("count_unique(user)").asLong(), "seven users over the week");
        assertEquals(0.0, group.get("totals").get("crash_free_rate(user)").asDouble(), 1e-9,
            "every user crashed once during the week");
        assertEquals(49, group.get("totals").get("sum(session)").asLong());
        assertEquals(1 - 7 / 49.0, group.get("totals").get("crash_free_rate(session)").asDouble(), 1e-9);
        for (int day = 0; day < 7; day++)
        {
            assertEquals(6 / 7.0, group.get("series").get("crash_free_rate(user)").get(day).asDouble(), 1e-9,
                "85.7% crash-free users on day " + day);
            assertEquals(7, group.get("series").get("count_unique(user)").get(day).asLong());
        }
    }

    @Test
    void shouldBreakSessionsDownByStatusAndFillEmptyIntervals() throws Exception
    {
        final JsonNode r = get("/api/0/organizations/acme/sessions/?field=sum(session)&field=count_unique(user)" +
            "&groupBy=session.status&groupBy=release&interval=1d&statsPeriod=10d", 200);
        int healthy = 0;
        int crashed = 0;
        int total = 0;
        for (final JsonNode g : r.get("groups"))
        {
            final String status = g.get("by").get("session.status").asText();
            final long sessions = g.get("totals").get("sum(session)").asLong();
            total += sessions;
            if (status.equals("healthy"))
            {
                healthy += sessions;
            }
            if (status.equals("crashed"))
            {
                crashed += sessions;
                assertEquals(7, g.get("totals").get("count_unique(user)").asLong(), "crashed users");
            }
            assertEquals(r.get("intervals").size(), g.get("series").get("sum(session)").size());
        }
        assertEquals(42, healthy);
        assertEquals(7, crashed);
        assertEquals(49, total, "status groups add up to all sessions");
    }

    @Test
    void shouldListReleasesWithHealth() throws Exception
    {
        final JsonNode r = get("/api/0/organizations/acme/releases/?project=42&health=1&summaryStatsPeriod=14d", 200);
        assertEquals("week@1.0", r.get(0).get("version").asText());
        final JsonNode health = r.get(0).get("projects").get(0).get("healthData");
        assertEquals(49, health.get("totalSessions").asLong());
        assertEquals(7, health.get("totalUsers").asLong());
        assertEquals(0.0, health.get("crashFreeUsers").asDouble(), 1e-9);
        assertEquals(100.0 * (1 - 7 / 49.0), health.get("crashFreeSessions").asDouble(), 1e-9);
        assertEquals(7, health.get("sessionsCrashed").asLong());
        assertTrue(health.get("hasHealthData").asBoolean());
        assertEquals(24, health.get("stats").get("24h").size());
        final JsonNode one = get("/api/0/organizations/acme/releases/week%401.0/?project=42", 200);
        assertEquals("week@1.0", one.get("version").asText());
        get("/api/0/organizations/acme/releases/nope/?project=42", 404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no field               | groupBy=release                                 | Request is missing a \"field\"",
        "unknown field          | field=sum(users)                                | Invalid field: \"sum(users)\"",
        "unknown groupBy        | field=sum(session)&groupBy=os                   | Invalid groupBy: \"os\"",
        "interval not a multiple| field=sum(session)&interval=90s                 | multiple of the minimum interval",
        "interval over a day    | field=sum(session)&interval=2d                  | less than one day",
        "interval not dividing  | field=sum(session)&interval=7h                  | divide one day",
        "too many points        | field=sum(session)&interval=1m&statsPeriod=2d   | would create too many results",
        "crash rate by status   | field=crash_rate(session)&groupBy=session.status| Cannot group or filter crash",
        "end before start       | field=sum(session)&start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z | start must be before end",
        "bad statsPeriod        | field=sum(session)&statsPeriod=forever          | Invalid statsPeriod",
        "wildcard query         | field=sum(session)&query=release:app*           | wildcard search is not supported",
        "unknown project        | field=sum(session)&project=999                  | No projects available",
        "orderBy not a field    | field=sum(session)&orderBy=-count_unique(user)  | 'orderBy' must be one of",
    })
    void shouldRejectBadParametersWithSentrysMessages(final String name, final String query, final String detail)
        throws Exception
    {
        final JsonNode r = get("/api/0/organizations/acme/sessions/?" + query.trim(), 400);
        assertTrue(r.get("detail").asText().contains(detail.trim()), name + ": " + r);
    }

    @Test
    void shouldRequireAReadTokenAndRefuseIngestKeys() throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final String path = "/api/0/organizations/acme/sessions/?field=sum(session)";
            assertEquals(401, http.exchange(RawHttp.request("GET", path, new String[0], null)).status());
            assertEquals(401, http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Bearer wrong-token-000000000" }, null)).status());
            final RawHttp.Response ingestKey = http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Bearer " + TestNodes.KEY_42 }, null));
            assertEquals(403, ingestKey.status());
            assertTrue(ingestKey.body().contains("ingest keys cannot read"), ingestKey.body());
            assertEquals(403, http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Sentry sentry_key=" + TestNodes.KEY_42 }, null)).status());
        }
    }

    @Test
    void shouldExposeMetrics() throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", "/metrics", new String[0], null));
            assertEquals(200, r.status());
            for (final String name : new String[] { "crashfree_requests_total{route=\"ingest\",status=\"200\"}",
                "crashfree_sessions_accepted_total{kind=\"update\"} 98", "crashfree_sessions_dropped_total",
                "crashfree_bytes_in_total", "crashfree_decode_failures_total", "crashfree_fold_latency_seconds",
                "crashfree_query_latency_seconds", "crashfree_live_keys", "crashfree_live_fill_ratio",
                "crashfree_store_entries", "crashfree_flush_lag_seconds", "crashfree_query_cache_hits_total",
                "crashfree_query_cache_bytes" })
            {
                assertTrue(r.body().contains(name), "missing " + name + " in\n" + r.body());
            }
        }
    }

    @Test
    void shouldAnswerARepeatedQueryIdenticallyFromTheCache() throws Exception
    {
        final String path = "/api/0/organizations/acme/sessions/?project=42&statsPeriod=7d&interval=1d" +
            "&field=sum(session)&field=count_unique(user)&field=crash_free_rate(user)&groupBy=release";
        final long hitsBefore = metric("crashfree_query_cache_hits_total");
        final JsonNode first = get(path, 200);
        final JsonNode second = get(path, 200);
        assertEquals(first, second);
        assertTrue(metric("crashfree_query_cache_hits_total") > hitsBefore, "the second answer came from the cache");
    }

    private static long metric(final String name) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final String body = http.exchange(RawHttp.request("GET", "/metrics", new String[0], null)).body();
            for (final String line : body.split("\n"))
            {
                if (line.startsWith(name + " "))
                {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                }
            }
            throw new AssertionError("no " + name + " in\n" + body);
        }
    }

    private static JsonNode get(final String path, final int status) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Bearer " + TOKEN }, null));
            assertEquals(status, r.status(), path + ": " + r.body());
            assertEquals("application/json", r.header("content-type"));
            return JSON.readTree(r.body());
        }
    }

    private static byte[] post(final String envelope)
    {
        return RawHttp.request("POST", "/api/42/envelope/",
            new String[] { "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42 }, utf8(envelope));
    }

    static String session(final String sid, final String did, final String started, final boolean init,
        final String status, final int errors, final String release, final String environment)
    {
        return "{\"sid\":\"" + sid + "\",\"did\":\"" + did + "\",\"init\":" + init + ",\"started\":\"" + started +
            "\",\"status\":\"" + status + "\",\"errors\":" + errors + ",\"duration\":30," +
            "\"attrs\":{\"release\":\"" + release + "\",\"environment\":\"" + environment + "\"}}";
    }
}
