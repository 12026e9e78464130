package io.crashfree.loadgen.workload;

import java.util.SplittableRandom;

/**
 * A Zipf distribution over ranks {@code 0..n-1}: {@code P(rank) ∝ 1 / (rank + 1)^exponent}. Rank 0 is the most
 * popular (the release most users run). Sampling is a binary search over the precomputed cumulative weights, so it
 * allocates nothing.
 */
public final class Zipf
{
    private final double[] cumulative;

    /**
     * @param n        number of ranks, at least 1.
     * @param exponent skew; 0 is uniform, 1 is classic Zipf.
     */
    public Zipf(final int n, final double exponent)
    {
        if (n < 1)
        {
            throw new IllegalArgumentException("Zipf needs at least one rank: " + n);
        }
        if (!(exponent >= 0) || Double.isInfinite(exponent))
        {
            throw new IllegalArgumentException("Zipf exponent must be a finite number >= 0: " + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        for (int k = 0; k < n; k++)
        {
            cumulative[k] /= sum;
        }
        cumulative[n - 1] = 1.0;
    }

    /** @return the number of ranks. */
    public int size()
    {
        return cumulative.length;
    }

    /**
     * @param rank a rank.
     * @return its probability.
     */
    public double probability(final int rank)
    {
        return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
    }

    /**
     * @param random the caller's generator.
     * @return a rank drawn from the distribution.
     */
    public int sample(final SplittableRandom random)
    {
        final double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
