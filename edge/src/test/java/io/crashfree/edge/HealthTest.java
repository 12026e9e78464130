package io.crashfree.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /health} over a real socket tells the truth about the flusher: a flusher thread that died, or one whose
 * cycles keep failing, turns it into {@code 503} with the reason, and every fault is in {@code crashfree_errors_total}.
 * Faults are injected through the node's clock, which the flusher reads at the start of every cycle.
 */
@Timeout(60)
class HealthTest
{
    private static final String TOKEN = "health-test-token-0123456789";

    @TempDir
    Path dataDir;

    private final FaultyClock clock = new FaultyClock();
    private CrashfreeNode node;

    @AfterEach
    void stop()
    {
        clock.flusherFault = null;
        if (node != null)
        {
            node.close();
        }
    }

    @Test
    void shouldAnswer503WithTheReasonWhenTheFlusherThreadDies() throws Exception
    {
        node = start(Map.of());
        assertEquals(200, health().status());
        assertEquals("{\"status\":\"ok\"}", health().body());

        // A checked exception thrown where no checked exception is declared escapes the flusher's own catch, as a
        // fault of its error handler would: the thread dies.
        clock.flusherFault = new Exception("test: a fault nothing in the flusher catches");
        awaitTrue(() -> !node.aggregation().flusherAlive(), "the flusher thread dies");

        final RawHttp.Response r = health();
        assertEquals(503, r.status(), r.body());
        assertTrue(r.body().startsWith("{\"status\":\"unhealthy\",\"reason\":\"the flusher thread has stopped"),
            r.body());
        assertEquals(1, node.errors().count("flusher", Exception.class), "the uncaught fault reached the error log");
        assertEquals(1, errorsTotal(), "and crashfree_errors_total");
    }

    @Test
    void shouldAnswer503WhileTheFlusherFallsBehindAndRecoverAfter() throws Exception
    {
        node = start(Map.of("node.health.flush.lag.max.seconds", "1"));
        assertEquals(200, health().status());

        clock.flusherFault = new TestFault();
        awaitTrue(() -> health().status() == 503, "the flusher's lag passes the bound");
        final RawHttp.Response r = health();
        assertTrue(r.body().contains("the flusher has not completed a cycle for ") &&
            r.body().contains("(bound 1 s, node.health.flush.lag.max.seconds"), r.body());
        assertTrue(node.aggregation().flusherAlive(), "the flusher survives its faults and retries");
        final long faults = node.errors().count("flusher", TestFault.class);
        assertTrue(faults >= 2, "every failed cycle is counted: " + faults);
        assertTrue(errorsTotal() >= faults, "crashfree_errors_total counts them");

        clock.flusherFault = null;
        awaitTrue(() -> health().status() == 200, "a completed cycle makes the node healthy again");
    }

    private CrashfreeNode start(final Map<String, String> overrides) throws InterruptedException
    {
        final Map<String, String> values = new HashMap<>(TestNodes.SMALL_AGGREGATION);
        values.put("aggregation.flush.interval.ms", "100");
        values.put("query.tokens", TOKEN);
        values.putAll(overrides);
        return CrashfreeNode.start(TestNodes.config(dataDir, values), clock);
    }

    private RawHttp.Response health() throws IOException
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            return http.exchange(RawHttp.request("GET", "/health", new String[0], null));
        }
    }

    private long errorsTotal() throws IOException
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final String metrics = http.exchange(RawHttp.request("GET", "/metrics",
                new String[] { "Authorization: Bearer " + TOKEN }, null)).body();
            for (final String line : metrics.split("\n"))
            {
                if (line.startsWith("crashfree_errors_total "))
                {
                    return Long.parseLong(line.substring(line.indexOf(' ') + 1));
                }
            }
            throw new AssertionError("no crashfree_errors_total in /metrics:\n" + metrics);
        }
    }

    private interface Condition
    {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(final Condition condition, final String what) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.holds())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A fault of the flusher's cycle (it catches errors, reports them and retries). */
    private static final class TestFault extends Error
    {
        private static final long serialVersionUID = 1L;

        TestFault()
        {
            super("test: the flusher's cycle fails");
        }
    }

    /** The wall clock, except that the flusher thread gets the fault while one is set. */
    private static final class FaultyClock extends Clock
    {
        volatile Throwable flusherFault;

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone)
        {
            return this;
        }

        @Override
        public Instant instant()
        {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis()
        {
            final Throwable fault = flusherFault;
            if (fault != null && Thread.currentThread().getName().equals("crashfree-flusher"))
            {
                throw FaultyClock.<RuntimeException>sneaky(fault);
            }
            return System.currentTimeMillis();
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> RuntimeException sneaky(final Throwable fault) throws T
        {
            throw (T)fault;
        }
    }
}
