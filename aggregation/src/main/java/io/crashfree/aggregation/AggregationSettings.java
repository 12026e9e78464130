package io.crashfree.aggregation;

import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.LiveTableDescriptor;
import io.crashfree.aggregation.sketch.HllSketches;

import java.nio.file.Path;

/**
 * Validated settings of the aggregation side; the edge builds them from its configuration keys
 * ({@code aggregation.*}), whose names are given per component.
 *
 * @param dataDir               where the live files and the store live ({@code node.data.dir}).
 * @param bucketWidthSec        fine bucket width ({@code aggregation.bucket.width.seconds}), divides 3600.
 * @param liveCapacity          live records ({@code aggregation.live.capacity}), a power of two.
 * @param denseBlocks           dense sketch blocks ({@code aggregation.live.dense.blocks}).
 * @param dedupPerDay           exactly-once entries per day ({@code aggregation.dedup.capacity.per.day}), power of 2.
 * @param nameCapacity          releases + environments ({@code aggregation.names.capacity}), a power of two.
 * @param storeEntries          store entries to size for ({@code aggregation.store.entries}).
 * @param fineRetentionSec      how long fine buckets are kept ({@code aggregation.retention.fine.hours}).
 * @param coarseRetentionSec    how long hourly buckets are kept ({@code aggregation.retention.coarse.days}).
 * @param quietSec              a bucket is flushed this long after it ended and stopped changing
 *                              ({@code aggregation.flush.quiet.seconds}).
 * @param flushIntervalMs       flusher cycle ({@code aggregation.flush.interval.ms}).
 * @param maxAgeSec             updates count this long after {@code started} ({@code aggregation.max.age.seconds}).
 * @param maxFutureSec          {@code started} may be this far ahead ({@code aggregation.max.future.seconds}).
 * @param maxFill               live-table fill before back-pressure ({@code aggregation.live.max.fill}).
 * @param syncIntervalMs        msync period for power-loss safety, 0 = never ({@code aggregation.sync.interval.ms}).
 */
public record AggregationSettings(
    Path dataDir,
    int bucketWidthSec,
    int liveCapacity,
    int denseBlocks,
    int dedupPerDay,
    int nameCapacity,
    long storeEntries,
    long fineRetentionSec,
    long coarseRetentionSec,
    long quietSec,
    long flushIntervalMs,
    long maxAgeSec,
    long maxFutureSec,
    double maxFill,
    long syncIntervalMs)
{
    /** Width of the hourly roll-up buckets. */
    public static final int COARSE_WIDTH_SEC = 3600;

    /** Bytes of one live record. */
    public static final long RECORD_BYTES = LiveTableDescriptor.RECORD_BYTES;
    /** Bytes of one dense sketch block. */
    public static final long BLOCK_BYTES = HllSketches.K;

    /** Bytes of one coupon-set block. */
    public static final long SET_BLOCK_BYTES = BlockArena.SET_BLOCK_BYTES;

    /** @return the live side's memory budget: records, coupon-set blocks and dense blocks, bytes. */
    public long liveBudgetBytes()
    {
        return liveCapacity * RECORD_BYTES + setBlocks() * SET_BLOCK_BYTES + denseBlocks * BLOCK_BYTES;
    }

    /**
     * @return coupon-set blocks (2 KiB, for sketches of 17 to a few hundred users): a sixth of the dense blocks'
     *         bytes beside them.
     */
    public int setBlocks()
    {
        return (int)Math.max(16, denseBlocks * BLOCK_BYTES / 6 / SET_BLOCK_BYTES);
    }

    /**
     * Splits a live memory budget ({@code aggregation.live.memory.megabytes}) between records, coupon-set blocks and
     * dense blocks: an eighth (rounded down to a power of two of records, at least 1,024) for records; of the rest,
     * six parts dense blocks to one part coupon sets. A record is 512 bytes and holds up to 16 users per sketch
     * exactly; past that a sketch takes a 2 KiB coupon set (exact, a few hundred users), then a 32 KiB dense block.
     *
     * @param budgetBytes the budget (mapped files are addressed with int offsets: at most 2 GiB).
     * @return {records, dense blocks}; coupon-set blocks follow from them ({@link #setBlocks()}).
     */
    public static int[] liveLayout(final long budgetBytes)
    {
        final long recordBytes = budgetBytes / 8;
        final int records = Integer.highestOneBit((int)Math.min(1 << 22, Math.max(1024, recordBytes / RECORD_BYTES)));
        final long rest = budgetBytes - records * RECORD_BYTES;
        final long blocks = Math.max(16, rest * 6 / 7 / BLOCK_BYTES);
        return new int[] { records, (int)Math.min(blocks, 65_000) };
    }

    /**
     * @param nowMs now.
     * @return the first fine bucket start still kept, epoch seconds: older fine buckets live only in the hourly
     *         roll-ups (the flusher writes them there, readers do not serve them at fine resolution).
     */
    public long fineRetentionStartSec(final long nowMs)
    {
        return Math.floorDiv(nowMs / 1000 - fineRetentionSec, bucketWidthSec) * bucketWidthSec + bucketWidthSec;
    }

    /**
     * @param dataDir a data directory.
     * @return the defaults (DESIGN.md: 60 s buckets for 48 h, 1 h buckets for 90 days, 5-day window).
     */
    public static AggregationSettings defaults(final Path dataDir)
    {
        return new AggregationSettings(dataDir, 60, 1 << 16, 1024, 1 << 20, 1 << 14, 250_000,
            48 * 3600L, 90 * 86_400L, 120, 1000, 5 * 86_400L, 60, 0.75, 0);
    }
}
