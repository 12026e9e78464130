package io.crashfree.aggregation.live;

import io.crashfree.aggregation.session.AbnormalMechanism;
import io.crashfree.aggregation.session.AggregateEntry;
import io.crashfree.aggregation.session.SessionAggregates;
import io.crashfree.aggregation.session.SessionAttributes;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.aggregation.session.Utf8Text;
import io.crashfree.aggregation.sketch.HllSketches;

import java.util.concurrent.atomic.LongAdder;

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;

/**
 * Folds decoded sessions into the live table, on the event-loop thread that decoded them, before the edge answers.
 * <p>
 * Semantics (DESIGN.md §4): the key is (project, release, environment, bucket of {@code started}); {@code init}
 * updates and aggregate totals add to {@code sessions}; crashed, abnormal, unhandled and errored sessions are counted
 * once per session id through {@link DedupSets} (so repeated and out-of-order terminal updates count once);
 * aggregate counters add directly; users go into HLL sketches; terminal durations into the histogram.
 * <p>
 * Before folding anything, {@link #tryFold} checks headroom (table fill, free dense blocks, dedup fill), so that a
 * batch is either folded whole or refused whole with back-pressure; a refusal changes nothing.
 */
public final class LiveAggregator implements SessionSink
{
    private static final int STATE_ERRORED = 1;
    private static final int STATE_CRASHED = 2;
    private static final int STATE_ABNORMAL = 3;
    private static final int STATE_UNHANDLED = 4;
    private static final long DAY_MS = 86_400_000L;

    private final LiveTable table;
    private final DedupSets dedup;
    private final NameTable names;
    private final FoldGuard guard = new FoldGuard();
    private final long bucketWidthMs;
    private final long maxAgeMs;
    private final long maxFutureMs;
    private final int maxLiveRecords;
    private final int minFreeDenseBlocks;
    private final LongAdder droppedOutsideWindow = new LongAdder();
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder foldFailures = new LongAdder();

    /**
     * @param table             live table.
     * @param dedup             exactly-once sets.
     * @param names             release and environment registry.
     * @param bucketWidthMs     bucket width.
     * @param maxAgeMs          how long after {@code started} an update still counts (5 days).
     * @param maxFutureMs       how far {@code started} may be ahead of now.
     * @param maxFill           fraction of the table that may hold records before back-pressure.
     * @param minFreeDenseBlocks dense blocks kept in reserve before back-pressure.
     */
    public LiveAggregator(final LiveTable table, final DedupSets dedup, final NameTable names,
        final long bucketWidthMs, final long maxAgeMs, final long maxFutureMs, final double maxFill,
        final int minFreeDenseBlocks)
    {
        this.table = table;
        this.dedup = dedup;
        this.names = names;
        this.bucketWidthMs = bucketWidthMs;
        this.maxAgeMs = maxAgeMs;
        this.maxFutureMs = maxFutureMs;
        this.maxLiveRecords = (int)(table.capacity() * maxFill);
        this.minFreeDenseBlocks = minFreeDenseBlocks;
    }

    @Override
    public boolean tryFold(final SessionBatch batch)
    {
        final long nowMs = batch.receivedAtMs();
        if (!hasHeadroom(batch, nowMs))
        {
            refusedFull.increment();
            return false;
        }
        final long project = batch.projectId();
        NameCache cache = (NameCache)batch.sinkState();
        if (cache == null)
        {
            cache = new NameCache(guard.register());
            batch.sinkState(cache);
        }
        boolean complete = true;
        cache.slot.begin();
        try
        {
            for (int i = 0, n = batch.updateCount(); i < n; i++)
            {
                complete &= foldUpdate(project, batch.update(i), nowMs, cache);
            }
            for (int i = 0, n = batch.aggregatesCount(); i < n; i++)
            {
                complete &= foldAggregates(project, batch.aggregates(i), nowMs, cache);
            }
        }
        finally
        {
            cache.slot.end();
        }
        // Incomplete only when a slot or set ran out despite the headroom check (a race): never acknowledge it.
        return complete;
    }

    private boolean hasHeadroom(final SessionBatch batch, final long nowMs)
    {
        int newKeysAtMost = batch.updateCount();
        for (int i = 0, n = batch.aggregatesCount(); i < n; i++)
        {
            newKeysAtMost += batch.aggregates(i).entryCount();
        }
        if (table.liveRecords() + newKeysAtMost > maxLiveRecords || table.arena().freeBlocks() < minFreeDenseBlocks)
        {
            return false;
        }
        for (int i = 0, n = batch.updateCount(); i < n; i++)
        {
            final SessionUpdate u = batch.update(i);
            if (!u.dropped() && (u.errors() > 0 || u.status().isError()) && dedup.fill(Math.floorDiv(u.startedMs(), DAY_MS)) >= 1.0)
            {
                return false;
            }
        }
        return true;
    }

    private boolean inWindow(final long startedMs, final long nowMs)
    {
        if (startedMs < nowMs - maxAgeMs || startedMs > nowMs + maxFutureMs)
        {
            droppedOutsideWindow.increment();
            return false;
        }
        return true;
    }

    private boolean foldUpdate(final long project, final SessionUpdate u, final long nowMs, final NameCache cache)
    {
        if (u.dropped())
        {
            return true;
        }
        final long startedMs = u.startedMs();
        if (!inWindow(startedMs, nowMs))
        {
            return true;
        }
        final SessionAttributes attrs = u.attributes();
        final long release = register(project, NameTable.KIND_RELEASE, attrs.release(), nowMs, cache);
        final long environment = attrs.environment().isPresent() ?
            register(project, NameTable.KIND_ENVIRONMENT, attrs.environment(), nowMs, cache) : 0;
        final long bucketSec = Math.floorDiv(startedMs, bucketWidthMs) * bucketWidthMs / 1000;
        final int off = table.acquire(project, release, environment, bucketSec);
        if (off < 0)
        {
            foldFailures.increment();
            return false;
        }
        try
        {
            final SessionStatus status = u.status();
            if (u.init())
            {
                table.add(off, SESSIONS, 1);
            }
            final long keyHash = LiveTable.mix(project, release, environment, bucketSec);
            final long epochDay = Math.floorDiv(startedMs, DAY_MS);
            final boolean errored = u.errors() > 0 || status.isError();
            if (errored && firstTime(u, keyHash, epochDay, STATE_ERRORED))
            {
                table.add(off, ERRORED_SESSIONS, 1);
            }
            boolean terminalFirstTime = status == SessionStatus.EXITED || status == SessionStatus.ERRORED;
            switch (status)
            {
                case CRASHED:
                    terminalFirstTime = firstTime(u, keyHash, epochDay, STATE_CRASHED);
                    if (terminalFirstTime)
                    {
                        table.add(off, CRASHED, 1);
                    }
                    break;
                case ABNORMAL:
                    terminalFirstTime = firstTime(u, keyHash, epochDay, STATE_ABNORMAL);
                    if (terminalFirstTime)
                    {
                        table.add(off, ABNORMAL, 1);
                    }
                    break;
                case UNHANDLED:
                    terminalFirstTime = firstTime(u, keyHash, epochDay, STATE_UNHANDLED);
                    if (terminalFirstTime)
                    {
                        table.add(off, UNHANDLED, 1);
                    }
                    break;
                default:
                    break;
            }
            if (u.hasDid())
            {
                final int coupon = HllSketches.coupon(u.didHashLow(), u.didHashHigh());
                table.addCoupon(off, SKETCH_USERS, coupon);
                if (errored)
                {
                    table.addCoupon(off, SKETCH_ERRORED_USERS, coupon);
                }
                if (status == SessionStatus.CRASHED)
                {
                    table.addCoupon(off, SKETCH_CRASHED_USERS, coupon);
                }
                else if (status == SessionStatus.ABNORMAL)
                {
                    table.addCoupon(off, SKETCH_ABNORMAL_USERS, coupon);
                    final AbnormalMechanism mechanism = u.abnormalMechanism();
                    if (mechanism != AbnormalMechanism.NONE)
                    {
                        table.addCoupon(off, SKETCH_ANR_USERS, coupon);
                        if (mechanism == AbnormalMechanism.ANR_FOREGROUND)
                        {
                            table.addCoupon(off, SKETCH_FOREGROUND_ANR_USERS, coupon);
                        }
                    }
                }
                else if (status == SessionStatus.UNHANDLED)
                {
                    table.addCoupon(off, SKETCH_UNHANDLED_USERS, coupon);
                }
            }
            final double duration = u.durationSeconds();
            if (terminalFirstTime && duration >= 0 && duration < 1e9)
            {
                table.recordDuration(off, (long)(duration * 1000.0));
            }
        }
        finally
        {
            table.release(off, nowMs);
        }
        return true;
    }

    private boolean firstTime(final SessionUpdate u, final long keyHash, final long epochDay, final int state)
    {
        if (!u.hasSid())
        {
            return true; // without an id every update is its own session, as Relay gives it a random one
        }
        long f = keyHash ^ (state * 0x9E3779B97F4A7C15L);
        f = Long.rotateLeft(f ^ u.sidHashLow(), 23) * 0xC2B2AE3D27D4EB4FL;
        f ^= u.sidHashHigh();
        f ^= f >>> 31;
        if (f == 0)
        {
            f = 1;
        }
        final int result = dedup.tryInsert(epochDay, f);
        if (result == DedupSets.FULL)
        {
            foldFailures.increment();
            return false;
        }
        return result == DedupSets.NEW;
    }

    private boolean foldAggregates(final long project, final SessionAggregates item, final long nowMs,
        final NameCache cache)
    {
        boolean complete = true;
        final SessionAttributes attrs = item.attributes();
        final long release = register(project, NameTable.KIND_RELEASE, attrs.release(), nowMs, cache);
        final long environment = attrs.environment().isPresent() ?
            register(project, NameTable.KIND_ENVIRONMENT, attrs.environment(), nowMs, cache) : 0;
        for (int i = 0, n = item.entryCount(); i < n; i++)
        {
            final AggregateEntry e = item.entry(i);
            if (e.dropped() || !inWindow(e.startedMs(), nowMs))
            {
                continue;
            }
            final long bucketSec = Math.floorDiv(e.startedMs(), bucketWidthMs) * bucketWidthMs / 1000;
            final int off = table.acquire(project, release, environment, bucketSec);
            if (off < 0)
            {
                foldFailures.increment();
                complete = false;
                continue;
            }
            try
            {
                table.add(off, SESSIONS, e.totalCount());
                table.add(off, ERRORED_PREAGGR, e.allErrors());
                table.add(off, CRASHED, e.crashed());
                table.add(off, ABNORMAL, e.abnormal());
                table.add(off, UNHANDLED, e.unhandled());
                if (e.hasDid())
                {
                    final int coupon = HllSketches.coupon(e.didHashLow(), e.didHashHigh());
                    table.addCoupon(off, SKETCH_USERS, coupon);
                    if (e.allErrors() > 0)
                    {
                        table.addCoupon(off, SKETCH_ERRORED_USERS, coupon);
                    }
                    if (e.crashed() > 0)
                    {
                        table.addCoupon(off, SKETCH_CRASHED_USERS, coupon);
                    }
                    if (e.abnormal() > 0)
                    {
                        table.addCoupon(off, SKETCH_ABNORMAL_USERS, coupon);
                    }
                    if (e.unhandled() > 0)
                    {
                        table.addCoupon(off, SKETCH_UNHANDLED_USERS, coupon);
                    }
                }
            }
            finally
            {
                table.release(off, nowMs);
            }
        }
        return complete;
    }

    private long register(final long project, final int kind, final Utf8Text name, final long nowMs,
        final NameCache cache)
    {
        final long hash = NameTable.hash(name);
        if (!cache.isFresh(project, kind, hash, nowMs))
        {
            if (names.register(project, kind, hash, name, nowMs).named())
            {
                cache.put(project, kind, hash, nowMs);
            }
            else
            {
                foldFailures.increment();
            }
        }
        return hash;
    }

    /**
     * Per-thread fold state: the thread's {@link FoldGuard} slot, and its memory of names registered within the last
     * second, so the shared registry (and its last-seen
     * times, kept at one-second resolution anyway) is touched once per name per second, not once per session.
     */
    private static final class NameCache
    {
        private static final int SIZE = 64;
        private final FoldGuard.Slot slot;
        private static final long FRESH_MS = 1000;
        private final long[] hashes = new long[SIZE];
        private final long[] projects = new long[SIZE];
        private final int[] kinds = new int[SIZE];
        private final long[] registeredAtMs = new long[SIZE];

        NameCache(final FoldGuard.Slot slot)
        {
            this.slot = slot;
        }

        boolean isFresh(final long project, final int kind, final long hash, final long nowMs)
        {
            final int i = slot(project, kind, hash);
            return hashes[i] == hash && projects[i] == project && kinds[i] == kind &&
                nowMs - registeredAtMs[i] < FRESH_MS;
        }

        void put(final long project, final int kind, final long hash, final long nowMs)
        {
            final int i = slot(project, kind, hash);
            hashes[i] = hash;
            projects[i] = project;
            kinds[i] = kind;
            registeredAtMs[i] = nowMs;
        }

        private static int slot(final long project, final int kind, final long hash)
        {
            return (int)(hash ^ (hash >>> 29) ^ project * 31 ^ kind) & (SIZE - 1);
        }
    }

    /** @return the guard the flusher waits on after sealing records. */
    public FoldGuard guard()
    {
        return guard;
    }

    /** @return sessions dropped because {@code started} was outside the accepted window. */
    public long droppedOutsideWindow()
    {
        return droppedOutsideWindow.sum();
    }

    /** @return batches refused with back-pressure. */
    public long refusedFull()
    {
        return refusedFull.sum();
    }

    /** @return folds that lost a part to a capacity race (should stay 0; see the headroom check). */
    public long foldFailures()
    {
        return foldFailures.sum();
    }
}
