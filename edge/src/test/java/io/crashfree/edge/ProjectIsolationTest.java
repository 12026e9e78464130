package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One project cannot take capacity from another (issue 10): a project flooding distinct releases, crashed sessions
 * and keys gets Relay's {@code 429} with {@code Retry-After} and {@code X-Sentry-Rate-Limits} for its own envelopes,
 * while a second project's sessions, releases and crashes are all counted; a key over its session rate gets
 * {@code 429} with scope {@code key}; and the exactly-once sets grow past what they were first sized for.
 */
@Timeout(180)
class ProjectIsolationTest
{
    private static final String TOKEN = "isolation-test-token-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void shouldRefuseAFloodingProjectWith429WhileAnotherProjectIsCountedWhole() throws Exception
    {
        final Map<String, String> settings = Map.of(
            "aggregation.live.memory.megabytes", "8",
            "project.42.limits.names", "12",
            "project.42.limits.exactly.once.per.day", "100",
            "project.42.limits.live.share", "0.05",
            "query.tokens", TOKEN);
        final String started = Instant.now().minusSeconds(300).toString();
        final Map<Integer, Integer> floodStatuses = new TreeMap<>();
        final Set<String> floodRateLimits = new TreeSet<>();
        long otherSessions = 0;
        long otherCrashed = 0;
        final Set<String> otherReleases = new TreeSet<>();
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, settings);
            RawHttp flood = new RawHttp(node.port());
            RawHttp other = new RawHttp(node.port()))
        {
            for (int i = 0; i < 3000; i++)
            {
                final String envelope;
                if (i < 1000)
                {
                    // distinct releases: past the project's 12 names
                    envelope = session("f-rel-" + i, "u" + i, started, true, "ok", "flood@" + i);
                }
                else if (i < 2000)
                {
                    // crashed sessions: past the project's 100 exactly-once entries for the day
                    envelope = session("f-crash-" + i, "u" + i, started, true, "crashed", "flood@0");
                }
                else
                {
                    // distinct keys (minutes of the last days): past the project's 5% of the live memory (419 KiB)
                    envelope = session("f-key-" + i, "u" + i,
                        Instant.now().minusSeconds(600 + 60L * (i - 2000)).toString(), true, "ok", "flood@0");
                }
                final RawHttp.Response r = flood.exchange(post(42, TestNodes.KEY_42, envelope));
                floodStatuses.merge(r.status(), 1, Integer::sum);
                if (r.status() == 429)
                {
                    assertNotNull(r.header("retry-after"), "429 carries Retry-After");
                    assertTrue(Integer.parseInt(r.header("retry-after")) > 0);
                    final String limits = r.header("x-sentry-rate-limits");
                    assertNotNull(limits, "429 carries X-Sentry-Rate-Limits");
                    assertTrue(limits.contains(":session:project"), limits);
                    floodRateLimits.add(r.body().replaceAll(".*\\((project\\.<id>[^)]*)\\).*", "$1").trim());
                }
                if (i % 10 == 0)
                {
                    final int n = i / 10;
                    final String release = "other@" + (n % 5);
                    final boolean crashed = n % 7 == 0;
                    final RawHttp.Response o = other.exchange(post(7, TestNodes.KEY_7,
                        session("o-" + n, "ou" + n, started, true, crashed ? "crashed" : "ok", release)));
                    assertEquals(200, o.status(), "the other project is never refused: " + o.body());
                    otherSessions++;
                    otherCrashed += crashed ? 1 : 0;
                    otherReleases.add(release);
                }
            }
            assertFalse(floodStatuses.containsKey(503), "the flood is the project's problem, not the node's: " +
                floodStatuses);
            assertTrue(floodStatuses.getOrDefault(429, 0) > 0, "the flood was refused: " + floodStatuses);
            assertTrue(floodRateLimits.contains("project.<id>.limits.names"), floodRateLimits.toString());
            assertTrue(floodRateLimits.contains("project.<id>.limits.exactly.once.per.day"),
                floodRateLimits.toString());

            final JsonNode answer = get(node, "/api/0/organizations/acme/sessions/?project=7&field=sum(session)" +
                "&groupBy=release&groupBy=session.status&statsPeriod=1h&interval=1h");
            long sessions = 0;
            long crashed = 0;
            final Set<String> releases = new TreeSet<>();
            for (final JsonNode g : answer.get("groups"))
            {
                final long n = g.get("totals").get("sum(session)").asLong();
                sessions += n;
                if (g.get("by").get("session.status").asText().equals("crashed"))
                {
                    crashed += n;
                }
                if (n > 0)
                {
                    releases.add(g.get("by").get("release").asText());
                }
            }
            assertEquals(otherSessions, sessions, "every session of the other project");
            assertEquals(otherCrashed, crashed, "every crash of the other project");
            assertEquals(otherReleases, releases, "every release of the other project");
            assertTrue(LiveCapacityTest.metric(node, TOKEN,
                "crashfree_rate_limited_total{scope=\"project\",limit=\"names\"}") > 0);
            final long held = LiveCapacityTest.metric(node, TOKEN, "crashfree_project_live_memory_bytes{project=\"42\"}");
            assertTrue(held <= (8 << 20) / 20 + 512, "the flooding project holds at most its share (and one key " +
                "over it): " + held);
        }
    }

    @Test
    void shouldLimitAKeyToItsSessionRateWith429ScopedToTheKey() throws Exception
    {
        final Map<String, String> settings = Map.of(
            "project.7.limits.key.sessions.per.second", "50",
            "query.tokens", TOKEN);
        final String started = Instant.now().minusSeconds(300).toString();
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, settings);
            RawHttp limited = new RawHttp(node.port());
            RawHttp free = new RawHttp(node.port()))
        {
            int refused = 0;
            for (int i = 0; i < 300; i++)
            {
                final RawHttp.Response r = limited.exchange(post(7, TestNodes.KEY_7,
                    session("k-" + i, "u" + i, started, true, "ok", "keyed@1")));
                if (r.status() == 429)
                {
                    refused++;
                    assertEquals("1", r.header("retry-after"));
                    assertEquals("1:session:key:key_quota", r.header("x-sentry-rate-limits"));
                }
                else
                {
                    assertEquals(200, r.status(), r.body());
                }
                assertEquals(200, free.exchange(post(42, TestNodes.KEY_42,
                    session("free-" + i, "u" + i, started, true, "ok", "free@1"))).status(), "other projects' keys");
            }
            assertTrue(refused > 100, "300 sessions in well under the 6 s that 50 a second allows: " + refused);
            assertTrue(LiveCapacityTest.metric(node, TOKEN,
                "crashfree_rate_limited_total{scope=\"key\",limit=\"key_rate\"}") == refused);
        }
    }

    @Test
    void shouldCountMoreCrashedSessionsInADayThanTheExactlyOnceSetWasFirstSizedFor() throws Exception
    {
        // The day's set starts at 1,024 entries; 6,000 crashed sessions take 12,000 (crashed + errored), each sent
        // twice.
        final Map<String, String> settings = Map.of(
            "aggregation.dedup.capacity.per.day", "1024",
            "aggregation.flush.interval.ms", "100",
            "query.tokens", TOKEN);
        final String started = Instant.now().minusSeconds(300).toString();
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, settings);
            RawHttp http = new RawHttp(node.port()))
        {
            final Map<Integer, Integer> statuses = new HashMap<>();
            for (int round = 0; round < 2; round++)
            {
                for (int from = 0; from < 6000; from += 50)
                {
                    final StringBuilder envelope = new StringBuilder("{}\n");
                    for (int s = from; s < from + 50; s++)
                    {
                        envelope.append("{\"type\":\"session\"}\n").append(QueryApiTest.session("c-" + s, "u" + s,
                            started, round == 0, "crashed", 1, "many@1", "production")).append('\n');
                    }
                    // A 503 (the day's set growing slower than a busy machine fills it) folded nothing and says
                    // when to retry: resend, as the answer asks.
                    RawHttp.Response r = http.exchange(post(42, TestNodes.KEY_42, envelope.toString()));
                    for (int retry = 0; r.status() == 503 && retry < 50; retry++)
                    {
                        assertEquals("1", r.header("retry-after"));
                        statuses.merge(503, 1, Integer::sum);
                        System.out.println("exactly-once growth: 503 at " + from + " round " + round + ": " + r.body() +
                            " capacity-race " + node.aggregation().sink().foldFailures());
                        Thread.sleep(100);
                        r = http.exchange(post(42, TestNodes.KEY_42, envelope.toString()));
                    }
                    statuses.merge(r.status(), 1, Integer::sum);
                    assertEquals(200, r.status(), r.body());
                    Thread.sleep(2);
                }
            }
            final JsonNode answer = get(node, "/api/0/organizations/acme/sessions/?project=42&field=sum(session)" +
                "&groupBy=session.status&statsPeriod=1h&interval=1h");
            long crashed = 0;
            long sessions = 0;
            for (final JsonNode g : answer.get("groups"))
            {
                final long n = g.get("totals").get("sum(session)").asLong();
                sessions += n;
                if (g.get("by").get("session.status").asText().equals("crashed"))
                {
                    crashed += n;
                }
            }
            System.out.println("exactly-once growth: answers by status " + statuses);
            assertEquals(6000, sessions);
            assertEquals(6000, crashed, "every crashed session once, though each was sent twice");
        }
    }

    static String session(final String sid, final String did, final String started, final boolean init,
        final String status, final String release)
    {
        return "{}\n{\"type\":\"session\"}\n" + QueryApiTest.session(sid, did, started, init, status,
            status.equals("crashed") ? 1 : 0, release, "production") + "\n";
    }

    static byte[] post(final long project, final String key, final String envelope)
    {
        return RawHttp.request("POST", "/api/" + project + "/envelope/",
            new String[] { "X-Sentry-Auth: Sentry sentry_key=" + key }, utf8(envelope));
    }

    private static JsonNode get(final CrashfreeNode node, final String path) throws Exception
    {
        return LiveCapacityTest.get(node, TOKEN, path);
    }
}
