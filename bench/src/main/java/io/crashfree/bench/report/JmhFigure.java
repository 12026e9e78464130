package io.crashfree.bench.report;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

import java.util.Map;

/**
 * One JMH benchmark's figures, in nanoseconds whatever unit the benchmark reports in.
 *
 * @param benchmark     {@code Class.method}.
 * @param mode          the benchmark mode.
 * @param threads       benchmark threads.
 * @param meanNs        the score: mean time per operation.
 * @param errorNs       the 99.9% confidence half-width of the mean (NaN with too few iterations).
 * @param p50Ns         median time per operation ({@code SampleTime} only, else NaN).
 * @param p90Ns         90th percentile ({@code SampleTime} only, else NaN).
 * @param p99Ns         99th percentile ({@code SampleTime} only, else NaN).
 * @param maxNs         the longest sample ({@code SampleTime} only, else NaN).
 * @param samples       samples behind the percentiles (or iterations behind the mean).
 * @param bytesPerOp    {@code gc.alloc.rate.norm}, bytes allocated per operation (NaN without {@code -prof gc}).
 * @param settings      forks and iterations as run, e.g. {@code 1 fork, 5 × 1 s warm-up, 5 × 1 s measured}.
 * @param params        the benchmark's {@code @Param} values as run, e.g. {@code cache=true}, or "".
 */
public record JmhFigure(String benchmark, Mode mode, int threads, double meanNs, double errorNs, double p50Ns,
    double p90Ns, double p99Ns, double maxNs, long samples, double bytesPerOp, String settings, String params)
{
    /** A figure of a benchmark without parameters. */
    public JmhFigure(final String benchmark, final Mode mode, final int threads, final double meanNs,
        final double errorNs, final double p50Ns, final double p90Ns, final double p99Ns, final double maxNs,
        final long samples, final double bytesPerOp, final String settings)
    {
        this(benchmark, mode, threads, meanNs, errorNs, p50Ns, p90Ns, p99Ns, maxNs, samples, bytesPerOp, settings, "");
    }

    /** The {@code -prof gc} secondary result: bytes allocated per benchmark operation. */
    public static final String ALLOCATION_PER_OP = "gc.alloc.rate.norm";

    /**
     * @param r a JMH run's result.
     * @return its figures.
     */
    public static JmhFigure of(final RunResult r)
    {
        final BenchmarkParams p = r.getParams();
        final Result<?> primary = r.getPrimaryResult();
        final double toNs = nanosPer(primary.getScoreUnit());
        final Statistics stats = primary.getStatistics();
        final boolean sampled = p.getMode() == Mode.SampleTime;
        double bytes = Double.NaN;
        for (final Map.Entry<String, Result<?>> e : secondary(r).entrySet())
        {
            // older JMH versions prefix secondary results with a middle dot
            if (e.getKey().endsWith(ALLOCATION_PER_OP))
            {
                bytes = e.getValue().getScore();
            }
        }
        return new JmhFigure(shortName(p.getBenchmark()), p.getMode(), p.getThreads(), primary.getScore() * toNs,
            primary.getScoreError() * toNs, sampled ? stats.getPercentile(50) * toNs : Double.NaN,
            sampled ? stats.getPercentile(90) * toNs : Double.NaN,
            sampled ? stats.getPercentile(99) * toNs : Double.NaN, sampled ? stats.getMax() * toNs : Double.NaN,
            stats.getN(), bytes, settings(p), params(p));
    }

    /** JMH declares the map with a raw {@code Result}; every value is some {@code Result<?>}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Result<?>> secondary(final RunResult r)
    {
        return (Map)r.getSecondaryResults();
    }

    /** @return the method name alone. */
    public String method()
    {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * @param fullName {@code io.crashfree.bench.FoldBenchmark.oneThread}.
     * @return {@code FoldBenchmark.oneThread}.
     */
    static String shortName(final String fullName)
    {
        final int method = fullName.lastIndexOf('.');
        final int type = method <= 0 ? -1 : fullName.lastIndexOf('.', method - 1);
        return fullName.substring(type + 1);
    }

    /**
     * @param unit a JMH score unit such as {@code ns/op} or {@code ms/op}.
     * @return nanoseconds per unit.
     * @throws IllegalArgumentException for a unit that is not a time per operation (a throughput mode).
     */
    static double nanosPer(final String unit)
    {
        final String time = unit.endsWith("/op") ? unit.substring(0, unit.length() - 3) : unit;
        switch (time)
        {
            case "ns":
                return 1;
            case "us":
            case "µs":
                return 1e3;
            case "ms":
                return 1e6;
            case "s":
                return 1e9;
            default:
                throw new IllegalArgumentException("the report reads time per operation, not " + unit);
        }
    }

    private static String params(final BenchmarkParams p)
    {
        final StringBuilder b = new StringBuilder();
        for (final String key : p.getParamsKeys())
        {
            b.append(b.length() == 0 ? "" : ", ").append(key).append('=').append(p.getParam(key));
        }
        return b.toString();
    }

    private static String settings(final BenchmarkParams p)
    {
        return p.getForks() + (p.getForks() == 1 ? " fork" : " forks") + (p.getForks() == 0 ? " (in the driver's JVM)" :
            "") + ", " + p.getWarmup().getCount() + " × " + p.getWarmup().getTime() + " warm-up, " +
            p.getMeasurement().getCount() + " × " + p.getMeasurement().getTime() + " measured";
    }
}
