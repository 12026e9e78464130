package io.crashfree.aggregation.sketch;

import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coupon and register forms against the library's own sketches built from the same identifiers.
 */
class HllSketchesTest
{
    private static int couponOf(final String id)
    {
        final long[] h = MurmurHash3.hash(id.getBytes(StandardCharsets.UTF_8), 9001L);
        return HllSketches.coupon(h[0], h[1]);
    }

    @Test
    void shouldCountSmallSetsExactlyLikeTheLibrary()
    {
        for (final int n : new int[] { 1, 2, 7, 8, 100, 1000 })
        {
            final int[] coupons = new int[n + 1];
            final HllSketch library = new HllSketch(HllSketches.LG_K, TgtHllType.HLL_8);
            for (int i = 0; i < n; i++)
            {
                coupons[i] = couponOf("user-" + i);
                library.update(("user-" + i).getBytes(StandardCharsets.UTF_8));
            }
            coupons[n] = coupons[0]; // a repeated user counts once
            final HllSketch ours = HllSketches.fromCoupons(coupons, n + 1);
            assertEquals(library.getEstimate(), ours.getEstimate(), 1e-9, "n=" + n);
            assertEquals(n, Math.round(ours.getEstimate()), "n=" + n);
        }
    }

    @Test
    void shouldBuildRegistersIdenticalToTheLibrarysAndUnionWithIt()
    {
        final byte[] registers = new byte[HllSketches.K];
        final HllSketch library = new HllSketch(HllSketches.LG_K, TgtHllType.HLL_8);
        for (int i = 0; i < 200_000; i++)
        {
            final String id = "u" + i;
            HllSketches.applyCoupon(registers, couponOf(id));
            library.update(id.getBytes(StandardCharsets.UTF_8));
        }
        final HllSketch ours = HllSketches.fromRegisters(registers);
        final byte[] libraryBytes = library.toUpdatableByteArray();
        final byte[] oursBytes = ours.toUpdatableByteArray();
        final byte[] libraryRegisters = java.util.Arrays.copyOfRange(libraryBytes, 40, 40 + HllSketches.K);
        final byte[] ourRegisters = java.util.Arrays.copyOfRange(oursBytes, 40, 40 + HllSketches.K);
        assertArrayEquals(libraryRegisters, ourRegisters);

        final Union union = HllSketches.newUnion();
        union.update(ours);
        union.update(library);
        assertEquals(200_000, union.getEstimate(), 200_000 * 0.02);
    }

    @Test
    void shouldCarryTheEstimatorSummaryTheLibraryWouldRebuild()
    {
        final Random random = new Random(3);
        final byte[] registers = new byte[HllSketches.K];
        for (final int n : new int[] { 1, 100, 2_000, 30_000, 200_000, 3_000_000, -5_000 })
        {
            java.util.Arrays.fill(registers, (byte)0);
            if (n < 0)
            {
                registers[12_345] = 40; // a register at 32 or above: the summary's other path
            }
            for (int i = 0; i < Math.abs(n); i++)
            {
                final long[] h = MurmurHash3.hash(random.nextLong(), 9001L);
                HllSketches.applyCoupon(registers, HllSketches.coupon(h[0], h[1]));
            }
            // The same image with the summary zeroed and the library's rebuild flag set: the library computes it.
            final byte[] rebuild = HllSketches.hllImage(registers);
            rebuild[6] = 0;
            java.util.Arrays.fill(rebuild, 8, 40, (byte)0);
            rebuild[5] = (byte)(16 | 32);
            final double libraryEstimate = HllSketch.heapify(rebuild).getEstimate();
            assertEquals(libraryEstimate, HllSketches.fromRegisters(registers).getEstimate(), libraryEstimate * 1e-9,
                "n=" + n);
            assertEquals(libraryEstimate, HllSketches.estimateRegisters(registers), libraryEstimate * 1e-9, "n=" + n);
            assertEquals(Math.abs(n), libraryEstimate, Math.abs(n) * 0.02 + 1, "n=" + n);
        }
    }

    @Test
    void shouldStayWithinTwoPercentAtOneMillionInNinetyNinePercentOfTrials()
    {
        // 100 trials of one million distinct users each, through the dense register path.
        final Random random = new Random(42);
        final byte[] registers = new byte[HllSketches.K];
        int outside = 0;
        final int trials = 100;
        final int n = 1_000_000;
        for (int t = 0; t < trials; t++)
        {
            java.util.Arrays.fill(registers, (byte)0);
            for (int i = 0; i < n; i++)
            {
                final long[] h = MurmurHash3.hash(random.nextLong(), 9001L);
                HllSketches.applyCoupon(registers, HllSketches.coupon(h[0], h[1]));
            }
            final double error = Math.abs(HllSketches.fromRegisters(registers).getEstimate() - n) / n;
            if (error > 0.02)
            {
                outside++;
            }
        }
        assertTrue(outside <= 1, outside + " of " + trials + " trials were off by more than 2%");
    }
}
