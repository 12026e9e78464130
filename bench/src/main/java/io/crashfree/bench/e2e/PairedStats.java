package io.crashfree.bench.e2e;

import java.util.Arrays;

/**
 * Node against ceiling, pair by pair: each pair ran back to back under the same load, so the ratio of a pair cancels
 * most of the machine's drift; the median of the ratios is the figure, their range is the spread.
 *
 * @param node    the node's value per pair.
 * @param ceiling the ceiling's value per pair.
 */
public record PairedStats(double[] node, double[] ceiling)
{
    /** Checks the pairs line up. */
    public PairedStats
    {
        if (node.length != ceiling.length || node.length == 0)
        {
            throw new IllegalArgumentException("need as many node as ceiling values, at least one pair: " +
                node.length + " and " + ceiling.length);
        }
        node = node.clone();
        ceiling = ceiling.clone();
    }

    /** @return node / ceiling per pair (NaN where the ceiling is 0). */
    public double[] ratios()
    {
        final double[] r = new double[node.length];
        for (int i = 0; i < r.length; i++)
        {
            r[i] = ceiling[i] == 0 ? Double.NaN : node[i] / ceiling[i];
        }
        return r;
    }

    /** @return the median of the ratios. */
    public double medianRatio()
    {
        return median(ratios());
    }

    /** @return the smallest ratio. */
    public double minRatio()
    {
        return Arrays.stream(ratios()).min().orElse(Double.NaN);
    }

    /** @return the largest ratio. */
    public double maxRatio()
    {
        return Arrays.stream(ratios()).max().orElse(Double.NaN);
    }

    /** @return the median of the node's values. */
    public double medianNode()
    {
        return median(node);
    }

    /** @return the median of the ceiling's values. */
    public double medianCeiling()
    {
        return median(ceiling);
    }

    /**
     * @param values some values.
     * @return their median (the mean of the middle two for an even count; NaN for none).
     */
    public static double median(final double[] values)
    {
        if (values.length == 0)
        {
            return Double.NaN;
        }
        final double[] v = values.clone();
        Arrays.sort(v);
        final int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
