package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.aggregation.files.DiskFullException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose disk fills while it runs (its data directory on a small tmpfs of its own, filled by the test): the
 * requests that need to write get {@code 503} with {@code Retry-After}, everything else is still served, the log and
 * {@code /metrics} say why, nothing acknowledged is lost, and the node recovers by itself once space returns.
 */
@Timeout(120)
class DiskFullTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "disk-full-test-token-0123456789";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42;
    private static final long DISK_BYTES = 16L << 20;

    @TempDir
    Path dir;

    private static Map<String, String> settings(final String quietSeconds)
    {
        final Map<String, String> settings = new HashMap<>();
        settings.put("aggregation.live.memory.megabytes", "4");
        settings.put("aggregation.dedup.capacity.per.day", "1024");
        settings.put("aggregation.names.capacity", "1024");
        settings.put("aggregation.store.entries", "1000");
        settings.put("aggregation.flush.interval.ms", "100");
        settings.put("aggregation.flush.quiet.seconds", quietSeconds);
        settings.put("query.tokens", TOKEN);
        return settings;
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileTheExactlyOnceSetsCannotGrowAndRecoverWhenSpaceReturns() throws Exception
    {
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), DISK_BYTES);
            CapturedStderr log = new CapturedStderr();
            CrashfreeNode node = TestNodes.startAggregating(fs.path().resolve("data"), settings("120")))
        {
            final int port = node.port();
            fs.fill();
            // Crashed sessions need an exactly-once entry each (two: crashed and errored). The day's set of 1,024
            // fills; its next segment has no room on the disk.
            long acked = 0;
            RawHttp.Response refused = null;
            String refusedBody = null;
            for (int n = 0; n < 40 && refused == null; n++)
            {
                final String body = envelope("crash-" + n + "-", 50, "crashed", 120);
                final RawHttp.Response r = post(port, body);
                if (r.status() == 200)
                {
                    acked += 50;
                }
                else
                {
                    refused = r;
                    refusedBody = body;
                }
            }
            assertNotNull(refused, "the day's exactly-once set filled with no room to grow");
            assertEquals(503, refused.status(), refused.body());
            assertEquals("10", refused.header("retry-after"), refused.headers().toString());
            assertTrue(refused.body().contains("cannot write to its disk"), refused.body());

            // Everything that needs no new file is still served.
            assertEquals(200, post(port, envelope("ok-", 20, "ok", 120)).status(), "sessions without a crash");
            try (RawHttp http = new RawHttp(port))
            {
                assertEquals(200, http.exchange(RawHttp.request("GET", "/health", new String[0], null)).status());
            }
            assertEquals(1, metric(port, "crashfree_storage_failing{area=\"exactly-once\"}"));
            assertTrue(metric(port, "crashfree_storage_write_failures_total{area=\"exactly-once\"}") >= 1);
            assertTrue(metric(port, "crashfree_refused_busy_total{cause=\"storage\"}") >= 1);
            assertTrue(log.text().contains("disk full: the exactly-once sets cannot grow: not enough " +
                "disk space for " + fs.path().resolve("data/live/dedup-")), log.text());

            fs.free();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (post(port, refusedBody).status() != 200)
            {
                assertTrue(System.nanoTime() < deadline, "the refused envelope is taken once space returns");
                Thread.sleep(50);
            }
            acked += 50;
            awaitMetric(port, "crashfree_storage_failing{area=\"exactly-once\"}", v -> v == 0);
            assertTrue(log.text().contains("recovered: the exactly-once sets can grow again"), log.text());

            final Map<String, Long> byStatus = sessionsByStatus(port);
            assertEquals(acked, byStatus.getOrDefault("crashed", 0L), "every acknowledged crash, once: " + byStatus);
            assertEquals(20, byStatus.getOrDefault("healthy", 0L), byStatus.toString());
        }
    }

    @Test
    void shouldKeepSessionsLiveWhileTheStoreCannotBeWrittenAndMoveThemWhenSpaceReturns() throws Exception
    {
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), DISK_BYTES);
            CapturedStderr log = new CapturedStderr();
            CrashfreeNode node = TestNodes.startAggregating(fs.path().resolve("data"), settings("0")))
        {
            final int port = node.port();
            fs.fill();
            final Instant minute = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
            for (int n = 0; n < 4; n++)
            {
                final Instant started = minute.minusSeconds(300 + 60 * n).plusSeconds(30); // four buckets, all ended
                assertEquals(200, post(port, envelope("live-" + n + "-", 10, "ok", started)).status());
            }
            awaitMetric(port, "crashfree_storage_failing{area=\"store\"}", v -> v == 1);
            assertEquals(4, metric(port, "crashfree_live_keys"), "the buckets are due but stay live");
            assertEquals(0, metric(port, "crashfree_flushed_records_total"));
            assertTrue(log.text().contains("disk full: the flusher cannot write the store: not enough " +
                "disk space for " + fs.path().resolve("data/store/aggregates.cm")), log.text());
            assertEquals(40, sessionsByStatus(port).get("healthy"), "served from the live records");

            fs.free();
            awaitMetric(port, "crashfree_live_keys", v -> v == 0);
            assertEquals(0, metric(port, "crashfree_storage_failing{area=\"store\"}"));
            assertEquals(4, metric(port, "crashfree_flushed_records_total"));
            assertTrue(log.text().contains("recovered: the flusher can write the store again"), log.text());
            assertEquals(40, sessionsByStatus(port).get("healthy"), "served from the store now");
        }
    }

    @Test
    void shouldRefuseToStartOnADiskTooSmallInOneLineNamingTheDirectoryAndTheBytesAndLeaveNoFiles() throws Exception
    {
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), 2L << 20))
        {
            final Path dataDir = fs.path().resolve("data");
            final DiskFullException ex = assertThrows(DiskFullException.class,
                () -> TestNodes.startAggregating(dataDir, settings("120")).close());
            assertTrue(ex.getMessage().startsWith("not enough disk space for " + dataDir + ": it needs "),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("live/dense.dat 3145792"), ex.getMessage());
            assertTrue(ex.getMessage().contains(" usable on its filesystem"), ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
            assertFalse(Files.exists(dataDir.resolve("live")), "nothing half-made is left");
            assertFalse(Files.exists(dataDir.resolve("store")), "nothing half-made is left");
        }
    }

    /** {@code n} session updates with ids {@code prefix0..}, all started {@code agoSeconds} ago. */
    private static String envelope(final String prefix, final int n, final String status, final int agoSeconds)
    {
        return envelope(prefix, n, status, Instant.now().minusSeconds(agoSeconds));
    }

    /** {@code n} session updates with ids {@code prefix0..}, all started at {@code startedAt}. */
    private static String envelope(final String prefix, final int n, final String status, final Instant startedAt)
    {
        final String started = startedAt.toString();
        final StringBuilder sb = new StringBuilder("{}\n");
        for (int i = 0; i < n; i++)
        {
            sb.append("{\"type\":\"session\"}\n{\"sid\":\"").append(prefix).append(i).append("\",\"did\":\"u-")
                .append(prefix).append(i).append("\",\"init\":true,\"started\":\"").append(started)
                .append("\",\"status\":\"").append(status).append("\",\"errors\":")
                .append(status.equals("ok") ? 0 : 1)
                .append(",\"attrs\":{\"release\":\"app@1.0\",\"environment\":\"production\"}}\n");
        }
        return sb.toString();
    }

    private static RawHttp.Response post(final int port, final String body) throws IOException
    {
        try (RawHttp http = new RawHttp(port))
        {
            return http.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { AUTH }, utf8(body)));
        }
    }

    private static long metric(final int port, final String name) throws IOException
    {
        try (RawHttp http = new RawHttp(port))
        {
            final String text = http.exchange(RawHttp.request("GET", "/metrics",
                new String[] { "Authorization: Bearer " + TOKEN }, null)).body();
            for (final String line : text.split("\n"))
            {
                if (line.startsWith(name + " "))
                {
                    return (long)Double.parseDouble(line.substring(name.length() + 1));
                }
            }
            throw new AssertionError("no metric " + name + " in:\n" + text);
        }
    }

    private static void awaitMetric(final int port, final String name, final LongPredicate wanted) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long value;
        while (!wanted.test(value = metric(port, name)))
        {
            assertTrue(System.nanoTime() < deadline, name + " stayed at " + value);
            Thread.sleep(50);
        }
    }

    private static Map<String, Long> sessionsByStatus(final int port) throws IOException
    {
        try (RawHttp http = new RawHttp(port))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", "/api/0/organizations/acme/sessions/" +
                "?project=42&field=sum(session)&groupBy=session.status&statsPeriod=1h&interval=1h",
                new String[] { "Authorization: Bearer " + TOKEN }, null));
            assertEquals(200, r.status(), r.body());
            final Map<String, Long> counts = new HashMap<>();
            for (final JsonNode g : JSON.readTree(r.body()).get("groups"))
            {
                counts.put(g.get("by").get("session.status").asText(), g.get("totals").get("sum(session)").asLong());
            }
            return counts;
        }
    }
}
