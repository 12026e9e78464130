package io.crashfree.aggregation.live;

import io.crashfree.aggregation.files.StorageStatus;
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
import static io.crashfree.aggregation.sketch.UserSketches.*;

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
    private static final double DEDUP_REFUSE_FILL = 0.75;
    /**
     * While the flusher cannot grow the sets (disk full), refuse earlier: near three quarters full a walk can run off
     * the end of the newest segment in the middle of a batch, and a batch refused half-folded would count its
     * sessions twice when it is sent again. At 0.4 that takes odds of about (0.4 e^0.6)^32, 4 in 100,000 an insert.
     */
    private static final double DEDUP_REFUSE_FILL_CANNOT_GROW = 0.4;
    private static final double DEDUP_WAKE_FILL = 0.4;

    private final LiveTable table;
    private final DedupSets dedup;
    private final NameTable names;
    private final FoldGuard guard = new FoldGuard();
    private final long bucketWidthMs;
    /**
     * The outer bound of {@code started} the live side can take (its day files): the validation window
     * ({@code validation.started.*}, the one key and the one check, reloadable) never reaches past it.
     */
    public static final long OUTER_MAX_AGE_MS = 31 * DAY_MS;
    /** The outer bound of a {@code started} ahead of the node's clock. */
    public static final long OUTER_MAX_FUTURE_MS = DAY_MS + 60_000;
    private final int maxLiveRecords;
    private final int minFreeDenseBlocks;
    private final int pressureRecords;
    private final int pressureFreeBlocks;
    private final int pressureFreeSets;
    private volatile Runnable pressureSignal;
    /** Wake the flusher past this share of the refusal fill or of the blocks (the flusher's own high mark). */
    public static final double PRESSURE_MARK = 0.7;
    private final LongAdder droppedOutsideWindow = new LongAdder();
    private final StorageStatus storage;
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder refusedStorage = new LongAdder();
    private final LongAdder foldFailures = new LongAdder();
    private final LongAdder refusedNamesFull = new LongAdder();
    private final LongAdder overflowed = new LongAdder();
    private final java.util.concurrent.ConcurrentHashMap<Overflowed, Boolean> overflow =
        new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean overflowInUse;

    /**
     * @param table             live table.
     * @param dedup             exactly-once sets.
     * @param names             release and environment registry.
     * @param bucketWidthMs     bucket width.
     * @param maxFill           fraction of the table that may hold records before back-pressure.
     * @param minFreeDenseBlocks dense blocks kept in reserve before back-pressure.
     */
    public LiveAggregator(final LiveTable table, final DedupSets dedup, final NameTable names,
        final long bucketWidthMs, final double maxFill,
        final int minFreeDenseBlocks)
    {
        this(table, dedup, names, bucketWidthMs, maxFill, minFreeDenseBlocks, new StorageStatus(message -> { }));
    }

    /**
     * @param table              live table.
     * @param dedup              exactly-once sets.
     * @param names              release and environment registry.
     * @param bucketWidthMs      bucket width.
     * @param maxFill            fraction of the table that may hold records before back-pressure.
     * @param minFreeDenseBlocks dense blocks kept in reserve before back-pressure.
     * @param storage            what the node cannot write to disk now: a refusal while it fails says so.
     */
    public LiveAggregator(final LiveTable table, final DedupSets dedup, final NameTable names,
        final long bucketWidthMs, final double maxFill, final int minFreeDenseBlocks, final StorageStatus storage)
    {
        this.storage = storage;
        this.table = table;
        this.dedup = dedup;
        this.names = names;
        this.bucketWidthMs = bucketWidthMs;
        this.maxLiveRecords = (int)(table.capacity() * maxFill);
        this.minFreeDenseBlocks = minFreeDenseBlocks;
        this.pressureRecords = (int)(table.capacity() * maxFill * PRESSURE_MARK);
        this.pressureFreeBlocks = (int)(table.arena().capacity() * (1 - PRESSURE_MARK));
        this.pressureFreeSets = table.sets() == null ? 0 : (int)(table.sets().capacity() * (1 - PRESSURE_MARK));
    }

    @Override
    public boolean tryFold(final SessionBatch batch)
    {
        return fold(batch) == FOLDED;
    }

    @Override
    public int fold(final SessionBatch batch)
    {
        final long nowMs = batch.receivedAtMs();
        final long project = batch.projectId();
        final LiveUsage usage = table.usage();
        final int slot = usage.slot(project);
        if (!hasHeadroom(batch))
        {
            signalPressure();
            return busy();
        }
        if (usage.overLimit(slot))
        {
            return OVER_PROJECT_LIVE_SHARE;
        }
        if (exactlyOnceExhausted(batch, slot))
        {
            return OVER_PROJECT_EXACTLY_ONCE;
        }
        NameCache cache = (NameCache)batch.sinkState();
        if (cache == null)
        {
            cache = new NameCache(guard.register());
            batch.sinkState(cache);
        }
        final int named = registerNames(batch, nowMs, cache);
        if (named != FOLDED)
        {
            return named;
        }
        boolean complete = true;
        cache.slot.begin();
        try
        {
            for (int i = 0, n = batch.updateCount(); i < n; i++)
            {
                complete &= foldUpdate(project, slot, batch.update(i), nowMs);
            }
            for (int i = 0, n = batch.aggregatesCount(); i < n; i++)
            {
                complete &= foldAggregates(project, batch.aggregates(i), nowMs);
            }
        }
        finally
        {
            cache.slot.end();
        }
        if (table.liveRecords() > pressureRecords || table.arena().freeBlocks() < pressureFreeBlocks ||
            (table.sets() != null && table.sets().freeBlocks() < pressureFreeSets))
        {
            signalPressure();
        }
        // Incomplete only when a slot or set ran out despite the headroom check (a race, or a set the flusher could
        // not grow for lack of disk): never acknowledge it.
        return complete ? FOLDED : busy();
    }

    /** A refusal for lack of room: worded as a storage problem while the node cannot write to disk. */
    private int busy()
    {
        if (storage.failing())
        {
            refusedStorage.increment();
            return STORAGE_UNAVAILABLE;
        }
        refusedFull.increment();
        return BUSY;
    }

    /**
     * Registers the batch's releases and environments before anything is folded, so that a project past its
     * limit of names is refused whole.
     */
    private int registerNames(final SessionBatch batch, final long nowMs, final NameCache cache)
    {
        final long project = batch.projectId();
        for (int i = 0, n = batch.updateCount(); i < n; i++)
        {
            final SessionUpdate u = batch.update(i);
            if (!u.dropped() && u.startedMs() >= nowMs - OUTER_MAX_AGE_MS && u.startedMs() <= nowMs + OUTER_MAX_FUTURE_MS)
            {
                final int r = registerNames(project, u.attributes(), nowMs, cache);
                if (r != FOLDED)
                {
                    return r;
                }
            }
        }
        for (int i = 0, n = batch.aggregatesCount(); i < n; i++)
        {
            final int r = registerNames(project, batch.aggregates(i).attributes(), nowMs, cache);
            if (r != FOLDED)
            {
                return r;
            }
        }
        return FOLDED;
    }

    private int registerNames(final long project, final SessionAttributes attrs, final long nowMs,
        final NameCache cache)
    {
        hashNames(attrs);
        final long release = attrs.releaseHash();
        final long environment = attrs.environmentHash();
        int r = register(project, NameTable.KIND_RELEASE, release, attrs.release(), nowMs, cache);
        if (r == FOLDED && environment != 0)
        {
            r = register(project, NameTable.KIND_ENVIRONMENT, environment, attrs.environment(), nowMs, cache);
        }
        return r;
    }

    /**
     * Hashes a record's release and environment names once per record: the first check that needs them (the
     * exactly-once room check, or the registration) keeps them in the attributes flyweight, which is cleared for
     * every record the decoder fills (a release hash is never 0).
     */
    private static void hashNames(final SessionAttributes attrs)
    {
        if (attrs.releaseHash() == 0)
        {
            attrs.nameHashes(NameTable.hash(attrs.release()),
                attrs.environment().isPresent() ? NameTable.hash(attrs.environment()) : 0);
        }
    }

    private void signalPressure()
    {
        final Runnable signal = pressureSignal;
        if (signal != null)
        {
            signal.run();
        }
    }

    /**
     * @param signal wakes the flusher when a fold leaves the live side past its early-flush mark (an unpark: no
     *               allocation, no lock).
     */
    public void onPressure(final Runnable signal)
    {
        this.pressureSignal = signal;
    }

    private boolean hasHeadroom(final SessionBatch batch)
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
        final double refuseFill = storage.failing(StorageStatus.Area.EXACTLY_ONCE) ? DEDUP_REFUSE_FILL_CANNOT_GROW :
            DEDUP_REFUSE_FILL;
        for (int i = 0, n = batch.updateCount(); i < n; i++)
        {
            // The flusher grows a day's exactly-once set every cycle, keeping its newest segment at most a quarter
            // full; three quarters means it is not keeping up (or the day is not prepared): refuse before folding.
            final SessionUpdate u = batch.update(i);
            if (!u.dropped() && (u.errors() > 0 || u.status().isError()))
            {
                final long day = Math.floorDiv(u.startedMs(), DAY_MS);
                final double fill = dedup.segments(day) == 0 ? 1.0 : dedup.fill(day);
                if (fill >= DEDUP_WAKE_FILL)
                {
                    signalPressure(); // the flusher grows the day's set (or maps the day) at once
                    if (fill >= refuseFill)
                    {
                        return false;
                    }
                }
                // A fill under the mark still leaves some paths full (linear probing clusters): check this update's
                // own entries, so that a crash is never met by a full set half way through a batch.
                if (!exactlyOnceRoom(batch.projectId(), u, day))
                {
                    signalPressure();
                    return false;
                }
            }
        }
        return true;
    }

    private boolean exactlyOnceExhausted(final SessionBatch batch, final int slot)
    {
        for (int i = 0, n = batch.updateCount(); i < n; i++)
        {
            final SessionUpdate u = batch.update(i);
            if (!u.dropped() && (u.errors() > 0 || u.status().isError()) &&
                table.usage().exactlyOnceExhausted(slot, Math.floorDiv(u.startedMs(), DAY_MS)))
            {
                return true;
            }
        }
        return false;
    }

    private boolean inWindow(final long startedMs, final long nowMs)
    {
        if (startedMs < nowMs - OUTER_MAX_AGE_MS || startedMs > nowMs + OUTER_MAX_FUTURE_MS)
        {
            droppedOutsideWindow.increment();
            return false;
        }
        return true;
    }

    private boolean foldUpdate(final long project, final int slot, final SessionUpdate u, final long nowMs)
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
        final SessionAttributes attrs = u.attributes(); // names registered (and hashed) before the fold
        final long release = attrs.releaseHash();
        final long environment = attrs.environmentHash();
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
            if (errored && firstTime(u, slot, keyHash, epochDay, STATE_ERRORED))
            {
                table.add(off, ERRORED_SESSIONS, 1);
            }
            boolean terminalFirstTime = status == SessionStatus.EXITED || status == SessionStatus.ERRORED;
            switch (status)
            {
                case CRASHED:
                    terminalFirstTime = firstTime(u, slot, keyHash, epochDay, STATE_CRASHED);
                    if (terminalFirstTime)
                    {
                        table.add(off, CRASHED, 1);
                    }
                    break;
                case ABNORMAL:
                    terminalFirstTime = firstTime(u, slot, keyHash, epochDay, STATE_ABNORMAL);
                    if (terminalFirstTime)
                    {
                        table.add(off, ABNORMAL, 1);
                    }
                    break;
                case UNHANDLED:
                    terminalFirstTime = firstTime(u, slot, keyHash, epochDay, STATE_UNHANDLED);
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

    /** An exactly-once entry that found its day's set full mid-fold, kept on the heap until the set has room. */
    private record Overflowed(long epochDay, long fingerprint)
    {
    }

    /**
     * Moves the entries that met a full set into the day's grown set (flusher, after it grew the sets): inserted
     * there first, then, once every fold that may have walked the set before it grew has finished, forgotten here,
     * so that an entry is always found in one place or the other.
     *
     * @return entries moved.
     */
    public int moveOverflowedEntries()
    {
        if (overflow.isEmpty())
        {
            return 0;
        }
        final java.util.List<Overflowed> moved = new java.util.ArrayList<>();
        for (final Overflowed o : overflow.keySet())
        {
            if (dedup.tryInsert(o.epochDay(), o.fingerprint()) != DedupSets.FULL)
            {
                moved.add(o);
            }
        }
        guard.awaitQuiescence();
        moved.forEach(overflow::remove);
        return moved.size();
    }

    /** @return exactly-once entries that met a full set mid-fold (kept on the heap until moved). */
    public long overflowedEntries()
    {
        return overflowed.sum();
    }

    private static long fingerprint(final SessionUpdate u, final long keyHash, final int state)
    {
        long f = keyHash ^ (state * 0x9E3779B97F4A7C15L);
        f = Long.rotateLeft(f ^ u.sidHashLow(), 23) * 0xC2B2AE3D27D4EB4FL;
        f ^= u.sidHashHigh();
        f ^= f >>> 31;
        return f == 0 ? 1 : f;
    }

    private boolean firstTime(final SessionUpdate u, final int slot, final long keyHash, final long epochDay,
        final int state)
    {
        if (!u.hasSid())
        {
            return true; // without an id every update is its own session, as Relay gives it a random one
        }
        final long f = fingerprint(u, keyHash, state);
        if (overflowInUse && overflow.containsKey(new Overflowed(epochDay, f)))
        {
            return false;
        }
        final int result = dedup.tryInsert(epochDay, f);
        if (result == DedupSets.FULL)
        {
            // The headroom check found room on this fingerprint's path, but the batch's own earlier entries (or
            // another thread's) took it since. Neither drop an acknowledged crash nor let a repeat count it again:
            // remember it on the heap until the flusher has grown the day's set and moved it there.
            overflowInUse = true;
            overflowed.increment();
            if (overflow.putIfAbsent(new Overflowed(epochDay, f), Boolean.TRUE) != null)
            {
                return false;
            }
            table.usage().onExactlyOnce(slot, epochDay);
            return true;
        }
        if (result == DedupSets.NEW)
        {
            table.usage().onExactlyOnce(slot, epochDay);
            return true;
        }
        return false;
    }

    /**
     * Whether every exactly-once entry this update would insert has room on its path now (checked before anything
     * of the batch is folded: a batch is refused whole, never half-counted).
     */
    private boolean exactlyOnceRoom(final long project, final SessionUpdate u, final long epochDay)
    {
        if (!u.hasSid())
        {
            return true;
        }
        final SessionAttributes attrs = u.attributes();
        hashNames(attrs);
        final long bucketSec = Math.floorDiv(u.startedMs(), bucketWidthMs) * bucketWidthMs / 1000;
        final long keyHash = LiveTable.mix(project, attrs.releaseHash(), attrs.environmentHash(), bucketSec);
        if (!dedup.canInsert(epochDay, fingerprint(u, keyHash, STATE_ERRORED)))
        {
            return false;
        }
        final SessionStatus status = u.status();
        final int terminal = status == SessionStatus.CRASHED ? STATE_CRASHED : status == SessionStatus.ABNORMAL ?
            STATE_ABNORMAL : status == SessionStatus.UNHANDLED ? STATE_UNHANDLED : 0;
        return terminal == 0 || dedup.canInsert(epochDay, fingerprint(u, keyHash, terminal));
    }

    private boolean foldAggregates(final long project, final SessionAggregates item, final long nowMs)
    {
        boolean complete = true;
        final SessionAttributes attrs = item.attributes(); // names registered (and hashed) before the fold
        final long release = attrs.releaseHash();
        final long environment = attrs.environmentHash();
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

    private int register(final long project, final int kind, final long hash, final Utf8Text name, final long nowMs,
        final NameCache cache)
    {
        if (!cache.isFresh(project, kind, hash, nowMs))
        {
            final NameTable.Registration r = names.register(project, kind, hash, name, nowMs);
            if (r == NameTable.Registration.PROJECT_LIMIT)
            {
                    return OVER_PROJECT_NAMES;
            }
            if (r == NameTable.Registration.FULL)
            {
                refusedNamesFull.increment();
                return BUSY;
            }
            cache.put(project, kind, hash, nowMs);
        }
        return FOLDED;
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

    /** @return batches refused with back-pressure: the live table or the sketch blocks had no headroom. */
    public long refusedFull()
    {
        return refusedFull.sum();
    }

    /** @return batches refused for lack of room while the node could not write to disk (full or failing). */
    public long refusedStorage()
    {
        return refusedStorage.sum();
    }

    /** @return batches refused because the node's name table had no room near a new name. */
    public long refusedNamesFull()
    {
        return refusedNamesFull.sum();
    }

    /** @return folds that lost a part to a capacity race (should stay 0; see the headroom check). */
    public long foldFailures()
    {
        return foldFailures.sum();
    }
}
