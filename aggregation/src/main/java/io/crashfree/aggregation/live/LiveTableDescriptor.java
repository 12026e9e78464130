package io.crashfree.aggregation.live;

import io.crashfree.aggregation.session.DurationHistogram;
import io.crashfree.aggregation.sketch.UserSketches;

/**
 * Layout of the live table file: a header page, then {@code capacity} fixed-size records in an open-addressing hash
 * table keyed by (project, release hash, environment hash, bucket start). All fields little-endian (native order).
 *
 * <pre>
 *  Header (4096 bytes):
 *   0            4            8            12            16             20            24           28          32
 *  +------------+------------+------------+-------------+--------------+-------------+------------+-----------+
 *  | magic CFLT | version 4  | capacity   | record size | dense blocks | dense block | set blocks | set block |
 *  |            |            | (records)  | (512)       |              | bytes       | (0: none)  | bytes     |
 *  +------------+------------+------------+-------------+--------------+-------------+------------+-----------+
 *  | header check (32): CRC32C of bytes 0..32 | zero ... | next generation (64, long) | ... | live records (128) |
 *  +------------------------------------------+----------+----------------------------+-----+--------------------+
 *  Version 3 had only the first four fields, and its arena files (dense.dat, sets.dat) no header: such a table is
 *  upgraded in place when it is opened (the arenas get their headers, the table the fields from 16 on).
 *
 *  Record (512 bytes):
 *   0                   4                   8
 *  +-------------------+-------------------+
 *  | state (int)       | changed (int)     |   0   state: EMPTY, CLAIMING, READY, SEALED, TOMBSTONE
 *  +-------------------+-------------------+       changed: 1 after a fold, 0 once read for publishing (cluster)
 *  | generation (long): unique id, stamped into the store when flushed | 8
 *  | project id                                                        | 16
 *  | release hash                                                      | 24
 *  | environment hash (0 = none)                                       | 32
 *  | bucket start, epoch seconds                                       | 40
 *  | last update, epoch ms                                             | 48
 *  | sessions            (init updates + aggregate totals)             | 56
 *  | errored_preaggr     (aggregate errors)                            | 64
 *  | crashed             (distinct sids + aggregate counters)          | 72
 *  | abnormal                                                          | 80
 *  | unhandled                                                         | 88
 *  | errored sessions    (distinct sids with errors)                   | 96
 *  | duration count                                                    | 104
 *  | duration sum, ms                                                  | 112
 *  | duration max, ms                                                  | 120
 *  | block of sketches 0..6 (7 ints): 0 = sparse, dense block + 1, or   | 128 .. 156
 *  |   SET_TAG | coupon-set block + 1                                  |
 *  | reserved                                                          | 156 .. 160
 *  | sparse coupons: users 16 ints, crashed 8, abnormal 8, errored 8,  | 160 .. 368
 *  |                 unhandled 4, ANR 4, foreground ANR 4              |
 *  | duration histogram: 32 int counters, half-octave buckets of 256 ms| 368 .. 496
 *  | reserved                                                          | 496 .. 512
 *  +-------------------------------------------------------------------+
 * </pre>
 * Sketches are numbered as {@link UserSketches} says; the duration histogram is {@link DurationHistogram}'s. Only the
 * live package reads this layout: the store and the query engines get records through {@link LiveTable}.
 */
public final class LiveTableDescriptor
{
    /** Bytes before the first record: magic, version, capacity, record size. */
    public static final int HEADER_BYTES = 4096;
    /** File magic, "CFLT". */
    public static final int MAGIC = 0x544C4643;
    /** Layout version. */
    public static final int VERSION = 4;
    /** The version before arena geometry and the header check were added; upgraded in place at open. */
    public static final int VERSION_WITHOUT_ARENA_HEADERS = 3;
    /** Header offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Header offset of the version. */
    public static final int VERSION_OFFSET = 4;
    /** Header offset of the capacity. */
    public static final int CAPACITY_OFFSET = 8;
    /** Header offset of the record size. */
    public static final int RECORD_SIZE_OFFSET = 12;
    /** Header offset of the dense arena's blocks. */
    public static final int DENSE_BLOCKS_OFFSET = 16;
    /** Header offset of the dense arena's block size. */
    public static final int DENSE_BLOCK_BYTES_OFFSET = 20;
    /** Header offset of the coupon-set arena's blocks (0 when sketches go from sparse straight to dense). */
    public static final int SET_BLOCKS_OFFSET = 24;
    /** Header offset of the coupon-set arena's block size. */
    public static final int SET_BLOCK_BYTES_OFFSET = 28;
    /** Header offset of the CRC32C of the header's first {@link #CHECKED_HEADER_BYTES} bytes. */
    public static final int HEADER_CHECK_OFFSET = 32;
    /** Bytes of the header the check covers: the fields that never change after creation. */
    public static final int CHECKED_HEADER_BYTES = 32;
    /** Header offset of the next generation id (long, get-and-add). */
    public static final int NEXT_GENERATION_OFFSET = 64;
    /** Header offset of the number of records holding data (int; recounted at start). */
    public static final int LIVE_RECORDS_OFFSET = 128;

    /** Bytes per record. */
    public static final int RECORD_BYTES = 512;

    /** Never used since the file was created: ends a probe sequence. */
    public static final int STATE_EMPTY = 0;
    /** Being claimed: the key is being written. */
    public static final int STATE_CLAIMING = 1;
    /** Holds a key; writers fold into it. */
    public static final int STATE_READY = 2;
    /** Being flushed: writers go elsewhere. */
    public static final int STATE_SEALED = 3;
    /** Flushed and freed: probe sequences continue past it, claims may reuse it. */
    public static final int STATE_TOMBSTONE = 4;

    /** Offset of the state. */
    public static final int STATE = 0;
    /**
     * Offset of the changed flag: a fold stores 1 after its writes (ordered), the cluster publisher swaps it to 0
     * before it reads the record, so a fold it did not see leaves the flag set for the next cycle.
     */
    public static final int CHANGED = 4;
    /** Offset of the generation id. */
    public static final int GENERATION = 8;
    /** Offset of the project id. */
    public static final int PROJECT = 16;
    /** Offset of the release hash. */
    public static final int RELEASE = 24;
    /** Offset of the environment hash. */
    public static final int ENVIRONMENT = 32;
    /** Offset of the bucket start. */
    public static final int BUCKET = 40;
    /** Offset of the last-update time. */
    public static final int LAST_UPDATE_MS = 48;
    /** Offset of {@code sessions}. */
    public static final int SESSIONS = 56;
    /** Offset of {@code errored_preaggr}. */
    public static final int ERRORED_PREAGGR = 64;
    /** Offset of {@code crashed}. */
    public static final int CRASHED = 72;
    /** Offset of {@code abnormal}. */
    public static final int ABNORMAL = 80;
    /** Offset of {@code unhandled}. */
    public static final int UNHANDLED = 88;
    /** Offset of {@code errored_sessions}. */
    public static final int ERRORED_SESSIONS = 96;
    /** Offset of the duration count. */
    public static final int DURATION_COUNT = 104;
    /** Offset of the duration sum. */
    public static final int DURATION_SUM_MS = 112;
    /** Offset of the duration maximum. */
    public static final int DURATION_MAX_MS = 120;
    /** Tag of a sketch field that references a coupon-set block (the sign bit; dense references are positive). */
    public static final int SET_TAG = 0x8000_0000;
    /** Offset of the seven sketch-block references. */
    public static final int DENSE_BLOCKS = 128;
    /** Offset of the sparse coupon arrays. */
    public static final int SPARSE = 160;
    /** Offset of the duration histogram. */
    public static final int DURATION_BUCKETS = 368;

    /** Number of user sketches per record (their meaning: {@link UserSketches}). */
    public static final int SKETCHES = UserSketches.SKETCHES;

    private static final int[] SPARSE_CAPACITY = { 16, 8, 8, 8, 4, 4, 4 };
    private static final int[] SPARSE_OFFSET = {
        SPARSE, SPARSE + 64, SPARSE + 96, SPARSE + 128, SPARSE + 160, SPARSE + 176, SPARSE + 192 };

    /** Number of duration buckets (their meaning: {@link DurationHistogram}). */
    public static final int DURATION_BUCKET_COUNT = DurationHistogram.DURATION_BUCKET_COUNT;

    private LiveTableDescriptor()
    {
    }

    /** @return offset of a sketch's sparse coupon array within a record. */
    public static int sparseOffset(final int sketch)
    {
        return SPARSE_OFFSET[sketch];
    }

    /** @return number of coupons a sketch's sparse array holds. */
    public static int sparseCapacity(final int sketch)
    {
        return SPARSE_CAPACITY[sketch];
    }

    /** @return offset of a sketch's dense-block reference within a record. */
    public static int denseOffset(final int sketch)
    {
        return DENSE_BLOCKS + 4 * sketch;
    }
}
