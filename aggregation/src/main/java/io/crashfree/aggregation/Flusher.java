package io.crashfree.aggregation;

import io.crashfree.aggregation.live.DedupSets;
import io.crashfree.aggregation.live.FoldGuard;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.sketch.HllSketches;
import io.crashfree.aggregation.store.AggregateStore;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;

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

    private final LiveTable table;
    private final AggregateStore store;
    private final DedupSets dedup;
    private final AggregationSettings settings;
    private final ReadWriteLock lock;
    private final FoldGuard guard;
    private final byte[] registers = new byte[HllSketches.K];
    private long lastMaintenanceMs; // 0, so the first cycle maintains (Long.MIN_VALUE overflowed the check: never)
    private long flushedRecords;
    private volatile long lastCycleMs;
    private volatile long oldestUnflushedBucketSec = Long.MAX_VALUE;

    Flusher(final LiveTable table, final AggregateStore store, final DedupSets dedup,
        final AggregationSettings settings, final ReadWriteLock lock, final FoldGuard guard)
    {
        this.guard = guard;
        this.table = table;
        this.store = store;
        this.dedup = dedup;
        this.settings = settings;
        this.lock = lock;
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
        for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
        {
            final int off = LiveTable.recordOffset(i);
            final int state = table.state(off);
            if (state == STATE_READY || state == STATE_SEALED)
            {
                final long bucketSec = table.buffer().getLong(off + BUCKET);
                final long lastUpdateMs = table.buffer().getLongVolatile(off + LAST_UPDATE_MS);
                final boolean quiet = bucketSec * 1000 + widthMs + quietMs <= nowMs && lastUpdateMs + quietMs <= nowMs;
                if (flushAll || quiet || state == STATE_SEALED)
                {
                    due.add(off);
                }
                else
                {
                    oldest = Math.min(oldest, bucketSec);
                }
            }
        }
        oldestUnflushedBucketSec = oldest;

        int flushed = 0;
        for (int from = 0; from < due.size(); from += RECORDS_PER_LOCK)
        {
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
                    if (due.get(i) >= 0 && flushRecord(due.get(i), nowMs))
                    {
                        flushed++;
                    }
                }
            }
            finally
            {
                lock.writeLock().unlock();
            }
        }
        flushedRecords += flushed;

        if (nowMs - lastMaintenanceMs >= MAINTENANCE_INTERVAL_MS)
        {
            lastMaintenanceMs = nowMs;
            maintain(nowMs);
        }
        lastCycleMs = nowMs;
        return flushed;
    }

    private boolean flushRecord(final int off, final long nowMs)
    {
        if (table.state(off) != STATE_SEALED)
        {
            return false;
        }
        final var b = table.buffer();
        final long generation = b.getLong(off + GENERATION);
        final long project = b.getLong(off + PROJECT);
        final long release = b.getLong(off + RELEASE);
        final long environment = b.getLong(off + ENVIRONMENT);
        final long bucketSec = b.getLong(off + BUCKET);

        final AggregateValue value = new AggregateValue();
        value.addLiveRecord(b, off, table.arena()::copyRegisters, registers);
        if (bucketSec >= settings.fineRetentionStartSec(nowMs))
        {
            mergeInto(new StoreKey(project, settings.bucketWidthSec(), bucketSec, release, environment), value,
                generation);
        }
        final long hourSec = Math.floorDiv(bucketSec, AggregationSettings.COARSE_WIDTH_SEC) *
            AggregationSettings.COARSE_WIDTH_SEC;
        mergeInto(new StoreKey(project, AggregationSettings.COARSE_WIDTH_SEC, hourSec, release, environment), value,
            generation);
        table.free(off);
        return true;
    }

    private void mergeInto(final StoreKey key, final AggregateValue value, final long generation)
    {
        AggregateValue stored = store.get(key);
        if (stored != null && stored.containsGeneration(generation))
        {
            return; // replay of a flush that completed before a crash
        }
        final boolean newKey = stored == null;
        if (newKey)
        {
            stored = new AggregateValue();
        }
        stored.merge(value);
        stored.addGeneration(generation);
        store.put(key, stored, newKey);
    }

    private void maintain(final long nowMs)
    {
        final long today = Math.floorDiv(nowMs, DAY_MS);
        final long windowDays = settings.maxAgeSec() / 86_400 + 1;
        for (long day = today - windowDays; day <= today + 1; day++)
        {
            dedup.prepare(day);
        }
        dedup.retireBefore(today - windowDays - 1);

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
