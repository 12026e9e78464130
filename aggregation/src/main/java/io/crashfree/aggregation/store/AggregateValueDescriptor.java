package io.crashfree.aggregation.store;

import io.crashfree.aggregation.session.DurationHistogram;
import io.crashfree.aggregation.sketch.UserSketches;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The stored form of one key's aggregates ({@link AggregateValue#toBytes()}), the value of every store entry.
 * Little-endian throughout; the fixed part comes first, the variable part (generations, sketches) after it.
 *
 * <pre>
 *  byte offset  size            field
 *  0            1               format version ({@link #FORMAT_VERSION})
 *  1            8               sessions              (init updates + aggregate totals)
 *  9            8               errored_preaggr       (aggregate errors)
 *  17           8               crashed               (distinct session ids + aggregate counters)
 *  25           8               abnormal
 *  33           8               unhandled
 *  41           8               errored_sessions      (distinct session ids with errors)
 *  49           8               duration count        (terminal updates with a duration)
 *  57           8               duration sum, ms
 *  65           8               duration max, ms
 *  73           32 x 8          duration histogram    (DurationHistogram's half-octave buckets)
 *  329          4               n = generation count  (at most AggregateValue.MAX_GENERATIONS)
 *  333          n x 8           generations merged    (live records' ids, newest last: a replayed flush of a
 *                                                      generation already here merges nothing)
 *  333 + 8n     7 x (4 + len)   user sketches in UserSketches order, each: length (int, 0 = empty) then that many
 *                               bytes of a DataSketches compact HLL image (lgK 15: a coupon list or set while small,
 *                               HLL_8 registers past that)
 * </pre>
 */
public final class AggregateValueDescriptor
{
    /** Version of this layout. */
    public static final byte FORMAT_VERSION = 2;
    /** Offset of the version byte. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the six counters. */
    public static final int COUNTERS_OFFSET = 1;
    /** Offset of the duration count, sum and maximum. */
    public static final int DURATIONS_OFFSET = COUNTERS_OFFSET + 8 * AggregateValue.COUNTERS;
    /** Offset of the duration histogram. */
    public static final int DURATION_BUCKETS_OFFSET = DURATIONS_OFFSET + 3 * 8;
    /** Offset of the generation count. */
    public static final int GENERATION_COUNT_OFFSET =
        DURATION_BUCKETS_OFFSET + 8 * DurationHistogram.DURATION_BUCKET_COUNT;
    /** Offset of the first generation. */
    public static final int GENERATIONS_OFFSET = GENERATION_COUNT_OFFSET + 4;
    /** Number of sketches that follow the generations. */
    public static final int SKETCHES = UserSketches.SKETCHES;

    private AggregateValueDescriptor()
    {
    }

    /**
     * @param generations how many generations the value lists.
     * @return the offset of its first sketch's length.
     */
    public static int sketchesOffset(final int generations)
    {
        return GENERATIONS_OFFSET + 8 * generations;
    }

    /**
     * Checks a stored entry's shape: its key's length, the value's version, and that the value's parts add up to its
     * length. (Its bytes are covered by Chronicle Map's own entry checksum.)
     *
     * @param key   the entry's key bytes.
     * @param value the value bytes.
     * @return what is wrong, or null when nothing is.
     */
    public static String problem(final byte[] key, final byte[] value)
    {
        if (key.length != StoreKey.BYTES)
        {
            return "key of " + key.length + " bytes, expected " + StoreKey.BYTES;
        }
        if (value.length < GENERATIONS_OFFSET)
        {
            return "value of " + value.length + " bytes, shorter than its fixed part";
        }
        if (value[VERSION_OFFSET] != FORMAT_VERSION)
        {
            return "value format version " + value[VERSION_OFFSET] + ", expected " + FORMAT_VERSION;
        }
        final ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        final int generations = in.getInt(GENERATION_COUNT_OFFSET);
        if (generations < 0 || generations > AggregateValue.MAX_GENERATIONS)
        {
            return "generation count " + generations + " outside 0.." + AggregateValue.MAX_GENERATIONS;
        }
        long position = sketchesOffset(generations);
        for (int s = 0; s < SKETCHES; s++)
        {
            if (position + 4 > value.length)
            {
                return "the value ends inside sketch " + s;
            }
            final int length = in.getInt((int)position);
            if (length < 0)
            {
                return "sketch " + s + " has length " + length;
            }
            position += 4L + length;
        }
        if (position != value.length)
        {
            return "its parts add up to " + position + " bytes, but it has " + value.length;
        }
        return null;
    }
}
