package io.crashfree.bench.index;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The index benchmark's figures: per phase the latency percentiles of its requests, and the medians of each figure
 * over the rounds (each percentile's median on its own, as the other benchmarks report medians of runs), as lines of a
 * Markdown table.
 */
final class IndexReport
{
    /** The target: p99 of the index within 100 ms while ingest runs at half its maximum. */
    static final double TARGET_P99_MS = 100;

    private IndexReport()
    {
    }

    /**
     * One phase's figures, in milliseconds.
     *
     * @param p50Ms    median latency.
     * @param p90Ms    90th percentile.
     * @param p99Ms    99th percentile.
     * @param maxMs    largest.
     * @param requests measured requests.
     * @param failures requests not answered 200.
     */
    record Figures(double p50Ms, double p90Ms, double p99Ms, double maxMs, long requests, long failures)
    {
        /**
         * @param latencyNs latencies in nanoseconds.
         * @param failures  requests not answered 200.
         * @return the figures (NaN latencies when nothing was recorded).
         */
        static Figures of(final Histogram latencyNs, final long failures)
        {
            if (latencyNs.getTotalCount() == 0)
            {
                return new Figures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, failures);
            }
            return new Figures(latencyNs.getValueAtPercentile(50) / 1e6, latencyNs.getValueAtPercentile(90) / 1e6,
                latencyNs.getValueAtPercentile(99) / 1e6, latencyNs.getMaxValue() / 1e6, latencyNs.getTotalCount(),
                failures);
        }
    }

    /**
     * @param rounds one phase's figures in every round.
     * @return the median of each figure over the rounds (requests and failures: their totals).
     */
    static Figures median(final List<Figures> rounds)
    {
        if (rounds.isEmpty())
        {
            throw new IllegalArgumentException("no rounds");
        }
        long requests = 0;
        long failures = 0;
        for (final Figures f : rounds)
        {
            requests += f.requests();
            failures += f.failures();
        }
        return new Figures(median(rounds, Figures::p50Ms), median(rounds, Figures::p90Ms),
            median(rounds, Figures::p99Ms), median(rounds, Figures::maxMs), requests, failures);
    }

    /**
     * @param rounds values.
     * @param figure which figure.
     * @return its median (the mean of the middle two for an even count).
     */
    static double median(final List<Figures> rounds, final ToDoubleFunction<Figures> figure)
    {
        final double[] v = new double[rounds.size()];
        for (int i = 0; i < v.length; i++)
        {
            v[i] = figure.applyAsDouble(rounds.get(i));
        }
        Arrays.sort(v);
        final int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /**
     * @param label  the phase.
     * @param median the medians.
     * @param rounds every round's figures.
     * @param target whether the target applies to this phase.
     * @return one Markdown table row: label, p50, p90, p99, max, requests, p99 of each round, target met.
     */
    static String row(final String label, final Figures median, final List<Figures> rounds, final boolean target)
    {
        final List<String> p99s = new ArrayList<>();
        for (final Figures f : rounds)
        {
            p99s.add(ms(f.p99Ms()));
        }
        return "| " + label + " | " + ms(median.p50Ms()) + " | " + ms(median.p90Ms()) + " | " + ms(median.p99Ms()) +
            " | " + ms(median.maxMs()) + " | " + String.format(Locale.ROOT, "%,d", median.requests()) +
            (median.failures() > 0 ? String.format(Locale.ROOT, " (%,d failed)", median.failures()) : "") + " | " +
            String.join(", ", p99s) + " | " + (target ? median.p99Ms() <= TARGET_P99_MS ? "yes" : "**no**" : "—") +
            " |";
    }

    /** @return the header of {@link #row}'s table. */
    static String header()
    {
        return "| phase | p50 | p90 | p99 | max | requests | p99 per round | p99 ≤ 100 ms |\n" +
            "| --- | --- | --- | --- | --- | --- | --- | --- |";
    }

    /**
     * @param ms milliseconds.
     * @return with three significant digits and the unit ({@code n/a} for NaN).
     */
    static String ms(final double ms)
    {
        if (Double.isNaN(ms))
        {
            return "n/a";
        }
        if (ms >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f ms", ms);
        }
        return String.format(Locale.ROOT, ms >= 10 ? "%.1f ms" : "%.2f ms", ms);
    }
}
