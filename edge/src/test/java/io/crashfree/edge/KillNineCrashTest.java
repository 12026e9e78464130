package io.crashfree.edge;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.edge.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety with a real {@code kill -9}: a child JVM node takes concurrent load; it is killed mid-stream; the
 * node restarts on the same files and keeps serving; then every session acknowledged before the kill must be counted
 * exactly once: {@code acked <= counted <= sent}, with crashed updates (each sent twice) never counted twice.
 */
@Timeout(120)
class KillNineCrashTest
{
    private static final int THREADS = 4;
    private static final String TOKEN = "kill-nine-test-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void shouldCountEveryAcknowledgedSessionExactlyOnceAfterKillNine() throws Exception
    {
        killNineUnderLoad(TestNodes.SMALL_AGGREGATION, 1);
    }

    /**
     * The same with a live budget far too small for the load (every session its own release and minute: keys churn
     * through early flushes all the time), so the kill lands in the middle of early flushes.
     */
    @Test
    void shouldCountEveryAcknowledgedSessionExactlyOnceAfterKillNineDuringEarlyFlushes() throws Exception
    {
        final Map<String, String> settings = new java.util.HashMap<>(TestNodes.SMALL_AGGREGATION);
        settings.put("aggregation.live.memory.megabytes", "4");
        settings.put("aggregation.names.capacity", "65536");
        settings.put("aggregation.project.live.share", "1.0");
        settings.put("query.tokens", TOKEN);
        killNineUnderLoad(settings, 2000);
    }

    private void killNineUnderLoad(final Map<String, String> settings, final int releases) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final int port = ChildNode.freePort();
        final long now = System.currentTimeMillis();

        final ChildNode first = ChildNode.start(dir, dataDir, port, settings);
        final AtomicLong sentInit = new AtomicLong();
        final AtomicLong ackedInit = new AtomicLong();
        final AtomicLong ackedCrashed = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch loadRunning = new CountDownLatch(THREADS * 20);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final int me = t;
            final Thread thread = new Thread(() -> load(port, me, now, releases, stop, sentInit, ackedInit,
                ackedCrashed, loadRunning));
            threads.add(thread);
            thread.start();
        }
        assertTrue(loadRunning.await(60, TimeUnit.SECONDS), "the load never got going");
        Thread.sleep(1000); // let it run at full speed for a moment
        if (settings.containsKey("query.tokens"))
        {
            long early = 0;
            for (int wait = 0; wait < 100 && early == 0; wait++)
            {
                early = earlyFlushes(port);
                Thread.sleep(100);
            }
            assertTrue(early > 0, "the kill lands while records are being flushed early");
        }
        assertTrue(first.kill()); // SIGKILL: no shutdown hook, no flush
        stop.set(true);
        for (final Thread thread : threads)
        {
            thread.join(20_000);
        }

        // Restart on the same files: recovery must succeed and the node serve again.
        final ChildNode second = ChildNode.start(dir, dataDir, port, settings);
        try (RawHttp http = new RawHttp(port))
        {
            assertEquals(200, http.exchange(RawHttp.request("GET", "/health", new String[0], null)).status());
        }
        // SIGTERM: graceful stop flushes the live table into the store
        assertEquals(0, second.stop(), "SIGTERM is a graceful stop");

        final NodeConfig config = TestNodes.config(dataDir, settings);
        try (Aggregation aggregation = Aggregation.openManual(config.aggregation(), System::currentTimeMillis))
        {
            final AggregateValue total = new AggregateValue();
            aggregation.view().read(42, AggregationSettings.COARSE_WIDTH_SEC, 0, Long.MAX_VALUE,
                System.currentTimeMillis()).values().forEach(total::merge);
            final String what = "sent " + sentInit.get() + ", acked " + ackedInit.get() + ", crashed acked " +
                ackedCrashed.get() + ", counted " + total;
            System.out.println("kill -9 test: " + what);
            assertTrue(ackedInit.get() > 100, "enough load before the kill: " + what);
            assertTrue(total.sessions() >= ackedInit.get(), "an acknowledged session was lost: " + what);
            assertTrue(total.sessions() <= sentInit.get(), "a session was counted twice: " + what);
            assertTrue(total.sessions() - ackedInit.get() <= THREADS, "at most the in-flight ones extra: " + what);
            assertTrue(total.crashed() >= ackedCrashed.get(), "an acknowledged crash was lost: " + what);
            assertTrue(total.crashed() <= total.sessions(), "a crash was counted twice: " + what);
        }
    }

    /** Sends, per session: init + crashed in one envelope, then the crashed update again (as SDKs do). */
    private static void load(final int port, final int thread, final long now, final int releases,
        final AtomicBoolean stop,
        final AtomicLong sentInit, final AtomicLong ackedInit, final AtomicLong ackedCrashed, final CountDownLatch running)
    {
        final String auth = "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42;
        final String started = java.time.Instant.ofEpochMilli(now - 60_000).toString();
        int i = 0;
        while (!stop.get())
        {
            RawHttp http = null;
            try
            {
                http = new RawHttp(port);
                while (!stop.get())
                {
                    final String sid = "t" + thread + "-s" + (i++);
                    final String release = "crash@" + (i % releases);
                    final String startedAt = releases == 1 ? started :
                        java.time.Instant.ofEpochMilli(now - 60_000L * (1 + i % 600)).toString();
                    final String crashed = session(sid, startedAt, false, "crashed", release);
                    final String first = "{}\n{\"type\":\"session\"}\n" + session(sid, startedAt, true, "ok", release) +
                        "\n{\"type\":\"session\"}\n" + crashed + "\n";
                    sentInit.incrementAndGet();
                    if (http.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { auth },
                        utf8(first))).status() != 200)
                    {
                        continue;
                    }
                    ackedInit.incrementAndGet();
                    ackedCrashed.incrementAndGet();
                    http.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { auth },
                        utf8("{}\n{\"type\":\"session\"}\n" + crashed + "\n")));
                    running.countDown();
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                // the node is down (killed or not started yet): retry until told to stop
                try
                {
                    Thread.sleep(20);
                }
                catch (final InterruptedException ie)
                {
                    return;
                }
            }
            finally
            {
                if (http != null)
                {
                    try
                    {
                        http.close();
                    }
                    catch (final IOException ignored)
                    {
                        // closing a dead connection
                    }
                }
            }
        }
    }

    private static String session(final String sid, final String started, final boolean init, final String status,
        final String release)
    {
        return "{\"sid\":\"" + sid + "\",\"did\":\"u-" + sid + "\",\"init\":" + init + ",\"started\":\"" + started +
            "\",\"status\":\"" + status + "\",\"errors\":" + (init ? 0 : 1) + ",\"duration\":1.5," +
            "\"attrs\":{\"release\":\"" + release + "\",\"environment\":\"production\"}}";
    }

    private static long earlyFlushes(final int port) throws IOException
    {
        try (RawHttp http = new RawHttp(port))
        {
            long n = 0;
            for (final String line : http.exchange(RawHttp.request("GET", "/metrics",
                new String[] { "Authorization: Bearer " + TOKEN }, null)).body().split("\n"))
            {
                if (line.startsWith("crashfree_early_flushes_total{"))
                {
                    n += (long)Double.parseDouble(line.substring(line.indexOf("} ") + 2));
                }
            }
            return n;
        }
    }
}
