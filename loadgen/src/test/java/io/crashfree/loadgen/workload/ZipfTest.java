package io.crashfree.loadgen.workload;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release distribution against its definition, P(rank) ∝ 1/(rank+1)^s, over a seeded stream.
 */
class ZipfTest
{
    @Test
    void shouldDrawRanksWithZipfFrequencies()
    {
        for (final double s : new double[] {0.0, 0.8, 1.0, 1.5})
        {
            final Zipf zipf = new Zipf(20, s);
            double norm = 0;
            for (int k = 1; k <= 20; k++)
            {
                norm += 1 / Math.pow(k, s);
            }
            final int[] counts = new int[20];
            final SplittableRandom random = new SplittableRandom(1);
            final int n = 400_000;
            for (int i = 0; i < n; i++)
            {
                counts[zipf.sample(random)]++;
            }
            for (int k = 0; k < 20; k++)
            {
                final double expected = 1 / Math.pow(k + 1, s) / norm;
                assertEquals(expected, zipf.probability(k), 1e-12, "probability of rank " + k + " at s=" + s);
                // 5 standard deviations of a binomial proportion: never flaky with a fixed seed, still tight.
                final double sd = Math.sqrt(expected * (1 - expected) / n);
                assertEquals(expected, counts[k] / (double)n, 5 * sd, "frequency of rank " + k + " at s=" + s);
            }
        }
    }

    @Test
    void shouldMakeRankZeroTheMostPopular()
    {
        final Zipf zipf = new Zipf(50, 1.0);
        for (int k = 1; k < 50; k++)
        {
            assertTrue(zipf.probability(k) < zipf.probability(k - 1), "rank " + k);
        }
    }

    @Test
    void shouldRejectNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> new Zipf(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Zipf(5, -1));
        assertThrows(IllegalArgumentException.class, () -> new Zipf(5, Double.NaN));
    }
}
