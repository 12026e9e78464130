package io.crashfree.aggregation;

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
    public static final long RECORD_BYTES = 512;
    /** Bytes of one dense sketch block. */
    public static final long BLOCK_BYTES = 1 << 15;

    /** @return the live side's memory budget: records plus dense sketch blocks, bytes. */
    public long liveBudgetBytes()
    {
        return liveCapacity * RECORD_BYTES + denseBlocks * BLOCK_BYTES;
    }

    /**
     * Splits a live memory budget ({@code aggregation.live.memory.megabytes}) between records and dense sketch
     * blocks: an eighth (rounded down to a power of two of records, at least 1,024) for records, the rest for
     * blocks. A record is 512 bytes; a key whose users outgrow its record takes a 32 KiB block per sketch.
     *
     * @param budgetBytes the budget.
     * @return {records, blocks}.
     */
    public static int[] liveLayout(final long budgetBytes)
    {
        final long recordBytes = budgetBytes / 8;
        int records = Integer.highestOneBit((int)Math.min(1 << 22, Math.max(1024, recordBytes / RECORD_BYTES)));
        final long blocks = Math.max(16, (budgetBytes - records * RECORD_BYTES) / BLOCK_BYTES);
        return new int[] { records, (int)Math.min(blocks, 1 << 20) };
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
