package io.crashfree.bench;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import org.apache.datasketches.hash.MurmurHash3;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Folding one session update into a warm key of the live table (the whole {@code SessionSink.tryFold} of a
 * one-update batch: headroom check, release and environment registry, record lookup, user sketch, counters), with one
 * thread, and with two threads on the same key and on different keys.
 * <p>
 * Run: {@code bin/crashfree bench FoldBenchmark -prof gc}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class FoldBenchmark
{
    private static final long NOW_MS = System.currentTimeMillis();

    /** The node's aggregation side, shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Node
    {
        Path dir;
        Aggregation aggregation;
        final AtomicInteger threadIds = new AtomicInteger();

        /** Opens a fresh aggregation in a temporary directory. */
        @Setup(Level.Trial)
        public void open() throws IOException
        {
            dir = Files.createTempDirectory("crashfree-fold");
            aggregation = Aggregation.openManual(AggregationSettings.defaults(dir), () -> NOW_MS);
        }

        /** Closes and deletes it. */
        @TearDown(Level.Trial)
        public void close() throws IOException
        {
            aggregation.close();
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One thread's reusable batch: an {@code ok} update of a user already in the key's sketch. */
    @State(Scope.Thread)
    public static class SameKey
    {
        final SessionBatch batch = new SessionBatch(1, 1);

        /** Prepares the batch. */
        @Setup(Level.Trial)
        public void prepare()
        {
            fill(batch, "app@1.0", "user-1");
        }
    }

    /** Like {@link SameKey}, but each thread folds into its own release (a different key). */
    @State(Scope.Thread)
    public static class OwnKey
    {
        final SessionBatch batch = new SessionBatch(1, 1);

        /** Prepares the batch. */
        @Setup(Level.Trial)
        public void prepare(final Node node)
        {
            fill(batch, "app@1." + node.threadIds.incrementAndGet(), "user-1");
        }
    }

    static void fill(final SessionBatch batch, final String release, final String did)
    {
        batch.reset(1, NOW_MS);
        final SessionUpdate u = batch.tryAddUpdate();
        final long[] sid = MurmurHash3.hash("7751317762724069a05d82866b88741a".getBytes(StandardCharsets.UTF_8), 9001);
        final long[] user = MurmurHash3.hash(did.getBytes(StandardCharsets.UTF_8), 9001);
        u.sidHash(sid[0], sid[1]);
        u.didHash(user[0], user[1]);
        u.startedMs(NOW_MS - 30_000);
        u.status(SessionStatus.OK);
        final byte[] r = release.getBytes(StandardCharsets.UTF_8);
        u.attributes().release().setBytes(r, 0, r.length);
        final byte[] e = "production".getBytes(StandardCharsets.UTF_8);
        u.attributes().environment().setBytes(e, 0, e.length);
    }

    /** @return whether folded. */
    @Benchmark
    @Threads(1)
    public boolean oneThread(final Node node, final SameKey state)
    {
        return node.aggregation.sink().tryFold(state.batch);
    }

    /** @return whether folded. */
    @Benchmark
    @Threads(2)
    public boolean twoThreadsSameKey(final Node node, final SameKey state)
    {
        return node.aggregation.sink().tryFold(state.batch);
    }

    /** @return whether folded. */
    @Benchmark
    @Threads(2)
    public boolean twoThreadsDifferentKeys(final Node node, final OwnKey state)
    {
        return node.aggregation.sink().tryFold(state.batch);
    }
}
