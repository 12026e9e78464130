package io.crashfree.bench;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import org.HdrHistogram.Histogram;
import org.apache.datasketches.hash.MurmurHash3;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Flushing 100,000 live keys into the store, and what it does to ingest running beside it: one thread folds
 * sessions continuously and records each fold's latency (HdrHistogram), first for a few seconds without a flush,
 * then while the flusher moves every key. Reports flush time, keys per second, the ingest latency of both phases,
 * and the bytes per live key.
 * <p>
 * Run: {@code bin/crashfree bench flush} (not JMH: a one-shot with a concurrent observer). With {@code --quick}, 1,000
 * keys and a 0.3 s baseline (a smoke run); with {@code --result FILE}, the figures are also written for the report
 * driver ({@link OneShotResult}).
 */
public final class FlushPauseBenchmark
{
    private static final int RELEASES = 100;
    private static final int MINUTES = 1000;
    private static final long BASELINE_MS = 3_000;
    private static final int QUICK_RELEASES = 10;
    private static final int QUICK_MINUTES = 100;
    private static final long QUICK_BASELINE_MS = 300;

    private FlushPauseBenchmark()
    {
    }

    /**
     * @param args {@code [--quick] [--result FILE]} (see {@link OneShotOptions}).
     * @throws Exception on I/O failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final OneShotOptions options = OneShotOptions.parseOrExit("flush", args);
        final int releases = options.quick() ? QUICK_RELEASES : RELEASES;
        final int minutes = options.quick() ? QUICK_MINUTES : MINUTES;
        final OneShotResult result = new OneShotResult(FlushPauseBenchmark.class.getSimpleName());
        result.put("gc", collectorNames());
        final long nowMs = System.currentTimeMillis();
        final Path dir = Files.createTempDirectory("crashfree-flush");
        final AggregationSettings settings = new AggregationSettings(dir, 60, 1 << 18, 1024, 1 << 20, 1 << 10,
            400_000, 48 * 3600L, 90 * 86_400L, 120, 1000, 5 * 86_400L, 60, 0.75, 0);
        try (Aggregation aggregation = Aggregation.openManual(settings, () -> nowMs))
        {
            final SessionBatch batch = new SessionBatch(100, 1);
            final long fillStart = System.nanoTime();
            for (int r = 0; r < releases; r++)
            {
                batch.reset(1, nowMs);
                for (int m = 1; m <= minutes; m++)
                {
                    fill(batch.tryAddUpdate(), "release-" + r, "user-" + m, nowMs - m * 60_000L);
                    if (batch.itemCount() == batch.maxItems())
                    {
                        check(aggregation.sink().tryFold(batch));
                        batch.reset(1, nowMs);
                    }
                }
                if (batch.itemCount() > 0)
                {
                    check(aggregation.sink().tryFold(batch));
                }
            }
            final long keys = aggregation.table().liveRecords();
            final double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            System.out.printf("filled %,d live keys in %.1f s; table %,d bytes for %,d slots = %d bytes per key%n",
                keys, fillSeconds, (long)settings.liveCapacity() * 512, settings.liveCapacity(), 512);
            result.put("keys", keys).put("fill.seconds", fillSeconds);

            final Histogram quiet = observe(aggregation, nowMs, options.quick() ? QUICK_BASELINE_MS : BASELINE_MS,
                null);
            final long[] flushNanos = new long[1];
            final Histogram flushing = observe(aggregation, nowMs, 0, () ->
            {
                final long t0 = System.nanoTime();
                final int flushed = aggregation.flusher().doWork(nowMs, true);
                flushNanos[0] = System.nanoTime() - t0;
                System.out.printf("flushed %,d records in %.2f s (%,.0f records/s); store now %,d entries, %,d bytes " +
                    "off-heap%n", flushed, flushNanos[0] / 1e9, flushed / (flushNanos[0] / 1e9),
                    aggregation.store().size(), aggregation.store().offHeapBytes());
                result.put("flush.records", flushed).put("flush.seconds", flushNanos[0] / 1e9)
                    .put("flush.records.per.second", flushed / (flushNanos[0] / 1e9));
            });
            report("ingest without flush", quiet);
            report("ingest during flush ", flushing);
            record(result, "baseline", quiet);
            record(result, "flushing", flushing);
            if (options.result() != null)
            {
                result.write(options.result());
            }
        }
        finally
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            catch (final IOException ignored)
            {
                // temp files
            }
        }
    }

    private static Histogram observe(final Aggregation aggregation, final long nowMs, final long millis,
        final Runnable work) throws InterruptedException
    {
        final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread ingest = new Thread(() ->
        {
            final SessionBatch batch = new SessionBatch(1, 1);
            int i = 0;
            while (!stop.get())
            {
                batch.reset(1, nowMs);
                fill(batch.tryAddUpdate(), "observer@1.0", "observer-user-" + (i++ & 1023), nowMs - 1000);
                final long t0 = System.nanoTime();
                aggregation.sink().tryFold(batch);
                histogram.recordValue(System.nanoTime() - t0);
            }
        }, "ingest-observer");
        ingest.start();
        if (work != null)
        {
            Thread.sleep(200);
            work.run();
        }
        else
        {
            Thread.sleep(millis);
        }
        stop.set(true);
        ingest.join();
        return histogram;
    }

    private static void report(final String what, final Histogram h)
    {
        System.out.printf("%s: %,d folds, p50 %,d ns, p99 %,d ns, p99.9 %,d ns, max %.2f ms, folds over 10 ms: %d%n",
            what, h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
            h.getValueAtPercentile(99.9), h.getMaxValue() / 1e6, h.getCountBetweenValues(10_000_000L, h.getMaxValue()));
    }

    private static void record(final OneShotResult result, final String prefix, final Histogram h)
    {
        result.put(prefix + ".folds", h.getTotalCount())
            .put(prefix + ".p50.ns", h.getValueAtPercentile(50))
            .put(prefix + ".p99.ns", h.getValueAtPercentile(99))
            .put(prefix + ".p999.ns", h.getValueAtPercentile(99.9))
            .put(prefix + ".max.ms", h.getMaxValue() / 1e6)
            .put(prefix + ".over.10ms", h.getCountBetweenValues(10_000_000L, h.getMaxValue()));
    }

    /** @return the JVM's collectors, e.g. "ZGC Cycles, ZGC Pauses" or "G1 Young Generation, G1 Old Generation". */
    private static String collectorNames()
    {
        final StringBuilder names = new StringBuilder();
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            names.append(names.length() == 0 ? "" : ", ").append(gc.getName());
        }
        return names.toString();
    }

    private static void fill(final SessionUpdate u, final String release, final String did, final long startedMs)
    {
        final long[] user = MurmurHash3.hash(did.getBytes(StandardCharsets.UTF_8), 9001);
        u.didHash(user[0], user[1]);
        u.init(true);
        u.startedMs(startedMs);
        u.status(SessionStatus.OK);
        final byte[] r = release.getBytes(StandardCharsets.UTF_8);
        u.attributes().release().setBytes(r, 0, r.length);
    }

    private static void check(final boolean folded)
    {
        if (!folded)
        {
            throw new IllegalStateException("fold refused while filling");
        }
    }
}
