package io.crashfree.loadgen.workload;

import java.util.SplittableRandom;

/**
 * Draws an index with fixed weights (the environment mix, the outcome mix). Weights need not sum to 1; a zero weight
 * is never drawn.
 */
public final class WeightedChoice
{
    private final double[] cumulative;

    /** @param weights one non-negative weight per choice, at least one of them positive. */
    public WeightedChoice(final double[] weights)
    {
        if (weights.length == 0)
        {
            throw new IllegalArgumentException("no choices");
        }
        cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++)
        {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i]))
            {
                throw new IllegalArgumentException("weight must be a finite number >= 0: " + weights[i]);
            }
            sum += weights[i];
            cumulative[i] = sum;
        }
        if (sum <= 0)
        {
            throw new IllegalArgumentException("at least one weight must be positive");
        }
        for (int i = 0; i < weights.length; i++)
        {
            cumulative[i] /= sum;
        }
        // A zero weight at the end must never be drawn, even by rounding.
        int last = weights.length - 1;
        while (weights[last] == 0)
        {
            last--;
        }
        for (int i = last; i < weights.length; i++)
        {
            cumulative[i] = 1.0;
        }
    }

    /**
     * @param random the caller's generator.
     * @return an index drawn with the weights.
     */
    public int sample(final SplittableRandom random)
    {
        final double u = random.nextDouble();
        for (int i = 0; i < cumulative.length; i++)
        {
            if (u < cumulative[i])
            {
                return i;
            }
        }
        return cumulative.length - 1;
    }
}
