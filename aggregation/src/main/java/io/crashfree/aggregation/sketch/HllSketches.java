package io.crashfree.aggregation.sketch;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds Apache DataSketches HLL sketches from the raw forms the live table keeps: 32-bit coupons (sparse) and
 * {@code 2^lgK} one-byte registers (dense, the library's HLL_8 layout).
 * <p>
 * Precision: {@link #LG_K} = 15 (32,768 registers). The live table's dense registers are built by CAS-max, so the
 * library estimates them with its composite estimator (not HIP), whose relative standard error is about
 * 1.04/sqrt(k) = 0.57%; 99% of estimates then fall within 2.58 standard errors, 1.5%, inside the 2% target at one
 * million distinct users. lgK 14 (0.81%, 2.1% at 99%) would miss it. Small sets stay exact: up to
 * {@link #MAX_SET_COUPONS} coupons are handed to the library as a coupon set, which counts them exactly.
 *
 * <pre>
 *  HLL_8 image handed to HllSketch.heapify (little-endian):
 *   0      1      2      3      4      5      6      7
 *  +------+------+------+------+------+------+------+------+
 *  |pre=10|ser=1 |fam=7 | lgK  |lgArr | flags|curMin| mode |   flags = out-of-order
 *  +------+------+------+------+------+------+------+------+   mode  = HLL | HLL_8 &lt;&lt; 2
 *  |                 hip accumulator (double)              |  8
 *  |                 kxq0 (double)                         | 16
 *  |                 kxq1 (double)                         | 24
 *  |  num at cur-min (int)     |  aux count (int) = 0      | 32
 *  |  registers: 2^lgK bytes, slot = coupon &amp; (k-1)        | 40
 *
 *  compact SET image:
 *  |pre=3 |ser=1 |fam=7 | lgK  |lgArr | 8=cpt|  0   | mode |   mode = SET | HLL_8 &lt;&lt; 2
 *  |  coupon count (int)      |  coupons (int each) ...   |  8, 12
 * </pre>
 */
public final class HllSketches
{
    /** log2 of the number of registers of every user sketch. */
    public static final int LG_K = 15;
    /** Registers per dense sketch, and bytes of a dense block. */
    public static final int K = 1 << LG_K;
    /** Largest coupon set handed to the library as a set (it would promote itself past ~3/4 of 2^(lgK-3)). */
    public static final int MAX_SET_COUPONS = 1024;

    private static final int KEY_BITS_26 = 26;
    private static final int KEY_MASK_26 = (1 << KEY_BITS_26) - 1;
    private static final int HLL_PREAMBLE_BYTES = 40;
    private static final int SET_PREAMBLE_BYTES = 12;
    private static final int MODE_HLL8_HLL = 2 | (2 << 2);
    private static final int MODE_HLL8_SET = 1 | (2 << 2);
    private static final int FLAG_COMPACT = 8;
    private static final int FLAG_OUT_OF_ORDER = 16;
    private static final int FLAG_REBUILD_KXQ = 32;
    /** 2^-v for every register value (the library's invPow2 is the same exact power of two). */
    private static final double[] INV_POW2 = new double[64];

    static
    {
        for (int v = 0; v < INV_POW2.length; v++)
        {
            INV_POW2[v] = Math.scalb(1.0, -v);
        }
    }

    private HllSketches()
    {
    }

    /**
     * The library's coupon of a 128-bit hash: 26 address bits and a 6-bit register value.
     *
     * @param hashLow  first half of the MurmurHash3 (seed 9001) of the identifier.
     * @param hashHigh second half.
     * @return a non-zero coupon.
     */
    public static int coupon(final long hashLow, final long hashHigh)
    {
        final int address = (int)(hashLow & KEY_MASK_26);
        final int leadingZeros = Long.numberOfLeadingZeros(hashHigh);
        final int value = Math.min(leadingZeros, 62) + 1;
        return (value << KEY_BITS_26) | address;
    }

    /** @return the register slot of a coupon at {@link #LG_K}. */
    public static int slot(final int coupon)
    {
        return coupon & (K - 1);
    }

    /** @return the register value of a coupon. */
    public static int value(final int coupon)
    {
        return coupon >>> KEY_BITS_26;
    }

    /** @return an empty sketch of this node's precision. */
    public static HllSketch empty()
    {
        return new HllSketch(LG_K, TgtHllType.HLL_8);
    }

    /** @return an empty union of this node's precision. */
    public static Union newUnion()
    {
        return new Union(LG_K);
    }

    /**
     * @param coupons distinct or repeated coupons.
     * @param count   how many of them to use.
     * @return a library sketch holding them: exact (a coupon set) when few, else HLL_8.
     */
    public static HllSketch fromCoupons(final int[] coupons, final int count)
    {
        if (count == 0)
        {
            return empty();
        }
        if (count > MAX_SET_COUPONS)
        {
            final byte[] registers = new byte[K];
            for (int i = 0; i < count; i++)
            {
                applyCoupon(registers, coupons[i]);
            }
            return fromRegisters(registers);
        }
        return HllSketch.heapify(Memory.wrap(couponSetImage(coupons, count)));
    }

    /**
     * @param coupons coupons (at most {@link #MAX_SET_COUPONS}).
     * @param count   how many.
     * @return the library's compact SET image of them.
     */
    public static byte[] couponSetImage(final int[] coupons, final int count)
    {
        final ByteBuffer image = ByteBuffer.allocate(SET_PREAMBLE_BYTES + 4 * count).order(ByteOrder.LITTLE_ENDIAN);
        image.put(0, (byte)3).put(1, (byte)1).put(2, (byte)7).put(3, (byte)LG_K).put(4, (byte)5)
            .put(5, (byte)FLAG_COMPACT).put(6, (byte)0).put(7, (byte)MODE_HLL8_SET);
        image.putInt(8, count);
        for (int i = 0; i < count; i++)
        {
            image.putInt(SET_PREAMBLE_BYTES + 4 * i, coupons[i]);
        }
        return image.array();
    }

    /**
     * @param registers {@link #K} register bytes in the library's HLL_8 layout.
     * @return a library sketch over a copy of them.
     */
    public static HllSketch fromRegisters(final byte[] registers)
    {
        return HllSketch.heapify(Memory.wrap(hllImage(registers)));
    }

    /**
     * @param registers {@link #K} register bytes in the library's HLL_8 layout.
     * @return the library's estimate of them (its composite estimator), without copying them into a heap sketch.
     */
    public static double estimateRegisters(final byte[] registers)
    {
        return HllSketch.wrap(Memory.wrap(hllImage(registers))).getEstimate();
    }

    /**
     * The library's HLL_8 image over a copy of the registers, with the estimator's summary already in its preamble:
     * the sum of 2^-v over all registers (split as kxq0 below 32 and kxq1 from 32, as the library keeps it when it
     * updates registers itself), the smallest register value and how many registers hold it. Without them the image
     * would carry the library's "rebuild" flag and the library would recompute them through its generic register
     * iterator, which cost a 100-release query a quarter of its time. Summed in a different order than the
     * library's rebuild, so the estimate may differ from it in the last bits, never more.
     *
     * @param registers {@link #K} register bytes.
     * @return the image.
     */
    public static byte[] hllImage(final byte[] registers)
    {
        final ByteBuffer image = hllImage(registers, FLAG_OUT_OF_ORDER);
        if (!summarize(registers, image))
        {
            summarizeByHistogram(registers, image);
        }
        return image.array();
    }

    /**
     * The common case, eight registers at a time: no register at 32 or above, and some at zero (below about 700,000
     * users at lgK 15). Four independent sums of 2^-v from a table, all-zero words counted at once, zero registers
     * in other words counted with a byte-wise zero test.
     *
     * @return false when the registers are outside that case (the caller falls back to a histogram).
     */
    private static boolean summarize(final byte[] registers, final ByteBuffer image)
    {
        final double[] t = INV_POW2;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int zeroWords = 0;
        int zeros = 0;
        for (int i = 0; i < K; i += 8)
        {
            final long w = (long)LONG_LE.get(registers, i);
            if (w == 0)
            {
                zeroWords++;
                continue;
            }
            if ((w & 0xE0E0_E0E0_E0E0_E0E0L) != 0)
            {
                return false; // a register at 32 or more (or not a register value at all)
            }
            final long low7 = (w & 0x7F7F_7F7F_7F7F_7F7FL) + 0x7F7F_7F7F_7F7F_7F7FL;
            zeros += Long.bitCount(~(low7 | w | 0x7F7F_7F7F_7F7F_7F7FL));
            s0 += t[(int)(w & 31)] + t[(int)((w >>> 32) & 31)];
            s1 += t[(int)((w >>> 8) & 31)] + t[(int)((w >>> 40) & 31)];
            s2 += t[(int)((w >>> 16) & 31)] + t[(int)((w >>> 48) & 31)];
            s3 += t[(int)((w >>> 24) & 31)] + t[(int)((w >>> 56) & 31)];
        }
        zeros += 8 * zeroWords;
        if (zeros == 0)
        {
            return false; // every register above zero: the smallest value needs the histogram
        }
        image.put(6, (byte)0).putDouble(16, (s0 + s1) + (s2 + s3) + 8.0 * zeroWords).putDouble(24, 0)
            .putInt(32, zeros);
        return true;
    }

    private static void summarizeByHistogram(final byte[] registers, final ByteBuffer image)
    {
        final int[] counts = histogram(registers);
        double kxq0 = 0;
        double kxq1 = 0;
        for (int v = 0; v < 64; v++)
        {
            if (v < 32)
            {
                kxq0 += counts[v] * INV_POW2[v];
            }
            else
            {
                kxq1 += counts[v] * INV_POW2[v];
            }
        }
        int curMin = 0;
        while (counts[curMin] == 0)
        {
            curMin++;
        }
        image.put(6, (byte)curMin).putDouble(16, kxq0).putDouble(24, kxq1).putInt(32, counts[curMin]);
    }

    /**
     * The library's HLL_8 image over a copy of the registers without the estimator's summary: flagged for the
     * library to rebuild it if it ever estimates the image. For images that are only unioned (a live record's
     * sketch read by a query), where computing the summary would be wasted.
     *
     * @param registers {@link #K} register bytes.
     * @return the image.
     */
    public static byte[] hllImageToUnion(final byte[] registers)
    {
        return hllImage(registers, FLAG_OUT_OF_ORDER | FLAG_REBUILD_KXQ).array();
    }

    /** @return an HLL_8 image of a copy of the registers, with the fixed preamble fields and the summary zeroed. */
    private static ByteBuffer hllImage(final byte[] registers, final int flags)
    {
        final ByteBuffer image = ByteBuffer.allocate(HLL_PREAMBLE_BYTES + K).order(ByteOrder.LITTLE_ENDIAN);
        image.put(0, (byte)10).put(1, (byte)1).put(2, (byte)7).put(3, (byte)LG_K).put(4, (byte)0)
            .put(5, (byte)flags).put(7, (byte)MODE_HLL8_HLL);
        image.put(HLL_PREAMBLE_BYTES, registers, 0, K);
        return image;
    }

    /**
     * Counts registers by value. Reads eight registers at a time and counts an all-zero word at once (a sketch of a
     * few thousand users is mostly zeros), and spreads the others over four tables so that runs of one value do not
     * wait on each other's increments.
     */
    private static int[] histogram(final byte[] registers)
    {
        final int[] lanes = new int[4 * 64];
        int zeros = 0;
        for (int i = 0; i < K; i += 8)
        {
            final long word = (long)LONG_LE.get(registers, i);
            if (word == 0)
            {
                zeros += 8;
                continue;
            }
            lanes[(int)(word & 63)]++;
            lanes[64 + (int)((word >>> 8) & 63)]++;
            lanes[128 + (int)((word >>> 16) & 63)]++;
            lanes[192 + (int)((word >>> 24) & 63)]++;
            lanes[(int)((word >>> 32) & 63)]++;
            lanes[64 + (int)((word >>> 40) & 63)]++;
            lanes[128 + (int)((word >>> 48) & 63)]++;
            lanes[192 + (int)((word >>> 56) & 63)]++;
        }
        final int[] counts = new int[64];
        for (int v = 0; v < 64; v++)
        {
            counts[v] = lanes[v] + lanes[64 + v] + lanes[128 + v] + lanes[192 + v];
        }
        counts[0] += zeros;
        return counts;
    }

    private static final java.lang.invoke.VarHandle LONG_LE =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Raises a register to a coupon's value (what the live table does with CAS-max).
     *
     * @param registers {@link #K} register bytes.
     * @param coupon    a coupon.
     * @return non-zero when the register rose.
     */
    public static int applyCoupon(final byte[] registers, final int coupon)
    {
        final int s = slot(coupon);
        final int old = registers[s];
        final int raised = Math.max(old, value(coupon)); // branch-free: the comparison is a coin toss
        registers[s] = (byte)raised;
        return raised ^ old;
    }

    /**
     * @param compactBytes a sketch's serialized form, or null/empty for an empty sketch.
     * @return the sketch.
     */
    public static HllSketch heapify(final byte[] compactBytes)
    {
        return compactBytes == null || compactBytes.length == 0 ? empty() : HllSketch.heapify(compactBytes);
    }
}
