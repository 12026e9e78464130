package io.crashfree.aggregation;

import io.crashfree.aggregation.files.DiskFullException;
import io.crashfree.aggregation.files.DiskSpace;
import io.crashfree.aggregation.files.StorageStatus;
import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.DedupSets;
import io.crashfree.aggregation.live.FoldGuard;
import io.crashfree.aggregation.live.LiveAggregator;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.live.LiveUsage;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.sketch.HllSketches;
import io.crashfree.aggregation.store.AggregateStore;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;

import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE_READY;
import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE_SEALED;

/**
 * The flusher's duty cycle: moves buckets that have gone quiet from the live table into the store (fine bucket and
 * hourly roll-up), drops what retention no longer keeps, and prepares and retires the dedup day files.
 * <p>
 * One thread. A flush is idempotent on replay: every live record carries a generation id, a stored value lists the
 * generations merged into it, and a record is freed only after the store has it; a crash in between makes the
 * restart see a {@code SEALED} record whose generation the store already has, so it is freed without merging again.
 * Each flush step (merge into store + free the record) runs under the write side of the lock that queries read
 * under, so a query sees a bucket either live or stored, never both or neither.
 */
public final class Flusher
{
    private static final int RECORDS_PER_LOCK = 256;
    private static final long MAINTENANCE_INTERVAL_MS = 60_000;
    private static final long DAY_MS = 86_400_000L;
    private static final int INDEX_BITS = 22;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    /** Early flushes start above this share of a resource (table fill up to the refusal fill, blocks, a share). */
    private static final double HIGH_MARK = LiveAggregator.PRESSURE_MARK;
    /** … and relieve it down to this share. */
    private static final double LOW_MARK = 0.5;
    private static final int MAX_EARLY_FLUSHES_PER_CYCLE = 16_384;

    private final LiveTable table;
    private final AggregateStore store;
    private final DedupSets dedup;
    private final NameTable names;
    private final AggregationSettings settings;
    private final ReadWriteLock lock;
    private final FoldGuard guard;
    private final StorageStatus storage;
    private final byte[] registers = new byte[HllSketches.K];
    private final int[] coupons = new int[BlockArena.SET_SLOTS];
    private long[] candidates = new long[1024];
    private long[] projectExcess = new long[0];
    private volatile long earlyFlushedForRecords;
    private volatile long earlyFlushedForSketches;
    private volatile long earlyFlushedForProject;
    private volatile boolean underPressure;
    private volatile long pressureSinceMs;
    private volatile long maxAgeMs;
    private volatile Runnable afterPrepare;
    private long lastMaintenanceMs; // 0, so the first cycle maintains (Long.MIN_VALUE overflowed the check: never)
    private long flushedRecords;
    private volatile long lastCycleMs;
    private volatile long oldestUnflushedBucketSec = Long.MAX_VALUE;
    // Cluster mode: fine keys of records flushed with their changed flag set (the publisher takes them each cycle).
    private final Set<StoreKey> flushedChanged = new HashSet<>();
    private final LocalAggregates local;
    private volatile LocalAggregates.CycleListener cycleListener;

    Flusher(final LiveTable table, final AggregateStore store, final DedupSets dedup, final NameTable names,
        final AggregationSettings settings, final ReadWriteLock lock, final FoldGuard guard,
        final StorageStatus storage)
    {
        this.storage = storage;
        this.names = names;
        this.guard = guard;
        this.table = table;
        this.store = store;
        this.dedup = dedup;
        this.settings = settings;
        this.lock = lock;
        this.maxAgeMs = settings.maxAgeSec() * 1000;
        this.local = new LocalAggregates(table, store, names, settings, flushedChanged);
    }

    /** @param listener runs at the end of every cycle, on this thread (cluster publishing); null for none. */
    void cycleListener(final LocalAggregates.CycleListener listener)
    {
        this.cycleListener = listener;
    }

    /** @param task runs after every preparation of the exactly-once days (moves overflowed entries into them). */
    void afterPrepare(final Runnable task)
    {
        this.afterPrepare = task;
    }

    /** @param maxAgeMs the validation window in force: exactly-once day files are kept for it. */
    void window(final long maxAgeMs)
    {
        this.maxAgeMs = maxAgeMs;
    }

    /**
     * One cycle.
     *
     * @param nowMs   now.
     * @param flushAll flush every record, quiet or not (shutdown, tests).
     * @return records flushed.
     */
    public int doWork(final long nowMs, final boolean flushAll)
    {
        final List<Integer> due = new ArrayList<>();
        long oldest = Long.MAX_VALUE;
        final long quietMs = settings.quietSec() * 1000;
        final long widthMs = settings.bucketWidthSec() * 1000L;
        int candidateCount = 0;
        int dueBlocks = 0;
        int dueSets = 0;
        for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
        {
            final int off = LiveTable.recordOffset(i);
            final int state = table.state(off);
            if (state == STATE_READY || state == STATE_SEALED)
            {
                final long bucketSec = table.bucketSec(off);
                final long lastUpdateMs = table.lastUpdateMs(off);
                final boolean quiet = bucketSec * 1000 + widthMs + quietMs <= nowMs && lastUpdateMs + quietMs <= nowMs;
                if (flushAll || quiet || state == STATE_SEALED)
                {
                    due.add(off);
                    dueBlocks += table.denseBlocks(off);
                    dueSets += table.setBlocks(off);
                }
                else
                {
                    oldest = Math.min(oldest, bucketSec);
                    if (candidateCount == candidates.length)
                    {
                        candidates = Arrays.copyOf(candidates, candidateCount * 2);
                    }
                    // coldest first: last update in the high bits, the slot index (< 2^22) in the low ones
                    candidates[candidateCount++] = (Math.max(0, lastUpdateMs) << INDEX_BITS) | i;
                }
            }
        }
        oldestUnflushedBucketSec = oldest;
        // A store that cannot be written now (no room for it to grow, or its last write failed and there is still no
        // room): flush nothing and seal nothing new; the records stay live and keep taking folds, and the next cycle
        // tries again. Only when the live side then fills does ingest refuse (503), per request.
        final boolean storeWritable = storeWritable(nowMs);
        final boolean pressure = storeWritable && candidateCount > 0 &&
            selectEarlyFlushes(due, dueBlocks, dueSets, candidateCount);
        if (pressure != underPressure)
        {
            pressureSinceMs = pressure ? nowMs : 0;
        }
        underPressure = pressure;
        freeRetiredSets();

        int flushed = 0;
        boolean storeFailed = !storeWritable;
        for (int from = 0; from < due.size() && !storeFailed; from += RECORDS_PER_LOCK)
        {
            if (from > 0 && !storeWritable(nowMs))
            {
                storeFailed = true; // the last batch took the room one growth needs: stop before the store faults
                break;
            }
            final int end = Math.min(due.size(), from + RECORDS_PER_LOCK);
            for (int i = from; i < end; i++)
            {
                final int off = due.get(i);
                if (table.state(off) == STATE_READY && !table.seal(off))
                {
                    due.set(i, -1);
                }
            }
            guard.awaitQuiescence(); // folds that saw these records READY have finished
            lock.writeLock().lock();
            try
            {
                for (int i = from; i < end; i++)
                {
                    try
                    {
                        if (due.get(i) >= 0 && flushRecord(due.get(i), nowMs))
                        {
                            flushed++;
                        }
                    }
                    catch (final RuntimeException | InternalError ex)
                    {
                        // The store could not take it (full, a failed write, a damaged entry; an InternalError is a
                        // fault in a mapped page). The record stays SEALED, not freed: readers still see it, nothing
                        // is lost, and the next cycles retry it (a flush is idempotent, so a half-done one is too).
                        storage.onFailure(StorageStatus.Area.STORE, ex, nowMs);
                        storeFailed = true;
                        break;
                    }
                }
            }
            finally
            {
                lock.writeLock().unlock();
            }
        }
        if (!storeFailed)
        {
            storage.onSuccess(StorageStatus.Area.STORE, nowMs);
        }
        flushedRecords += flushed;

        prepareDedupDays(nowMs);
        if (nowMs - lastMaintenanceMs >= MAINTENANCE_INTERVAL_MS)
        {
            lastMaintenanceMs = nowMs;
            maintain(nowMs);
        }
        final LocalAggregates.CycleListener listener = cycleListener;
        if (listener != null)
        {
            listener.onCycle(local, nowMs);
        }
        lastCycleMs = nowMs;
        return flushed;
    }

    /**
     * Under memory pressure, adds the coldest live records (least recently updated) to the flush: the live table
     * is a cache in front of the store and a flush is an idempotent merge, so a key flushed early and updated again
     * gets a new record that is merged again later. Pressure is the table's fill, the dense sketch blocks in use, or
     * a project nearing its share of the budget; each is relieved down to a lower mark so the flusher does not
     * flush a record at a time.
     *
     * @return whether pressure remains after this cycle's flushes (the flusher then runs again soon).
     */
    private boolean selectEarlyFlushes(final List<Integer> due, final int dueBlocks, final int dueSets,
        final int candidateCount)
    {
        final int capacity = table.capacity();
        final double refuseFill = settings.maxFill();
        final long recordsAfterDue = table.liveRecords() - due.size();
        long recordsExcess = recordsAfterDue > (long)(capacity * refuseFill * HIGH_MARK) ?
            recordsAfterDue - (long)(capacity * refuseFill * LOW_MARK) : 0;
        final int blockCapacity = table.arena().capacity();
        final long blocksAfterDue = blockCapacity - table.arena().freeBlocks() - dueBlocks;
        long blocksExcess = blocksAfterDue > (long)(blockCapacity * HIGH_MARK) ?
            blocksAfterDue - (long)(blockCapacity * LOW_MARK) : 0;
        final BlockArena sets = table.sets();
        final int setCapacity = sets == null ? 0 : sets.capacity();
        final long setsAfterDue = sets == null ? 0 : setCapacity - sets.freeBlocks() - sets.retiredBlocks() - dueSets;
        long setsExcess = setsAfterDue > (long)(setCapacity * HIGH_MARK) ?
            setsAfterDue - (long)(setCapacity * LOW_MARK) : 0;
        final LiveUsage usage = table.usage();
        if (projectExcess.length != usage.slots())
        {
            projectExcess = new long[usage.slots()];
        }
        boolean anyProject = false;
        for (int slot = 0; slot < projectExcess.length; slot++)
        {
            final long used = usage.usedBytes(slot);
            final long limit = usage.limitBytes(slot);
            projectExcess[slot] = used > (long)(limit * HIGH_MARK) ? used - (long)(limit * LOW_MARK) : 0;
            anyProject |= projectExcess[slot] > 0;
        }
        if (recordsExcess <= 0 && blocksExcess <= 0 && setsExcess <= 0 && !anyProject)
        {
            return false;
        }
        Arrays.sort(candidates, 0, candidateCount);
        int taken = 0;
        for (int c = 0; c < candidateCount && taken < MAX_EARLY_FLUSHES_PER_CYCLE; c++)
        {
            final int index = (int)(candidates[c] & INDEX_MASK);
            final int off = LiveTable.recordOffset(index);
            if (table.state(off) != STATE_READY)
            {
                continue;
            }
            final int blocks = table.denseBlocks(off);
            final int setBlocks = table.setBlocks(off);
            final int slot = usage.slot(table.project(off));
            final boolean forRecords = recordsExcess > 0;
            final boolean forSketches = (blocksExcess > 0 && blocks > 0) || (setsExcess > 0 && setBlocks > 0);
            final boolean forProject = projectExcess[slot] > 0;
            if (!forRecords && !forSketches && !forProject)
            {
                if (recordsExcess <= 0 && blocksExcess <= 0 && setsExcess <= 0 && !anyProjectExcess())
                {
                    break;
                }
                continue;
            }
            due.add(off);
            taken++;
            recordsExcess--;
            blocksExcess -= blocks;
            setsExcess -= setBlocks;
            projectExcess[slot] -= LiveUsage.recordBytes() + (long)blocks * table.arena().blockBytes() +
                (sets == null ? 0 : (long)setBlocks * sets.blockBytes());
            if (forSketches)
            {
                earlyFlushedForSketches++;
            }
            else if (forRecords)
            {
                earlyFlushedForRecords++;
            }
            else
            {
                earlyFlushedForProject++;
            }
        }
        return recordsExcess > 0 || blocksExcess > 0 || setsExcess > 0 || anyProjectExcess();
    }

    /**
     * Frees the coupon-set blocks that promotions to dense retired: once the folds that may still be adding to
     * them have finished, and under the write lock, so no query is reading them either.
     */
    private void freeRetiredSets()
    {
        final BlockArena sets = table.sets();
        if (sets == null || sets.retiredBlocks() == 0)
        {
            return;
        }
        final long chain = sets.detachRetired();
        if (chain != 0)
        {
            guard.awaitQuiescence();
            lock.writeLock().lock();
            try
            {
                sets.freeRetired(chain);
            }
            finally
            {
                lock.writeLock().unlock();
            }
        }
    }

    private boolean anyProjectExcess()
    {
        for (final long excess : projectExcess)
        {
            if (excess > 0)
            {
                return true;
            }
        }
        return false;
    }

    private boolean flushRecord(final int off, final long nowMs)
    {
        if (table.state(off) != STATE_SEALED)
        {
            return false;
        }
        final long generation = table.generation(off);
        final long project = table.project(off);
        final long release = table.releaseHash(off);
        final long environment = table.environmentHash(off);
        final long bucketSec = table.bucketSec(off);

        if (cycleListener != null && table.takeChanged(off))
        {
            // the last folds into it were not published yet: the publisher reads the key from the store this cycle
            flushedChanged.add(new StoreKey(project, settings.bucketWidthSec(), bucketSec, release, environment));
        }
        final AggregateValue value = new AggregateValue();
        table.addTo(off, value, registers, coupons, AggregateValue.ALL_SKETCHES);
        final long hourSec = Math.floorDiv(bucketSec, AggregationSettings.COARSE_WIDTH_SEC) *
            AggregationSettings.COARSE_WIDTH_SEC;
        final StoreKey coarse = new StoreKey(project, AggregationSettings.COARSE_WIDTH_SEC, hourSec, release,
            environment);
        if (bucketSec < settings.fineRetentionStartSec(nowMs))
        {
            mergeInto(coarse, store.getBytes(coarse), value, generation);
        }
        else
        {
            final StoreKey fine = new StoreKey(project, settings.bucketWidthSec(), bucketSec, release, environment);
            final byte[] fineBefore = store.getBytes(fine);
            final boolean fineWritten = mergeInto(fine, fineBefore, value, generation);
            try
            {
                mergeInto(coarse, store.getBytes(coarse), value, generation);
            }
            catch (final RuntimeException | InternalError ex)
            {
                // The record stays live (SEALED), so its fine bucket must not also be in the store: readers would
                // count it twice until the retry. Undone, the store is as before this flush.
                if (fineWritten)
                {
                    try
                    {
                        store.restore(fine, fineBefore);
                    }
                    catch (final RuntimeException | InternalError undo)
                    {
                        ex.addSuppressed(undo);
                    }
                }
                throw ex;
            }
        }
        table.free(off);
        return true;
    }

    /**
     * @return whether the store may be written this cycle: its filesystem has room for the store to grow by what one
     *         growth takes (Chronicle Map writes new tiers through a mapping, where a full disk is a fault, not an
     *         error), so a write cannot fail for space.
     */
    private boolean storeWritable(final long nowMs)
    {
        final long usable = DiskSpace.usableBytes(store.file());
        if (usable < store.growthReserveBytes())
        {
            storage.onFailure(StorageStatus.Area.STORE, new DiskFullException(store.file(),
                store.growthReserveBytes(), usable, "free to grow", null), nowMs);
            return false;
        }
        return true;
    }

    /** @return whether it wrote ({@code false}: the store had this generation already, a replayed flush). */
    private boolean mergeInto(final StoreKey key, final byte[] before, final AggregateValue value,
        final long generation)
    {
        AggregateValue stored = before == null ? null : store.decodeChecked(key, before);
        if (stored != null && stored.containsGeneration(generation))
        {
            return false; // replay of a flush that completed before a crash
        }
        final boolean newKey = stored == null;
        if (newKey)
        {
            stored = new AggregateValue();
        }
        stored.merge(value);
        stored.addGeneration(generation);
        store.put(key, stored, newKey, before);
        return true;
    }

    /**
     * Every cycle: maps the exactly-once days of the window and grows each that filled since the last cycle (event
     * loops never map files; a day they find unprepared or out of room answers {@code 503}).
     *
     * @param nowMs now.
     */
    public void prepareDedupDays(final long nowMs)
    {
        final long today = Math.floorDiv(nowMs, DAY_MS);
        final long windowDays = Math.min(maxAgeMs, LiveAggregator.OUTER_MAX_AGE_MS) / DAY_MS + 1;
        boolean prepared = true;
        for (long day = today - windowDays; day <= today + 1; day++)
        {
            prepared &= dedup.prepare(day);
        }
        final Runnable move = afterPrepare;
        if (move != null)
        {
            move.run(); // entries that met a full set mid-fold go into the grown sets
        }
        if (prepared)
        {
            storage.onSuccess(StorageStatus.Area.EXACTLY_ONCE, nowMs);
        }
        else
        {
            storage.onFailure(StorageStatus.Area.EXACTLY_ONCE, dedup.lastGrowthFailure(), nowMs);
        }
    }

    /**
     * The days {@link #prepareDedupDays} prepares at a time, for sizing the disk at start: the window's days and the
     * next.
     *
     * @param maxAgeMs the validation window.
     * @return how many days.
     */
    static int dedupDaysPrepared(final long maxAgeMs)
    {
        return (int)(Math.min(maxAgeMs, LiveAggregator.OUTER_MAX_AGE_MS) / DAY_MS + 3);
    }

    private void maintain(final long nowMs)
    {
        final long today = Math.floorDiv(nowMs, DAY_MS);
        final long windowDays = Math.min(maxAgeMs, LiveAggregator.OUTER_MAX_AGE_MS) / DAY_MS + 1;
        dedup.retireBefore(today - windowDays - 1);
        table.reclaimTombstones();
        // A name goes with the data it names: unseen for longer than the hourly roll-ups are kept plus the window.
        names.retireUnseenBefore(nowMs - settings.coarseRetentionSec() * 1000 - maxAgeMs - 60_000);

        final long fineCutoffSec = settings.fineRetentionStartSec(nowMs);
        final long coarseCutoffSec = nowMs / 1000 - settings.coarseRetentionSec();
        final List<StoreKey> expired = new ArrayList<>();
        for (final StoreKey key : store.keys())
        {
            final boolean expiredKey = key.widthSec() == AggregationSettings.COARSE_WIDTH_SEC ?
                key.bucketSec() + key.widthSec() <= coarseCutoffSec : key.bucketSec() < fineCutoffSec;
            if (expiredKey)
            {
                expired.add(key);
            }
        }
        if (!expired.isEmpty())
        {
            lock.writeLock().lock();
            try
            {
                expired.forEach(store::remove);
            }
            finally
            {
                lock.writeLock().unlock();
            }
        }
    }

    /** @return records flushed early because the live table was filling. */
    public long earlyFlushedForRecords()
    {
        return earlyFlushedForRecords;
    }

    /** @return records flushed early because the dense sketch blocks were running out. */
    public long earlyFlushedForSketches()
    {
        return earlyFlushedForSketches;
    }

    /** @return records flushed early because their project neared its share of the live memory. */
    public long earlyFlushedForProject()
    {
        return earlyFlushedForProject;
    }

    /** @return whether the last cycle left memory pressure that more early flushes must relieve. */
    public boolean underPressure()
    {
        return underPressure;
    }

    /**
     * @return when the cycles began to end with pressure left over (early flushes that could not bring the live side
     *         back under its mark), epoch ms, continuously since; 0 when the last cycle ended without.
     */
    public long pressureSinceMs()
    {
        return pressureSinceMs;
    }

    /** @return records flushed since start. */
    public long flushedRecords()
    {
        return flushedRecords;
    }

    /** @return when the last cycle ran, epoch ms. */
    public long lastCycleMs()
    {
        return lastCycleMs;
    }

    /** @return the start of the oldest bucket still live and not yet due, epoch seconds (MAX_VALUE if none). */
    public long oldestUnflushedBucketSec()
    {
        return oldestUnflushedBucketSec;
    }
}
