package io.crashfree.bench.report;

import io.crashfree.bench.e2e.EndToEndBenchmark;
import io.crashfree.bench.e2e.EndToEndOptions;
import io.crashfree.bench.e2e.PairedStats;
import io.crashfree.bench.e2e.Scenario;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.crashfree.bench.report.MarkdownTable.met;
import static io.crashfree.bench.report.MarkdownTable.number;

/**
 * The end-to-end section: {@code bin/crashfree bench e2e}'s scenarios through {@link EndToEndBenchmark}'s API, one
 * row per scenario with the median node and ceiling figures, the median node/ceiling ratio with its spread, and the
 * issue's targets.
 */
final class EndToEndSection
{
    /** Issue 6: the node keeps at least this fraction of a bare Netty server's keep-alive rate. */
    static final double KEEPALIVE_TARGET_RATIO = 0.9;
    /** Issue 6: p99 latency at half the node's maximum rate stays under this many milliseconds. */
    static final double LATENCY_TARGET_P99_MS = 2;
    /** Issue 6: aggregate envelopes carry at least this many sessions per second. */
    static final double AGGREGATES_TARGET_PER_SECOND = 1_000_000;

    /** {@code --quick}: one pair of one-second legs, no warm-up. */
    private static final List<String> QUICK = List.of("--pairs", "1", "--seconds", "1", "--leg-warmup", "0",
        "--initial-warmup", "0");

    private EndToEndSection()
    {
    }

    /**
     * @param options the driver's settings.
     * @return the end-to-end benchmark's settings for this run.
     */
    static EndToEndOptions e2eOptions(final ReportOptions options)
    {
        final List<String> args = new ArrayList<>(List.of("--node-jar", options.nodeJar().toString(),
            "--jvm-flags", String.join(" ", options.jvmFlags()), "--config", options.config().toString()));
        args.addAll(extraArgs(options));
        return EndToEndOptions.parse(args.toArray(new String[0]));
    }

    /**
     * @param e2e the end-to-end settings.
     * @param out where progress goes.
     * @return the section's table, as Markdown.
     * @throws Exception when a server does not start or the load generator cannot run.
     */
    static String run(final EndToEndOptions e2e, final PrintStream out) throws Exception
    {
        final EndToEndBenchmark bench = new EndToEndBenchmark(e2e, out);
        final Map<Scenario, List<EndToEndBenchmark.Leg>> legs = bench.run();
        final MarkdownTable t = new MarkdownTable("scenario", "target", "node / ceiling (median)",
            "ratio (spread)", "CPU µs/request node / ceiling", "met");
        for (final Map.Entry<Scenario, List<EndToEndBenchmark.Leg>> e : legs.entrySet())
        {
            final Scenario s = e.getKey();
            final List<EndToEndBenchmark.Leg> list = e.getValue();
            final PairedStats stats = EndToEndBenchmark.stats(list);
            final String spread = String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", stats.medianRatio(),
                stats.minRatio(), stats.maxRatio());
            final String cpu = micros(EndToEndBenchmark.medianCpu(list, "node")) + " / " +
                micros(EndToEndBenchmark.medianCpu(list, "ceiling"));
            switch (s)
            {
                case KEEPALIVE -> t.row("keep-alive single-session envelopes (Node SDK framing, closed loop), req/s",
                    "≥ 0.9 of ceiling", number(stats.medianNode()) + " / " + number(stats.medianCeiling()), spread,
                    cpu, met(stats.medianRatio() >= KEEPALIVE_TARGET_RATIO));
                case CLOSE -> t.row("`Connection: close` single-session envelopes (Java SDK: gzip, X-Sentry-Auth), " +
                    "req/s", "—", number(stats.medianNode()) + " / " + number(stats.medianCeiling()), spread, cpu,
                    "—");
                case AGGREGATES -> t.row("100-entry `sessions` aggregate envelopes, sessions/s", "≥ 1,000,000",
                    number(stats.medianNode()) + " / " + number(stats.medianCeiling()), spread, cpu,
                    met(stats.medianNode() >= AGGREGATES_TARGET_PER_SECOND));
                case LATENCY -> t.row("p99 latency at half the node's maximum keep-alive rate (" +
                    number(bench.latencyRate()) + " req/s, open loop, corrected for coordinated omission)", "< 2 ms",
                    number(stats.medianNode()) + " ms / " + number(stats.medianCeiling()) + " ms (p50 " +
                        number(medianP50(list, "node")) + " / " + number(medianP50(list, "ceiling")) + " ms)",
                    spread, cpu, met(stats.medianNode() < LATENCY_TARGET_P99_MS));
                default -> throw new IllegalStateException("no row for scenario " + s.id());
            }
        }
        return t.render() + String.format(Locale.ROOT, "%nSettings: %d pair(s) of %s s legs (the first %s s of each " +
            "left out) after %s s warm-ups per target and scenario, node then ceiling; %d connections, %d " +
            "load-generator thread(s), %d event loops per server. Every leg is in `%s`.%n", e2e.pairs(),
            fmt(e2e.seconds()), fmt(e2e.legWarmup()), fmt(e2e.initialWarmup()), e2e.connections(), e2e.threads(),
            e2e.serverThreads(), e2e.json());
    }

    /** @return the command that reproduces the section without the driver. */
    static List<String> commands(final ReportOptions options)
    {
        final List<String> extra = extraArgs(options);
        return List.of("`bin/crashfree bench e2e" + (extra.isEmpty() ? "" : " " + String.join(" ", extra)) + "`");
    }

    private static List<String> extraArgs(final ReportOptions options)
    {
        final List<String> args = new ArrayList<>();
        if (options.quick())
        {
            args.addAll(QUICK);
        }
        args.addAll(options.e2eArgs());
        return args;
    }

    private static double medianP50(final List<EndToEndBenchmark.Leg> legs, final String target)
    {
        final List<Double> values = new ArrayList<>();
        for (final EndToEndBenchmark.Leg l : legs)
        {
            if (l.target().equals(target))
            {
                values.add(l.result().latencyMs(50));
            }
        }
        final double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++)
        {
            v[i] = values.get(i);
        }
        return PairedStats.median(v);
    }

    private static String micros(final double us)
    {
        return us < 0 || Double.isNaN(us) ? "—" : number(us);
    }

    private static String fmt(final double v)
    {
        return v == Math.rint(v) ? Long.toString((long)v) : Double.toString(v);
    }
}
