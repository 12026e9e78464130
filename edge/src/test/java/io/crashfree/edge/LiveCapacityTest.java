package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live side is a cache in front of the store (issue 10): a node whose live memory budget is far smaller than
 * what it is sent moves its coldest records to the store early instead of refusing, and still counts every
 * acknowledged session exactly once, including keys that were flushed early and then updated again.
 */
@Timeout(180)
class LiveCapacityTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "capacity-test-token-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void shouldHoldFarMoreKeysThanItsBudgetWithoutRefusingAndCountEveryAcknowledgedSession() throws Exception
    {
        // 8 MiB: 2,048 records and 224 dense blocks; sent: 2,400 keys of 10 to 30 sessions (most need a block),
        // minute by minute as real traffic comes, then a crash for one session in 20 (sent twice), long after its
        // key was flushed early: ten times the blocks the budget holds, and more keys than it has records.
        final Map<String, String> settings = Map.of(
            "aggregation.live.memory.megabytes", "8",
            "aggregation.project.live.share", "1.0",
            "aggregation.names.capacity", "4096",
            "aggregation.flush.interval.ms", "100",
            "query.tokens", TOKEN);
        final Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(25, ChronoUnit.MINUTES);
        final Random random = new Random(42);
        final List<String[]> inits = new ArrayList<>(); // sid, did, started, release, environment
        final int[] minuteStart = new int[21];
        for (int minute = 0; minute < 20; minute++)
        {
            minuteStart[minute] = inits.size();
            for (int release = 0; release < 40; release++)
            {
                for (int env = 0; env < 3; env++)
                {
                    final int perKey = 10 + random.nextInt(21); // 10..30 sessions: keys promote at different times
                    for (int s = 0; s < perKey; s++)
                    {
                        final String sid = "r" + release + "e" + env + "m" + minute + "s" + s;
                        inits.add(new String[] { sid, "user-" + random.nextInt(500),
                            base.plus(minute, ChronoUnit.MINUTES).plusSeconds(s).toString(), "cap@" + release,
                            "env-" + env });
                    }
                }
            }
        }
        minuteStart[20] = inits.size();
        // Time order by minute (as sessions start), shuffled within each minute across its 120 keys.
        for (int minute = 0; minute < 20; minute++)
        {
            Collections.shuffle(inits.subList(minuteStart[minute], minuteStart[minute + 1]), random);
        }
        final Map<String, Long> sessions = new TreeMap<>();
        final Map<String, Set<String>> crashedSids = new TreeMap<>();
        final Map<String, Set<String>> users = new HashMap<>();
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, settings);
            RawHttp http = new RawHttp(node.port()))
        {
            // Pass 1: every session's init. Pass 2: one in 20 crashes, its terminal update sent twice, long after
            // its key was most likely flushed early.
            for (int from = 0; from < inits.size(); from += 50)
            {
                final StringBuilder envelope = new StringBuilder("{}\n");
                for (final String[] s : inits.subList(from, Math.min(inits.size(), from + 50)))
                {
                    envelope.append("{\"type\":\"session\"}\n")
                        .append(QueryApiTest.session(s[0], s[1], s[2], true, "ok", 0, s[3], s[4])).append('\n');
                }
                Thread.sleep(5); // at most 10,000 sessions a second: a busy node's rate (a tight loop's bursts of new
                                 // keys can outrun the flusher of so small a budget: 503 with Retry-After, as below)
                final RawHttp.Response r = http.exchange(post(envelope.toString()));
                if (r.status() != 200)
                {
                    Thread.sleep(500);
                    System.out.println(metricsText(node));
                }
                assertEquals(200, r.status(), "envelope at " + from + ": " + r.body());
                for (final String[] s : inits.subList(from, Math.min(inits.size(), from + 50)))
                {
                    sessions.merge(s[3], 1L, Long::sum);
                    users.computeIfAbsent(s[3], k -> new HashSet<>()).add(s[1]);
                }
            }
            assertTrue(earlyFlushes(node) > 0, "the budget was exceeded, so records were flushed early");
            for (int repeat = 0; repeat < 2; repeat++)
            {
                final StringBuilder envelope = new StringBuilder("{}\n");
                int n = 0;
                for (int i = 0; i < inits.size(); i += 20)
                {
                    final String[] s = inits.get(i);
                    envelope.append("{\"type\":\"session\"}\n")
                        .append(QueryApiTest.session(s[0], s[1], s[2], false, "crashed", 1, s[3], s[4])).append('\n');
                    if (++n == 50 || i + 20 >= inits.size())
                    {
                        Thread.sleep(5); // 50 cold keys an envelope: about 10,000 re-opened keys a second at most
                        final RawHttp.Response r = http.exchange(post(envelope.toString()));
                        assertEquals(200, r.status(), r.body());
                        envelope.setLength(0);
                        envelope.append("{}\n");
                        n = 0;
                    }
                    crashedSids.computeIfAbsent(s[3], k -> new HashSet<>()).add(s[0]);
                }
            }

            final JsonNode answer = get(node, "/api/0/organizations/acme/sessions/?project=42&field=sum(session)" +
                "&field=count_unique(user)&groupBy=release&groupBy=session.status&statsPeriod=1h&interval=1h" +
                "&per_page=5000");
            final Map<String, Long> countedSessions = new TreeMap<>();
            final Map<String, Long> countedCrashed = new TreeMap<>();
            for (final JsonNode g : answer.get("groups"))
            {
                final String release = g.get("by").get("release").asText();
                final long n = g.get("totals").get("sum(session)").asLong();
                countedSessions.merge(release, n, Long::sum);
                if (g.get("by").get("session.status").asText().equals("crashed"))
                {
                    countedCrashed.merge(release, n, Long::sum);
                }
            }
            assertEquals(sessions, countedSessions, "sessions per release: every acknowledged init once");
            final Map<String, Long> expectedCrashed = new TreeMap<>();
            crashedSids.forEach((release, sids) -> expectedCrashed.put(release, (long)sids.size()));
            assertEquals(expectedCrashed, countedCrashed, "crashed per release: once each, though sent twice");

            final JsonNode byRelease = get(node, "/api/0/organizations/acme/sessions/?project=42" +
                "&field=count_unique(user)&groupBy=release&statsPeriod=1h&interval=1h&per_page=5000");
            for (final JsonNode g : byRelease.get("groups"))
            {
                final String release = g.get("by").get("release").asText();
                final long expected = users.get(release).size();
                final long counted = g.get("totals").get("count_unique(user)").asLong();
                assertTrue(Math.abs(counted - expected) <= Math.max(1, expected * 0.02),
                    release + ": " + counted + " users counted, " + expected + " sent");
            }
            assertEquals(0, metric(node, "crashfree_requests_total{route=\"ingest\",status=\"503\"}"),
                "no refusals");
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterOnlyForAnEnvelopeTheNodeCannotTakeAndStoreNothingOfIt() throws Exception
    {
        // 1,024 records at most 10% full: an envelope that may need 200 new keys never fits; a small one does.
        final Map<String, String> settings = Map.of(
            "aggregation.live.memory.megabytes", "4",
            "aggregation.live.max.fill", "0.1",
            "query.tokens", TOKEN);
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, settings);
            RawHttp http = new RawHttp(node.port()))
        {
            final String started = Instant.now().minusSeconds(600).toString();
            final StringBuilder big = new StringBuilder("{}\n");
            for (int item = 0; item < 2; item++)
            {
                big.append("{\"type\":\"sessions\"}\n{\"aggregates\":[");
                for (int i = 0; i < 100; i++)
                {
                    big.append(i == 0 ? "" : ",").append("{\"started\":\"")
                        .append(Instant.now().minusSeconds(600 + 60L * (item * 100 + i)).truncatedTo(ChronoUnit.MINUTES))
                        .append("\",\"exited\":1}");
                }
                big.append("],\"attrs\":{\"release\":\"big@1\"}}\n");
            }
            final RawHttp.Response refused = http.exchange(post(big.toString()));
            assertEquals(503, refused.status(), refused.body());
            assertEquals("1", refused.header("retry-after"));
            assertTrue(refused.body().contains("cannot keep up"), refused.body());
            assertEquals(0, node.aggregation().table().liveRecords(), "a refused envelope folds nothing");

            final RawHttp.Response ok = http.exchange(post("{}\n{\"type\":\"session\"}\n" +
                QueryApiTest.session("s1", "u1", started, true, "ok", 0, "small@1", "production") + "\n"));
            assertEquals(200, ok.status(), ok.body());
            assertEquals(1, node.aggregation().table().liveRecords());
        }
    }

    static long earlyFlushes(final CrashfreeNode node) throws Exception
    {
        return metric(node, "crashfree_early_flushes_total{cause=\"records\"}") +
            metric(node, "crashfree_early_flushes_total{cause=\"sketches\"}") +
            metric(node, "crashfree_early_flushes_total{cause=\"project\"}");
    }

    static String metricsText(final CrashfreeNode node) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            return http.exchange(RawHttp.request("GET", "/metrics",
                new String[] { "Authorization: Bearer " + TOKEN }, null)).body();
        }
    }

    static long metric(final CrashfreeNode node, final String series) throws Exception
    {
        return metric(node, TOKEN, series);
    }

    static long metric(final CrashfreeNode node, final String token, final String series) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", "/metrics",
                new String[] { "Authorization: Bearer " + token }, null));
            assertEquals(200, r.status(), r.body());
            for (final String line : r.body().split("\n"))
            {
                if (line.startsWith(series + " "))
                {
                    return (long)Double.parseDouble(line.substring(series.length() + 1));
                }
            }
            return 0;
        }
    }

    private static JsonNode get(final CrashfreeNode node, final String path) throws Exception
    {
        return get(node, TOKEN, path);
    }

    /** A read API answer that must be {@code 200}, as JSON. */
    static JsonNode get(final CrashfreeNode node, final String token, final String path) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Bearer " + token }, null));
            assertEquals(200, r.status(), path + ": " + r.body());
            return JSON.readTree(r.body());
        }
    }

    static byte[] post(final String envelope)
    {
        return RawHttp.request("POST", "/api/42/envelope/",
            new String[] { "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42 }, utf8(envelope));
    }
}
