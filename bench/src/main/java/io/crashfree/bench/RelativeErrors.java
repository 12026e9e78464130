package io.crashfree.bench;

import java.util.Arrays;

/**
 * The relative errors of a distinct-count estimator over repeated trials, for {@link SketchOptionsBenchmark}: one
 * {@code |estimate - truth| / truth} per trial, summarised as median, 99th percentile (nearest rank: the value at or
 * below which 99% of trials fall), maximum, and how many trials missed a target.
 */
final class RelativeErrors
{
    private double[] errors;
    private int count;

    /** @param expectedTrials how many trials will be added (grows if more come). */
    RelativeErrors(final int expectedTrials)
    {
        errors = new double[Math.max(1, expectedTrials)];
    }

    /**
     * @param estimate the estimator's answer.
     * @param truth    the true distinct count (positive).
     */
    void add(final double estimate, final long truth)
    {
        if (count == errors.length)
        {
            errors = Arrays.copyOf(errors, 2 * count);
        }
        errors[count++] = Math.abs(estimate - truth) / truth;
    }

    /** @return trials added. */
    int trials()
    {
        return count;
    }

    /** @return the median relative error. */
    double median()
    {
        return quantile(0.5);
    }

    /** @return the 99th percentile of the relative error (nearest rank). */
    double p99()
    {
        return quantile(0.99);
    }

    /** @return the largest relative error. */
    double max()
    {
        return quantile(1.0);
    }

    /**
     * A distribution-free confidence interval of the 99th percentile: the order statistics whose ranks lie about 2.58
     * binomial standard deviations either side of its rank (about 99% confidence; wide with few trials).
     *
     * @return {low, high} relative errors.
     */
    double[] p99Interval()
    {
        final double spread = 2.576 * Math.sqrt(count * 0.99 * 0.01);
        final double rank = Math.ceil(0.99 * count);
        return new double[] { quantile(Math.max(1, Math.floor(rank - spread)) / count),
            quantile(Math.min(count, Math.ceil(rank + spread)) / count) };
    }

    /**
     * @param target a relative error, e.g. 0.02.
     * @return how many trials erred by more than it.
     */
    int over(final double target)
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (errors[i] > target)
            {
                n++;
            }
        }
        return n;
    }

    /**
     * @param q a quantile in (0, 1].
     * @return the smallest error that at least {@code q} of the trials do not exceed; NaN without trials.
     */
    double quantile(final double q)
    {
        if (count == 0)
        {
            return Double.NaN;
        }
        final double[] sorted = Arrays.copyOf(errors, count);
        Arrays.sort(sorted);
        final int rank = (int)Math.ceil(q * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)];
    }
}
