package io.crashfree.bench;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.query.GroupBy;
import io.crashfree.aggregation.query.SessionField;
import io.crashfree.aggregation.query.SessionsEngine;
import io.crashfree.aggregation.query.SessionsQuery;
import io.crashfree.aggregation.query.SessionsResult;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The dashboard query of issue 4 on its own: sessions over 24 h at a 1 h interval grouped by release, for 100
 * releases (sum(session), count_unique(user), crash_free_rate(session)), over a day of data: 10 sessions per
 * release per minute from a pool of 2,000 users per release, flushed into the store (hourly roll-ups) plus the
 * current hour live.
 * <p>
 * {@code cache=true} is the dashboard case, the same query polled again: the settled hours come from the engine's
 * cache and only the live hour is read. {@code cache=false} is a first query (or one whose hours were just written):
 * everything is read and unioned.
 * <p>
 * Run: {@code bin/crashfree bench SessionsQueryBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g", "-XX:+UseZGC" })
public class SessionsQueryBenchmark
{
    private static final int RELEASES = 100;
    @Param({ "true", "false" })
    public boolean cache;
    private final long nowMs = System.currentTimeMillis();
    private Path dir;
    private Aggregation aggregation;
    private SessionsEngine engine;
    private SessionsQuery query;

    /** Builds a day of data. */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = Files.createTempDirectory("crashfree-query");
        final AggregationSettings settings = new AggregationSettings(dir, 60, 1 << 18, 4096, 1 << 20, 1 << 10,
            400_000, 48 * 3600L, 90 * 86_400L, 120, 1000, 5 * 86_400L, 60, 0.75, 0);
        aggregation = Aggregation.openManual(settings, () -> nowMs);
        final Random random = new Random(1);
        final SessionBatch batch = new SessionBatch(100, 1);
        final long nowMinute = nowMs / 60_000 * 60_000;
        for (int minute = 24 * 60; minute >= 0; minute--)
        {
            for (int r = 0; r < RELEASES; r++)
            {
                batch.reset(1, nowMs);
                for (int s = 0; s < 10; s++)
                {
                    fill(batch.tryAddUpdate(), "app@" + r, "user-" + random.nextInt(2000),
                        nowMinute - minute * 60_000L, random.nextInt(50) == 0);
                }
                if (!aggregation.sink().tryFold(batch))
                {
                    throw new IllegalStateException("fold refused");
                }
            }
            if (minute % 60 == 0 && minute > 0)
            {
                aggregation.flusher().doWork(nowMs, true); // as the flusher would, hour by hour
            }
        }
        engine = new SessionsEngine(aggregation.view(), settings, cache ? SessionsEngine.DEFAULT_CACHE_BYTES : 0);
        final long endSec = (nowMs / 1000 / 3600 + 1) * 3600;
        query = new SessionsQuery(List.of(1L), Set.of(), Set.of(), Set.of(), endSec - 24 * 3600, endSec, 3600,
            List.of(SessionField.SUM_SESSION, SessionField.COUNT_UNIQUE_USER, SessionField.CRASH_FREE_RATE_SESSION),
            List.of(GroupBy.RELEASE), null, false, 5000, true, true);
        if (engine.run(query, nowMs).groups().size() != RELEASES)
        {
            throw new IllegalStateException("expected one group per release");
        }
    }

    /** Deletes the data. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        aggregation.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** @return the answer. */
    @Benchmark
    public SessionsResult sessions24hByRelease()
    {
        return engine.run(query, nowMs);
    }

    private static void fill(final SessionUpdate u, final String release, final String did, final long startedMs,
        final boolean crashed)
    {
        final long[] user = MurmurHash3.hash(did.getBytes(StandardCharsets.UTF_8), 9001);
        final long[] sid = MurmurHash3.hash((did + startedMs).getBytes(StandardCharsets.UTF_8), 9001);
        u.sidHash(sid[0], sid[1]);
        u.didHash(user[0], user[1]);
        u.init(true);
        u.startedMs(startedMs);
        u.status(crashed ? SessionStatus.CRASHED : SessionStatus.OK);
        final byte[] r = release.getBytes(StandardCharsets.UTF_8);
        u.attributes().release().setBytes(r, 0, r.length);
    }
}
