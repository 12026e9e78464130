package io.crashfree.aggregation.sketch;

import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link CouponUnion} against the library's own {@link Union} over the same images: coupon lists, sets and HLL_8
 * registers, compact and updatable; exact while the union stays a coupon set; a copy is independent.
 */
class CouponUnionTest
{
    private final Random random = new Random(5);

    @Test
    void shouldMatchTheLibrarysUnionForSmallAndLargeImages()
    {
        for (final int[] sizes : new int[][] { { 3 }, { 5, 9 }, { 7, 300, 600 }, { 500, 500, 500 },
            { 20, 2_000, 40 }, { 50_000, 10, 3_000 } })
        {
            final CouponUnion ours = new CouponUnion();
            final Union library = HllSketches.newUnion();
            final int pool = 2 * java.util.Arrays.stream(sizes).sum();
            for (final int size : sizes)
            {
                final HllSketch sketch = HllSketches.empty();
                for (int i = 0; i < size; i++)
                {
                    sketch.update("user-" + random.nextInt(pool));
                }
                final byte[] image = random.nextBoolean() ? sketch.toCompactByteArray() :
                    sketch.toUpdatableByteArray();
                ours.addImage(image, 0, image.length);
                library.update(HllSketch.heapify(image));
            }
            final double expected = library.getEstimate();
            if (expected < HllSketches.MAX_SET_COUPONS)
            {
                assertEquals(Math.round(expected), Math.round(ours.estimate()), "exact while a coupon set");
            }
            else
            {
                // Past MAX_SET_COUPONS ours is registers (the library keeps a set up to 3,072): within the sketch error.
                assertEquals(expected, ours.estimate(), expected * 0.02, java.util.Arrays.toString(sizes));
            }
        }
    }

    @Test
    void shouldKeepACopyIndependentAndForgetAStaleEstimate()
    {
        final CouponUnion union = new CouponUnion();
        for (int i = 0; i < 100; i++)
        {
            union.addCoupon(coupon(i));
        }
        assertEquals(100, union.estimate());
        final CouponUnion copy = union.copy();
        for (int i = 100; i < 150; i++)
        {
            copy.addCoupon(coupon(i));
        }
        assertEquals(100, union.estimate(), "the original is unchanged");
        assertEquals(150, copy.estimate(), "the copy's estimate follows its changes");
        final CouponUnion dense = copy.copy();
        for (int i = 0; i < 20_000; i++)
        {
            dense.addCoupon(coupon(i));
        }
        assertEquals(20_000, dense.estimate(), 20_000 * 0.02);
        assertEquals(150, copy.estimate());
    }

    @Test
    void shouldRaiseEveryRegisterToTheLargerValueEightAtATime()
    {
        final byte[] registers = new byte[HllSketches.K];
        final byte[] other = new byte[HllSketches.K + 40];
        for (int i = 0; i < HllSketches.K; i++)
        {
            registers[i] = (byte)random.nextInt(64);
            other[40 + i] = (byte)(i % 97 == 0 ? registers[i] : random.nextInt(64)); // some equal pairs too
        }
        final byte[] expected = new byte[HllSketches.K];
        for (int i = 0; i < HllSketches.K; i++)
        {
            expected[i] = (byte)Math.max(registers[i], other[40 + i]);
        }
        CouponUnion.maxRegisters(registers, other, 40);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, registers);
    }

    @Test
    void shouldEstimateADenseUnionAgainOnlyWhenARegisterRose()
    {
        final HllSketch many = HllSketches.empty();
        final HllSketch few = HllSketches.empty();
        final HllSketch fresh = HllSketches.empty();
        for (int i = 0; i < 50_000; i++)
        {
            many.update("user-" + i);
            if (i % 100 == 0)
            {
                few.update("user-" + i); // users the union has already seen
            }
            fresh.update("new-user-" + i);
        }
        final CouponUnion union = new CouponUnion();
        final byte[] manyImage = many.toCompactByteArray();
        union.addImage(manyImage, 0, manyImage.length);
        union.addImage(manyImage, 0, manyImage.length); // now dense registers
        final double before = union.estimate();
        final byte[] fewImage = few.toCompactByteArray();
        union.addImage(fewImage, 0, fewImage.length);
        assertEquals(before, union.estimate(), 0.0, "seen users change nothing");
        final byte[] freshImage = fresh.toCompactByteArray();
        union.addImage(freshImage, 0, freshImage.length);
        assertEquals(100_000, union.estimate(), 100_000 * 0.02, "new users are counted");
        final Union library = HllSketches.newUnion();
        library.update(many);
        library.update(few);
        library.update(fresh);
        assertEquals(library.getEstimate(), union.estimate(), library.getEstimate() * 1e-9);
    }

    private static int coupon(final int i)
    {
        final long[] h = MurmurHash3.hash(new long[] { i }, 9001L);
        return HllSketches.coupon(h[0], h[1]);
    }
}
