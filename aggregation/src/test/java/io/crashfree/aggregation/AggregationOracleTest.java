package io.crashfree.aggregation;

import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.session.AggregateEntry;
import io.crashfree.aggregation.session.SessionAggregates;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static io.crashfree.aggregation.sketch.UserSketches.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The off-heap aggregates against a plain exact model (HashMap/HashSet) over seeded random streams: out-of-order
 * updates, terminal updates sent twice, crashes reported before their session's init, late arrivals after a flush,
 * and pre-aggregated items, folded from several threads. Counters must be exact; distinct users within the sketch
 * error (exact at small counts).
 */
@Timeout(120)
class AggregationOracleTest
{
    private static final long NOW_MS = 1_764_000_000_000L; // 2025-11-24T16:00:00Z
    private static final int THREADS = 4;
    private static final String[] RELEASES = { "app@1.0", "app@1.1", "app@2.0", "web@3.2.1", "app@2.0-beta" };
    private static final String[] ENVIRONMENTS = { "production", "staging", null };

    @TempDir
    Path dataDir;

    /** One key of the model. */
    record Key(long project, String release, String environment, long bucketSec)
    {
    }

    /** Exact model of one key. */
    static final class Exact
    {
        long sessions;
        long erroredPreaggr;
        long crashedAggregate;
        long abnormalAggregate;
        long unhandledAggregate;
        final Set<String> crashed = new HashSet<>();
        final Set<String> abnormal = new HashSet<>();
        final Set<String> unhandled = new HashSet<>();
        final Set<String> errored = new HashSet<>();
        final Set<String> users = new HashSet<>();
        final Set<String> crashedUsers = new HashSet<>();
        final Set<String> abnormalUsers = new HashSet<>();
        final Set<String> erroredUsers = new HashSet<>();
    }

    /** A session update as the generator makes it. */
    record Update(long project, String release, String environment, String sid, String did, long startedMs,
        boolean init, SessionStatus status, int errors, double duration)
    {
    }

    /** A pre-aggregated entry as the generator makes it. */
    record Aggregate(long project, String release, String environment, long startedMs, String did, int exited,
        int errored, int abnormal, int unhandled, int crashed)
    {
    }

    private static AggregationSettings settings(final Path dir)
    {
        return new AggregationSettings(dir, 60, 1 << 14, 256, 1 << 18, 1 << 10, 100_000, 48 * 3600L, 90 * 86_400L,
            120, 1000, 5 * 86_400L, 60, 0.75, 0);
    }

    @Test
    void shouldMatchTheExactModelWhenFoldedFromManyThreads() throws Exception
    {
        final Random random = new Random(20261125);
        final List<Object> stream = generate(random, 6000, 3000, 60);
        try (Aggregation aggregation = Aggregation.openManual(settings(dataDir), () -> NOW_MS))
        {
            foldConcurrently(aggregation, stream);
            assertEquals(0, aggregation.sink().foldFailures());
            compare(model(stream), aggregation.view(), 60);
            compare(model(stream), aggregation.view(), 3600);
        }
    }

    @Test
    void shouldGiveIdenticalQueryInputsWithAndWithoutFlushes() throws Exception
    {
        final Random random = new Random(7);
        final List<Object> stream = generate(random, 4000, 500, 60);
        final List<Object> firstHalf = stream.subList(0, stream.size() / 2);
        final List<Object> secondHalf = stream.subList(stream.size() / 2, stream.size());

        final Map<StoreKey, AggregateValue> unflushedFine;
        final Map<StoreKey, AggregateValue> unflushedCoarse;
        try (Aggregation aggregation = Aggregation.openManual(settings(dataDir.resolve("a")), () -> NOW_MS))
        {
            foldConcurrently(aggregation, stream);
            unflushedFine = aggregation.view().read(1, 60, 0, Long.MAX_VALUE, NOW_MS);
            unflushedCoarse = aggregation.view().read(1, 3600, 0, Long.MAX_VALUE, NOW_MS);
        }
        try (Aggregation aggregation = Aggregation.openManual(settings(dataDir.resolve("b")), () -> NOW_MS))
        {
            foldConcurrently(aggregation, firstHalf);
            final Map<StoreKey, AggregateValue> before = aggregation.view().read(1, 60, 0, Long.MAX_VALUE, NOW_MS);
            assertTrue(aggregation.flusher().doWork(NOW_MS, true) > 0, "the flush must move records");
            assertSame(before, aggregation.view().read(1, 60, 0, Long.MAX_VALUE, NOW_MS), "a flush changes no answer");
            assertEquals(0, aggregation.table().liveRecords());
            // the second half repeats terminal updates of flushed sessions: they must not count again
            foldConcurrently(aggregation, secondHalf);
            aggregation.flusher().doWork(NOW_MS, true);
            assertSame(unflushedFine, aggregation.view().read(1, 60, 0, Long.MAX_VALUE, NOW_MS), "fine buckets");
            assertSame(unflushedCoarse, aggregation.view().read(1, 3600, 0, Long.MAX_VALUE, NOW_MS), "hourly roll-ups");
        }
        // and the flushed store survives a reopen
        try (Aggregation aggregation = Aggregation.openManual(settings(dataDir.resolve("b")), () -> NOW_MS))
        {
            assertSame(unflushedFine, aggregation.view().read(1, 60, 0, Long.MAX_VALUE, NOW_MS), "after reopen");
        }
    }

    @Test
    void shouldCountSevenUsersCrashingOnDifferentDaysOnceEachInTheUnion() throws Exception
    {
        try (Aggregation aggregation = Aggregation.openManual(settings(dataDir), () -> NOW_MS))
        {
            final SessionBatch batch = new SessionBatch(10, 10);
            batch.reset(1, NOW_MS);
            for (int day = 0; day < 7; day++)
            {
                for (int user = 0; user < 7; user++)
                {
                    final boolean crash = user == day;
                    update(batch.tryAddUpdate(), new Update(1, "app@1.0", "production", "s" + day + "-" + user,
                        "user-" + user, NOW_MS - (day + 1) * 3_600_000L * 12, true,
                        crash ? SessionStatus.CRASHED : SessionStatus.EXITED, crash ? 1 : 0, 10));
                    if (batch.itemCount() == 10)
                    {
                        assertTrue(aggregation.sink().tryFold(batch));
                        batch.reset(1, NOW_MS);
                    }
                }
            }
            assertTrue(aggregation.sink().tryFold(batch));
            final AggregateValue week = new AggregateValue();
            aggregation.view().read(1, 3600, 0, Long.MAX_VALUE, NOW_MS).values().forEach(week::merge);
            assertEquals(7, Math.round(week.estimate(SKETCH_USERS)));
            assertEquals(7, Math.round(week.estimate(SKETCH_CRASHED_USERS)));
            assertEquals(49, week.sessions());
            assertEquals(7, week.crashed());
        }
    }

    // ---------------------------------------------------------------- generator

    private static List<Object> generate(final Random random, final int sessions, final int users, final int maxMinutes)
    {
        final List<Object> out = new ArrayList<>();
        for (int s = 0; s < sessions; s++)
        {
            final long project = 1 + random.nextInt(2);
            final String release = RELEASES[random.nextInt(RELEASES.length)];
            final String environment = ENVIRONMENTS[random.nextInt(ENVIRONMENTS.length)];
            final String sid = "sid-" + s;
            final String did = random.nextInt(10) == 0 ? null : "user-" + random.nextInt(users);
            // mostly recent, some 2-4 days late
            final long startedMs = NOW_MS - (random.nextInt(10) == 0 ? 2 * 86_400_000L + random.nextInt(2 * 86_400_000) :
                random.nextInt(maxMinutes) * 60_000L + random.nextInt(60_000));
            final int outcome = random.nextInt(10);
            final SessionStatus terminal = outcome < 5 ? SessionStatus.EXITED : outcome < 7 ? SessionStatus.ERRORED :
                outcome < 8 ? SessionStatus.CRASHED : outcome < 9 ? SessionStatus.ABNORMAL : SessionStatus.UNHANDLED;
            final int errors = terminal == SessionStatus.EXITED ? 0 : 1 + random.nextInt(3);
            out.add(new Update(project, release, environment, sid, did, startedMs, true, SessionStatus.OK, 0, -1));
            if (errors > 0 && random.nextBoolean())
            {
                out.add(new Update(project, release, environment, sid, did, startedMs, false, SessionStatus.OK, 1, -1));
            }
            final double duration = random.nextInt(3_600_000) / 1000.0;
            out.add(new Update(project, release, environment, sid, did, startedMs, false, terminal, errors, duration));
            if (terminal == SessionStatus.CRASHED || terminal == SessionStatus.ABNORMAL || random.nextInt(20) == 0)
            {
                out.add(new Update(project, release, environment, sid, did, startedMs, false, terminal, errors,
                    duration)); // sent twice, as SDKs do
            }
            if (random.nextInt(30) == 0)
            {
                out.add(new Aggregate(project, release, environment, NOW_MS - random.nextInt(maxMinutes) * 60_000L,
                    random.nextBoolean() ? null : "user-" + random.nextInt(users), random.nextInt(50),
                    random.nextInt(5), random.nextInt(3), random.nextInt(2), random.nextInt(3)));
            }
        }
        Collections.shuffle(out, random); // arrival order is not send order: crashes may precede their init
        return out;
    }

    private static Map<Key, Exact> model(final List<Object> stream)
    {
        final Map<Key, Exact> model = new HashMap<>();
        for (final Object o : stream)
        {
            if (o instanceof Update u)
            {
                final Exact e = model.computeIfAbsent(new Key(u.project, u.release, u.environment,
                    Math.floorDiv(u.startedMs, 60_000L) * 60), k -> new Exact());
                if (u.init)
                {
                    e.sessions++;
                }
                final boolean errored = u.errors > 0 || u.status.isError();
                if (errored)
                {
                    e.errored.add(u.sid);
                }
                switch (u.status)
                {
                    case CRASHED -> e.crashed.add(u.sid);
                    case ABNORMAL -> e.abnormal.add(u.sid);
                    case UNHANDLED -> e.unhandled.add(u.sid);
                    default ->
                    {
                    }
                }
                if (u.did != null)
                {
                    e.users.add(u.did);
                    if (errored)
                    {
                        e.erroredUsers.add(u.did);
                    }
                    if (u.status == SessionStatus.CRASHED)
                    {
                        e.crashedUsers.add(u.did);
                    }
                    if (u.status == SessionStatus.ABNORMAL)
                    {
                        e.abnormalUsers.add(u.did);
                    }
                }
            }
            else if (o instanceof Aggregate a)
            {
                final Exact e = model.computeIfAbsent(new Key(a.project, a.release, a.environment,
                    Math.floorDiv(a.startedMs, 60_000L) * 60), k -> new Exact());
                e.sessions += a.exited + a.errored + a.abnormal + a.unhandled + a.crashed;
                e.erroredPreaggr += a.errored + a.abnormal + a.unhandled + a.crashed;
                e.crashedAggregate += a.crashed;
                e.abnormalAggregate += a.abnormal;
                e.unhandledAggregate += a.unhandled;
                if (a.did != null)
                {
                    e.users.add(a.did);
                    if (a.errored + a.abnormal + a.unhandled + a.crashed > 0)
                    {
                        e.erroredUsers.add(a.did);
                    }
                    if (a.crashed > 0)
                    {
                        e.crashedUsers.add(a.did);
                    }
                    if (a.abnormal > 0)
                    {
                        e.abnormalUsers.add(a.did);
                    }
                }
            }
        }
        return model;
    }

    // ---------------------------------------------------------------- folding

    private static void foldConcurrently(final Aggregation aggregation, final List<Object> stream) throws Exception
    {
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final int me = t;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    final SessionBatch batch = new SessionBatch(8, 8);
                    for (int i = me; i < stream.size(); i += THREADS)
                    {
                        final Object o = stream.get(i);
                        final long project = o instanceof Update u ? u.project : ((Aggregate)o).project;
                        batch.reset(project, NOW_MS);
                        if (o instanceof Update u)
                        {
                            update(batch.tryAddUpdate(), u);
                        }
                        else
                        {
                            aggregate(batch.tryAddAggregates(), (Aggregate)o);
                        }
                        if (!aggregation.sink().tryFold(batch))
                        {
                            throw new AssertionError("fold refused");
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (failure.get() != null)
        {
            throw new AssertionError("a folding thread failed", failure.get());
        }
    }

    static void update(final SessionUpdate target, final Update u)
    {
        final long[] sid = hash(u.sid);
        target.sidHash(sid[0], sid[1]);
        if (u.did != null)
        {
            final long[] did = hash(u.did);
            target.didHash(did[0], did[1]);
        }
        target.init(u.init);
        target.startedMs(u.startedMs);
        target.status(u.status);
        target.errors(u.errors);
        if (u.duration >= 0)
        {
            target.durationSeconds(u.duration);
        }
        text(target.attributes().release(), u.release);
        if (u.environment != null)
        {
            text(target.attributes().environment(), u.environment);
        }
    }

    private static void aggregate(final SessionAggregates target, final Aggregate a)
    {
        text(target.attributes().release(), a.release);
        if (a.environment != null)
        {
            text(target.attributes().environment(), a.environment);
        }
        final AggregateEntry e = target.tryAddEntry();
        e.startedMs(a.startedMs);
        if (a.did != null)
        {
            final long[] did = hash(a.did);
            e.didHash(did[0], did[1]);
        }
        e.exited(a.exited);
        e.errored(a.errored);
        e.abnormal(a.abnormal);
        e.unhandled(a.unhandled);
        e.crashed(a.crashed);
    }

    private static void text(final io.crashfree.aggregation.session.Utf8Text target, final String s)
    {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        target.setBytes(bytes, 0, bytes.length);
    }

    private static long[] hash(final String id)
    {
        return MurmurHash3.hash(id.getBytes(StandardCharsets.UTF_8), 9001L);
    }

    // ---------------------------------------------------------------- comparing

    private static void compare(final Map<Key, Exact> model, final AggregateView view, final long widthSec)
    {
        for (final long project : new long[] { 1, 2 })
        {
            final Map<StoreKey, AggregateValue> actual = view.read(project, widthSec, 0, Long.MAX_VALUE, NOW_MS);
            final Map<StoreKey, Exact> expected = new HashMap<>();
            final Map<StoreKey, List<Exact>> parts = new HashMap<>();
            for (final Map.Entry<Key, Exact> e : model.entrySet())
            {
                final Key k = e.getKey();
                if (k.project != project || (widthSec == 60 && k.bucketSec < view.fineRetentionStartSec(NOW_MS)))
                {
                    continue; // fine buckets past their retention live on only in the hourly roll-ups
                }
                final StoreKey sk = new StoreKey(project, widthSec, Math.floorDiv(k.bucketSec, widthSec) * widthSec,
                    NameTable.hash(k.release), k.environment == null ? 0 : NameTable.hash(k.environment));
                parts.computeIfAbsent(sk, x -> new ArrayList<>()).add(e.getValue());
            }
            parts.forEach((k, list) -> expected.put(k, union(list)));
            assertKeys(expected.keySet(), actual.keySet(), "keys of project " + project + " at " + widthSec + " s");
            for (final Map.Entry<StoreKey, Exact> e : expected.entrySet())
            {
                final Exact x = e.getValue();
                final AggregateValue a = actual.get(e.getKey());
                final String what = e.getKey() + ": " + a;
                assertEquals(x.sessions, a.sessions(), what);
                assertEquals(x.erroredPreaggr, a.erroredPreaggr(), what);
                assertEquals(x.crashed.size() + x.crashedAggregate, a.crashed(), what);
                assertEquals(x.abnormal.size() + x.abnormalAggregate, a.abnormal(), what);
                assertEquals(x.unhandled.size() + x.unhandledAggregate, a.unhandled(), what);
                assertEquals(x.errored.size(), a.erroredSessions(), what);
                assertDistinct(x.users.size(), a.estimate(SKETCH_USERS), what + " users");
                assertDistinct(x.crashedUsers.size(), a.estimate(SKETCH_CRASHED_USERS), what + " crashed users");
                assertDistinct(x.abnormalUsers.size(), a.estimate(SKETCH_ABNORMAL_USERS), what + " abnormal users");
                assertDistinct(x.erroredUsers.size(), a.estimate(SKETCH_ERRORED_USERS), what + " errored users");
            }
        }
    }

    private static void assertKeys(final Set<StoreKey> expected, final Set<StoreKey> actual, final String what)
    {
        final Set<StoreKey> missing = new HashSet<>(expected);
        missing.removeAll(actual);
        final Set<StoreKey> extra = new HashSet<>(actual);
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(), what + ": " + missing.size() + " missing " +
            missing.stream().limit(3).toList() + ", " + extra.size() + " unexpected " + extra.stream().limit(3).toList());
    }

    private static Exact union(final List<Exact> parts)
    {
        final Exact u = new Exact();
        for (final Exact p : parts)
        {
            u.sessions += p.sessions;
            u.erroredPreaggr += p.erroredPreaggr;
            u.crashedAggregate += p.crashedAggregate;
            u.abnormalAggregate += p.abnormalAggregate;
            u.unhandledAggregate += p.unhandledAggregate;
            u.crashed.addAll(p.crashed);
            u.abnormal.addAll(p.abnormal);
            u.unhandled.addAll(p.unhandled);
            u.errored.addAll(p.errored);
            u.users.addAll(p.users);
            u.crashedUsers.addAll(p.crashedUsers);
            u.abnormalUsers.addAll(p.abnormalUsers);
            u.erroredUsers.addAll(p.erroredUsers);
        }
        return u;
    }

    private static void assertDistinct(final long exact, final double estimate, final String what)
    {
        // Exact below a few hundred (coupon sets); within the 2% bound above.
        final double tolerance = exact < 200 ? 0.5 : exact * 0.02;
        assertTrue(Math.abs(estimate - exact) <= tolerance, what + ": exact " + exact + ", estimate " + estimate);
    }

    private static void assertSame(final Map<StoreKey, AggregateValue> expected,
        final Map<StoreKey, AggregateValue> actual, final String what)
    {
        assertKeys(expected.keySet(), actual.keySet(), what);
        for (final Map.Entry<StoreKey, AggregateValue> e : expected.entrySet())
        {
            assertTrue(e.getValue().sameObservableAs(Objects.requireNonNull(actual.get(e.getKey()))),
                what + " " + e.getKey() + ": " + e.getValue() + " vs " + actual.get(e.getKey()));
        }
    }
}
