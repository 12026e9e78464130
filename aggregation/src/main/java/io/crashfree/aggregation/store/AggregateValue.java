package io.crashfree.aggregation.store;

import io.crashfree.aggregation.session.DurationHistogram;
import io.crashfree.aggregation.sketch.CouponUnion;
import io.crashfree.aggregation.sketch.UserSketches;
import io.crashfree.aggregation.sketch.HllSketches;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static io.crashfree.aggregation.session.DurationHistogram.DURATION_BUCKET_COUNT;
import static io.crashfree.aggregation.sketch.UserSketches.*;

/**
 * The aggregates of one key on the heap: counters, user sketches (DataSketches unions), the duration histogram, and
 * the generations already merged into it. Merging adds counters and unions sketches; it is how live records are
 * flushed into the store, how fine buckets roll up, and how queries combine store and live.
 * <p>
 * Control plane (flusher and queries), not the ingest path: plain objects are fine here.
 * <p>
 * Its stored form is laid out in {@link AggregateValueDescriptor}.
 */
public final class AggregateValue
{
    /** A mask selecting every user sketch. */
    public static final int ALL_SKETCHES = (1 << SKETCHES) - 1;

    /** Generations remembered per value: enough to make any replayed flush idempotent. */
    public static final int MAX_GENERATIONS = 64;


    private final long[] counters = new long[COUNTERS];
    private long durationCount;
    private long durationSumMs;
    private long durationMaxMs;
    private final long[] durationBuckets = new long[DURATION_BUCKET_COUNT];
    // A sketch is held as the one source sketch it came from (never mutated, so it may be shared with the value it
    // was merged from) until a second source arrives; then as a union. This spares queries a copy per merge.
    private final HllSketch[] single = new HllSketch[SKETCHES];
    private final Union[] unions = new Union[SKETCHES];
    private long[] generations = new long[0];
    // Raw mode (queries): serialized sketch images, not decoded; see CouponUnion.
    private byte[][] imageBytes;
    private int[] imageOffset;
    private int[] imageLength;

    /** Counter index of {@code sessions}. */
    public static final int SESSIONS_INDEX = 0;
    /** Counter index of {@code errored_preaggr}. */
    public static final int ERRORED_PREAGGR_INDEX = 1;
    /** Counter index of {@code crashed}. */
    public static final int CRASHED_INDEX = 2;
    /** Counter index of {@code abnormal}. */
    public static final int ABNORMAL_INDEX = 3;
    /** Counter index of {@code unhandled}. */
    public static final int UNHANDLED_INDEX = 4;
    /** Counter index of {@code errored_sessions}. */
    public static final int ERRORED_SESSIONS_INDEX = 5;

    /** Number of counters. */
    public static final int COUNTERS = 6;

    /** @return {@code sessions}. */
    public long sessions()
    {
        return counters[SESSIONS_INDEX];
    }

    /** @return {@code errored_preaggr}. */
    public long erroredPreaggr()
    {
        return counters[ERRORED_PREAGGR_INDEX];
    }

    /** @return {@code crashed}. */
    public long crashed()
    {
        return counters[CRASHED_INDEX];
    }

    /** @return {@code abnormal}. */
    public long abnormal()
    {
        return counters[ABNORMAL_INDEX];
    }

    /** @return {@code unhandled}. */
    public long unhandled()
    {
        return counters[UNHANDLED_INDEX];
    }

    /** @return distinct errored sessions. */
    public long erroredSessions()
    {
        return counters[ERRORED_SESSIONS_INDEX];
    }

    /** @return terminal durations recorded. */
    public long durationCount()
    {
        return durationCount;
    }

    /** @return sum of durations, ms. */
    public long durationSumMs()
    {
        return durationSumMs;
    }

    /** @return largest duration, ms. */
    public long durationMaxMs()
    {
        return durationMaxMs;
    }

    /** @return a copy of the duration histogram's bucket counts. */
    public long[] durationBuckets()
    {
        return durationBuckets.clone();
    }

    /**
     * @param sketch {@link UserSketches#SKETCH_USERS} …
     * @return the distinct-count estimate of that sketch.
     */
    public double estimate(final int sketch)
    {
        if (unions[sketch] != null)
        {
            return unions[sketch].getEstimate();
        }
        return single[sketch] == null ? 0 : single[sketch].getEstimate();
    }

    /**
     * @param sketch sketch index.
     * @return the sketch as a library sketch (empty when never updated).
     */
    public HllSketch sketch(final int sketch)
    {
        final HllSketch view = view(sketch);
        return view == null ? HllSketches.empty() : view;
    }

    /** @return whether this value already contains a generation. */
    public boolean containsGeneration(final long generation)
    {
        for (final long g : generations)
        {
            if (g == generation)
            {
                return true;
            }
        }
        return false;
    }

    /** Records that a generation has been merged into this value. */
    public void addGeneration(final long generation)
    {
        final int n = Math.min(generations.length + 1, MAX_GENERATIONS);
        final long[] next = new long[n];
        // keep the newest: a replay can only concern the most recent flushes
        System.arraycopy(generations, generations.length - (n - 1), next, 0, n - 1);
        next[n - 1] = generation;
        generations = next;
    }

    /**
     * Adds to one counter (a live record's, when it is read into a value).
     *
     * @param index  {@link #SESSIONS_INDEX} …
     * @param amount how much.
     */
    public void addCounter(final int index, final long amount)
    {
        counters[index] += amount;
    }

    /**
     * Adds terminal durations.
     *
     * @param count   how many.
     * @param sumMs   their sum.
     * @param maxMs   their maximum.
     * @param buckets per {@link DurationHistogram} bucket (ints, as a live record counts them), or null.
     */
    public void addDurations(final long count, final long sumMs, final long maxMs, final int[] buckets)
    {
        durationCount += count;
        durationSumMs += sumMs;
        durationMaxMs = Math.max(durationMaxMs, maxMs);
        if (buckets != null)
        {
            for (int b = 0; b < DURATION_BUCKET_COUNT; b++)
            {
                durationBuckets[b] += buckets[b];
            }
        }
    }

    /**
     * Unions a sketch given as a serialized image into one of this value's sketches.
     *
     * @param sketch {@link UserSketches} index.
     * @param image  the library's serialized sketch.
     */
    public void addImage(final int sketch, final byte[] image)
    {
        add(sketch, HllSketch.heapify(image));
    }

    /**
     * Keeps a sketch as an undecoded image (raw mode, for queries that union by hand through {@link CouponUnion}).
     *
     * @param sketch {@link UserSketches} index.
     * @param image  the library's serialized sketch.
     */
    public void setRawImage(final int sketch, final byte[] image)
    {
        if (imageBytes == null)
        {
            rawMode();
        }
        imageBytes[sketch] = image;
        imageOffset[sketch] = 0;
        imageLength[sketch] = image.length;
    }

    private void rawMode()
    {
        imageBytes = new byte[SKETCHES][];
        imageOffset = new int[SKETCHES];
        imageLength = new int[SKETCHES];
    }

    /**
     * Adds this value's image of a sketch to a union (raw mode only).
     *
     * @param sketch sketch index.
     * @param union  the union.
     */
    public void addImageTo(final int sketch, final CouponUnion union)
    {
        if (imageBytes != null && imageBytes[sketch] != null)
        {
            union.addImage(imageBytes[sketch], imageOffset[sketch], imageLength[sketch]);
        }
    }

    /**
     * Adds another value (counters add, sketches union, histograms add; generations are not merged).
     *
     * @param other the value to add.
     */
    public void merge(final AggregateValue other)
    {
        merge(other, ALL_SKETCHES);
    }

    /**
     * Adds another value, merging only the selected sketches.
     *
     * @param other      the value to add.
     * @param sketchMask bit {@code s} set to merge sketch {@code s}.
     */
    public void merge(final AggregateValue other, final int sketchMask)
    {
        for (int i = 0; i < COUNTERS; i++)
        {
            counters[i] += other.counters[i];
        }
        durationCount += other.durationCount;
        durationSumMs += other.durationSumMs;
        durationMaxMs = Math.max(durationMaxMs, other.durationMaxMs);
        for (int b = 0; b < DURATION_BUCKET_COUNT; b++)
        {
            durationBuckets[b] += other.durationBuckets[b];
        }
        for (int s = 0; s < SKETCHES; s++)
        {
            if ((sketchMask & (1 << s)) != 0)
            {
                final HllSketch view = other.view(s);
                if (view != null)
                {
                    add(s, view);
                }
            }
        }
    }

    private void add(final int s, final HllSketch sketch)
    {
        if (unions[s] != null)
        {
            unions[s].update(sketch);
        }
        else if (single[s] == null)
        {
            single[s] = sketch;
        }
        else
        {
            final Union union = HllSketches.newUnion();
            union.update(single[s]);
            union.update(sketch);
            unions[s] = union;
            single[s] = null;
        }
    }

    private HllSketch view(final int s)
    {
        return unions[s] != null ? unions[s].getResult(TgtHllType.HLL_8) : single[s];
    }

    /** @return the serialized form. */
    public byte[] toBytes()
    {
        final byte[][] sketches = new byte[SKETCHES][];
        int size = AggregateValueDescriptor.sketchesOffset(generations.length);
        for (int s = 0; s < SKETCHES; s++)
        {
            final HllSketch view = view(s);
            sketches[s] = view == null || view.isEmpty() ? new byte[0] : view.toCompactByteArray();
            size += 4 + sketches[s].length;
        }
        final ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(AggregateValueDescriptor.FORMAT_VERSION);
        for (final long c : counters)
        {
            out.putLong(c);
        }
        out.putLong(durationCount).putLong(durationSumMs).putLong(durationMaxMs);
        for (final long b : durationBuckets)
        {
            out.putLong(b);
        }
        out.putInt(generations.length);
        for (final long g : generations)
        {
            out.putLong(g);
        }
        for (final byte[] sketch : sketches)
        {
            out.putInt(sketch.length).put(sketch);
        }
        return out.array();
    }

    /**
     * @param bytes a serialized value.
     * @return the value.
     */
    public static AggregateValue fromBytes(final byte[] bytes)
    {
        return fromBytes(bytes, ALL_SKETCHES);
    }

    /**
     * @param bytes      a serialized value.
     * @param sketchMask bit {@code s} set to decode sketch {@code s} (the others are skipped unread).
     * @return the value.
     */
    public static AggregateValue fromBytes(final byte[] bytes, final int sketchMask)
    {
        return fromBytes(bytes, sketchMask, false);
    }

    /**
     * @param bytes      a serialized value.
     * @param sketchMask sketches to keep.
     * @param raw        keep the sketches as undecoded images (for {@link #addImageTo}) instead of heapifying them.
     * @return the value.
     */
    public static AggregateValue fromBytes(final byte[] bytes, final int sketchMask, final boolean raw)
    {
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.get() != AggregateValueDescriptor.FORMAT_VERSION)
        {
            throw new IllegalStateException("unknown aggregate format version " + bytes[0]);
        }
        final AggregateValue v = new AggregateValue();
        for (int i = 0; i < COUNTERS; i++)
        {
            v.counters[i] = in.getLong();
        }
        v.durationCount = in.getLong();
        v.durationSumMs = in.getLong();
        v.durationMaxMs = in.getLong();
        for (int b = 0; b < DURATION_BUCKET_COUNT; b++)
        {
            v.durationBuckets[b] = in.getLong();
        }
        v.generations = new long[in.getInt()];
        for (int i = 0; i < v.generations.length; i++)
        {
            v.generations[i] = in.getLong();
        }
        if (raw)
        {
            v.rawMode();
        }
        for (int s = 0; s < SKETCHES; s++)
        {
            final int length = in.getInt();
            if ((sketchMask & (1 << s)) == 0 || length == 0)
            {
                in.position(in.position() + length);
                continue;
            }
            if (raw)
            {
                v.imageBytes[s] = bytes;
                v.imageOffset[s] = in.position();
                v.imageLength[s] = length;
                in.position(in.position() + length);
                continue;
            }
            v.single[s] = HllSketch.heapify(org.apache.datasketches.memory.Memory.wrap(bytes)
                .region(in.position(), length));
            in.position(in.position() + length);
        }
        return v;
    }

    /**
     * @param other another value.
     * @return whether counters, durations and sketch estimates are equal (what a query can observe).
     */
    public boolean sameObservableAs(final AggregateValue other)
    {
        if (!Arrays.equals(counters, other.counters) || durationCount != other.durationCount ||
            durationSumMs != other.durationSumMs || durationMaxMs != other.durationMaxMs ||
            !Arrays.equals(durationBuckets, other.durationBuckets))
        {
            return false;
        }
        for (int s = 0; s < SKETCHES; s++)
        {
            if (Math.abs(estimate(s) - other.estimate(s)) > 1e-9)
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return "sessions=" + sessions() + " errored_preaggr=" + erroredPreaggr() + " crashed=" + crashed() +
            " abnormal=" + abnormal() + " unhandled=" + unhandled() + " errored_sessions=" + erroredSessions() +
            " users=" + estimate(SKETCH_USERS) + " crashed_users=" + estimate(SKETCH_CRASHED_USERS) +
            " abnormal_users=" + estimate(SKETCH_ABNORMAL_USERS) + " errored_users=" + estimate(SKETCH_ERRORED_USERS) +
            " durations=" + durationCount;
    }
}
