package io.crashfree.aggregation.sketch;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * A union of user sketches for the query side that works on the serialized forms directly: coupons of LIST/SET
 * images go into a set (exact while small), HLL_8 images are merged register by register (max). The estimate is
 * still the library's: the result is handed to DataSketches as a coupon set or an HLL_8 image.
 * <p>
 * Why by hand: a dashboard query unions thousands of stored sketches; going through {@code HllSketch.heapify} and
 * {@code Union.update} re-inserts every coupon into a hash set twice, which {@code SessionsQueryBenchmark} showed to
 * be most of a query's time. Anything that is not our own format (other lgK, HLL_4/6) falls back to the library.
 */
public final class CouponUnion
{
    private static final int MODE_LIST = 0;
    private static final int MODE_SET = 1;
    private static final int MODE_HLL = 2;
    private static final int HLL_8 = 2;

    private CouponSet coupons = new CouponSet(8);
    private byte[] registers;
    private Union fallback;
    // The first image is only remembered: a union of one (an interval with one stored bucket) needs no parsing.
    private byte[] pendingBytes;
    private int pendingOffset;
    private int pendingLength;
    private boolean empty = true;
    // The last estimate, until the next change: a union shared by cached query results is estimated once.
    private double memo = Double.NaN;

    /** @return an independent copy (images it refers to are shared: they are never written). */
    public CouponUnion copy()
    {
        final CouponUnion c = new CouponUnion();
        if (!coupons.isEmpty())
        {
            c.coupons = coupons.copy();
        }
        c.registers = registers == null ? null : registers.clone();
        if (fallback != null)
        {
            c.fallback = HllSketches.newUnion();
            c.fallback.update(fallback.getResult(TgtHllType.HLL_8));
        }
        c.pendingBytes = pendingBytes;
        c.pendingOffset = pendingOffset;
        c.pendingLength = pendingLength;
        c.empty = empty;
        c.memo = memo;
        return c;
    }

    /** @return heap bytes this union holds, roughly (registers, coupon table, a remembered image). */
    public long retainedBytes()
    {
        return 64 + (registers == null ? 0 : registers.length) + 4L * coupons.capacity() +
            (pendingBytes == null ? 0 : pendingLength) + (fallback == null ? 0 : HllSketches.K);
    }

    /** @param coupon a coupon to add. */
    public void addCoupon(final int coupon)
    {
        memo = Double.NaN;
        flushPending();
        empty = false;
        if (registers != null)
        {
            HllSketches.applyCoupon(registers, coupon);
            return;
        }
        coupons.add(coupon);
        if (coupons.size() > HllSketches.MAX_SET_COUPONS)
        {
            promote();
        }
    }

    /**
     * Adds a serialized sketch (compact or updatable; LIST, SET or HLL mode).
     *
     * @param bytes  the bytes.
     * @param offset where the sketch starts.
     * @param length its length.
     */
    public void addImage(final byte[] bytes, final int offset, final int length)
    {
        if (length < 8)
        {
            return;
        }
        if (registers != null && pendingBytes == null && fallback == null)
        {
            // The dense case (a total over many buckets): an image that raises no register leaves the estimate
            // as it was, so a cached union polled again with the same users is not estimated again.
            if (parseImage(bytes, offset, length))
            {
                memo = Double.NaN;
            }
            return;
        }
        memo = Double.NaN;
        if (empty)
        {
            empty = false;
            pendingBytes = bytes;
            pendingOffset = offset;
            pendingLength = length;
            return;
        }
        if (registers == null && pendingBytes != null && coupons.isEmpty() &&
            couponCount(pendingBytes, pendingOffset, pendingLength) + couponCount(bytes, offset, length) >
            HllSketches.MAX_SET_COUPONS)
        {
            promote(); // the two images alone outgrow the exact set: no point hashing the first one's coupons
        }
        flushPending();
        parseImage(bytes, offset, length);
    }

    /**
     * @return the coupons a LIST or SET image of our precision holds (its header's count, in compact and updatable
     *         forms alike), or MAX_VALUE/2 for anything else.
     */
    private static int couponCount(final byte[] bytes, final int offset, final int length)
    {
        final int mode = bytes[offset + 7] & 3;
        if (bytes[offset + 3] != HllSketches.LG_K || mode == MODE_HLL)
        {
            return Integer.MAX_VALUE / 2;
        }
        if (mode == MODE_LIST)
        {
            return bytes[offset + 6] & 0xFF;
        }
        return length < 12 ? 0 : readInt(bytes, offset + 8);
    }

    private void flushPending()
    {
        if (pendingBytes != null)
        {
            final byte[] b = pendingBytes;
            pendingBytes = null;
            parseImage(b, pendingOffset, pendingLength);
        }
    }

    /** @return false only when the union certainly did not change (registers, none raised). */
    private boolean parseImage(final byte[] bytes, final int offset, final int length)
    {
        final int lgK = bytes[offset + 3];
        final int mode = bytes[offset + 7] & 3;
        final int type = (bytes[offset + 7] >> 2) & 3;
        final boolean compact = (bytes[offset + 5] & 8) != 0;
        if (lgK == HllSketches.LG_K && mode == MODE_LIST)
        {
            final int count = bytes[offset + 6] & 0xFF;
            return addCoupons(bytes, offset + 8, compact ? count : Math.min((length - 8) / 4, 1 << bytes[offset + 4]),
                count);
        }
        else if (lgK == HllSketches.LG_K && mode == MODE_SET && length >= 12)
        {
            final int count = readInt(bytes, offset + 8);
            return addCoupons(bytes, offset + 12, compact ? count : Math.min((length - 12) / 4, 1 << bytes[offset + 4]),
                count);
        }
        else if (lgK == HllSketches.LG_K && mode == MODE_HLL && type == HLL_8 && length >= 40 + HllSketches.K)
        {
            if (registers == null)
            {
                promote();
            }
            return maxRegisters(registers, bytes, offset + 40);
        }
        final byte[] copy = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
        if (fallback == null)
        {
            fallback = HllSketches.newUnion();
        }
        fallback.update(HllSketch.heapify(copy));
        return true;
    }

    /** @param other another union to add into this one. */
    public void addAll(final CouponUnion other)
    {
        memo = Double.NaN;
        other.flushPending();
        flushPending();
        empty &= other.empty;
        if (other.registers != null)
        {
            if (registers == null)
            {
                promote();
            }
            maxRegisters(registers, other.registers, 0);
        }
        else
        {
            for (int i = 0, n = other.coupons.capacity(); i < n; i++)
            {
                final int c = other.coupons.slot(i);
                if (c != 0)
                {
                    addCoupon(c);
                }
            }
        }
        if (other.fallback != null)
        {
            if (fallback == null)
            {
                fallback = HllSketches.newUnion();
            }
            fallback.update(other.fallback.getResult(TgtHllType.HLL_8));
        }
    }

    /**
     * @return the distinct-count estimate: the library's for dense registers; for a coupon set, its size (the
     *         library's coupon-mode estimate differs from the coupon count by less than 0.01 below
     *         {@link HllSketches#MAX_SET_COUPONS} coupons, a coupon-collision correction; heapifying each set just
     *         to read it back cost a query most of its time).
     */
    public double estimate()
    {
        if (!Double.isNaN(memo))
        {
            return memo;
        }
        memo = computeEstimate();
        return memo;
    }

    private double computeEstimate()
    {
        if (pendingBytes != null && registers == null && fallback == null && coupons.isEmpty())
        {
            final int mode = pendingBytes[pendingOffset + 7] & 3;
            final boolean compact = (pendingBytes[pendingOffset + 5] & 8) != 0;
            if (pendingBytes[pendingOffset + 3] == HllSketches.LG_K && compact && mode == MODE_LIST)
            {
                return pendingBytes[pendingOffset + 6] & 0xFF;
            }
            if (pendingBytes[pendingOffset + 3] == HllSketches.LG_K && compact && mode == MODE_SET)
            {
                return readInt(pendingBytes, pendingOffset + 8);
            }
        }
        flushPending();
        if (registers == null && fallback == null)
        {
            return coupons.size();
        }
        if (fallback == null && registers != null)
        {
            return HllSketches.estimateRegisters(registers);
        }
        final HllSketch sketch = registers != null ? HllSketches.fromRegisters(registers) :
            coupons.isEmpty() ? null : HllSketches.fromCoupons(coupons.toArray(), coupons.size());
        if (fallback == null)
        {
            return sketch == null ? 0 : sketch.getEstimate();
        }
        final Union union = HllSketches.newUnion();
        union.update(fallback.getResult(TgtHllType.HLL_8));
        if (sketch != null)
        {
            union.update(sketch);
        }
        return union.getEstimate();
    }

    /**
     * @param slots coupon slots to read (an updatable image's whole table, empty slots are 0).
     * @param held  how many coupons the image holds (its header's count).
     */
    private boolean addCoupons(final byte[] bytes, final int from, final int slots, final int held)
    {
        final int count = slots;
        if (registers == null && coupons.size() + held > HllSketches.MAX_SET_COUPONS)
        {
            // The union may outgrow the exact set: go to registers now rather than hashing every coupon first.
            promote();
        }
        if (registers != null)
        {
            final byte[] r = registers;
            int raised = 0;
            for (int i = 0; i < count; i++)
            {
                final int c = readInt(bytes, from + 4 * i);
                if (c != 0)
                {
                    raised |= HllSketches.applyCoupon(r, c);
                }
            }
            return raised != 0;
        }
        // At most MAX_SET_COUPONS after this image (checked above): straight into the set, no promotion on the way.
        final CouponSet set = coupons;
        set.ensureCapacity(set.size() + held);
        for (int i = 0; i < count; i++)
        {
            final int c = readInt(bytes, from + 4 * i);
            if (c != 0)
            {
                set.add(c);
            }
        }
        if (set.size() > HllSketches.MAX_SET_COUPONS)
        {
            promote(); // only an image whose header undercounts its coupons gets here
        }
        return true;
    }

    private void promote()
    {
        registers = new byte[HllSketches.K];
        for (int i = 0, n = coupons.capacity(); i < n; i++)
        {
            final int c = coupons.slot(i);
            if (c != 0)
            {
                HllSketches.applyCoupon(registers, c);
            }
        }
        coupons = new CouponSet(1);
    }

    /**
     * Raises every register to the other sketch's (returns whether any rose), eight at a time: register values are below 64, so a byte-wise
     * "a >= b" is the high bit of {@code (a | 0x80) - b} and no byte borrows from its neighbour (a byte-by-byte loop
     * with a comparison was half of a warm query's time with dense sketches).
     */
    static boolean maxRegisters(final byte[] registers, final byte[] other, final int otherOffset)
    {
        final long high = 0x8080_8080_8080_8080L;
        long raised = 0;
        for (int i = 0; i < HllSketches.K; i += 8)
        {
            final long a = (long)LONG_LE.get(registers, i);
            final long b = (long)LONG_LE.get(other, otherOffset + i);
            final long aAtLeastB = (((a | high) - b) & high) >>> 7;
            final long keepA = aAtLeastB * 0xFF;
            final long max = (a & keepA) | (b & ~keepA);
            LONG_LE.set(registers, i, max);
            raised |= max ^ a;
        }
        return raised != 0;
    }

    private static final java.lang.invoke.VarHandle LONG_LE =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static final java.lang.invoke.VarHandle INT_LE =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static int readInt(final byte[] b, final int i)
    {
        return (int)INT_LE.get(b, i);
    }
}
