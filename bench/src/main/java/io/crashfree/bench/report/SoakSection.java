package io.crashfree.bench.report;

import io.crashfree.bench.soak.NodeSample;
import io.crashfree.bench.soak.SoakBenchmark;
import io.crashfree.bench.soak.SoakOptions;
import io.crashfree.bench.soak.SoakResult;
import io.crashfree.bench.soak.SoakRow;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.crashfree.bench.report.MarkdownTable.count;
import static io.crashfree.bench.report.MarkdownTable.number;

/**
 * The soak section: {@code bin/crashfree bench soak} through {@link SoakBenchmark}'s API, one table row per minute
 * (offered and achieved rate, refusals by status, the node's RSS and live memory, early flushes, flush lag, errors)
 * and the summary: the probed maximum, the median achieved rate, the refused share, RSS of the first warm minute
 * against the last, and the verification.
 */
final class SoakSection
{
    private SoakSection()
    {
    }

    /**
     * @param options the driver's settings.
     * @return the soak's settings for this run.
     */
    static SoakOptions soakOptions(final ReportOptions options)
    {
        final List<String> args = new ArrayList<>(List.of("--node-jar", options.nodeJar().toString(),
            "--jvm-flags", String.join(" ", options.jvmFlags()), "--config", options.config().toString()));
        args.addAll(extraArgs(options));
        return SoakOptions.parse(args.toArray(new String[0]));
    }

    /**
     * @param soak the soak's settings.
     * @param out  where progress goes.
     * @return the section's table and summary, as Markdown.
     * @throws Exception when the node does not start or the load generator cannot run.
     */
    static String run(final SoakOptions soak, final PrintStream out) throws Exception
    {
        return render(new SoakBenchmark(soak, out).run());
    }

    /**
     * @param r a finished soak.
     * @return its table and summary, as Markdown.
     */
    static String render(final SoakResult r)
    {
        final SoakOptions o = r.options();
        final MarkdownTable t = new MarkdownTable(o.rowSeconds() == 60 ? "minute" : "seconds", "offered req/s",
            "achieved (200) req/s", "refused: 429 / 503", "sessions/s", "node RSS", "live memory (budget)",
            "early flushes", "flush lag", "errors node / client", "terminals pending");
        for (final SoakRow row : r.rows())
        {
            final NodeSample n = row.node();
            t.row(o.rowSeconds() == 60 ? Integer.toString(row.index()) : fmt(Math.round(row.fromSeconds())) + "–" +
                    fmt(Math.round(row.toSeconds())), count(row.offeredPerSecond()), count(row.okPerSecond()),
                percent(row.share429()) + " / " + percent(row.share503()), count(row.sessionsPerSecond()),
                mib(n.rssBytes()), mib(n.liveMemoryBytes()) + " (" + mib(n.liveMemoryBudgetBytes()) + ")",
                na(row.earlyFlushes()), Double.isNaN(n.flushLagSeconds()) ? "n/a" : number(n.flushLagSeconds()) + " s",
                na(row.nodeErrors()) + " / " + row.clientErrors(), count(row.terminalsPending()));
        }
        final StringBuilder b = new StringBuilder(t.render()).append('\n');
        b.append(Double.isNaN(r.probedMaxRate()) ? String.format(Locale.ROOT, "Rate: %s req/s open loop " +
            "(`--rate`).", count(r.rate())) : String.format(Locale.ROOT, "Rate: the node's maximum was %s req/s " +
            "answered 200 during the %s s closed-loop probe with this workload (releases of its own; %s of its %s " +
            "answers refused); the soak ran open loop at half of it, %s req/s.", count(r.probedMaxRate()),
            fmt(o.probeSeconds()), percent(share(r.probe().rejected(), r.probe().ok() + r.probe().rejected())),
            count(r.probe().ok() + r.probe().rejected()), count(r.rate())));
        b.append(String.format(Locale.ROOT, " Median achieved %s req/s answered 200; refused %s of %s answers " +
            "(429: %s, 503: %s); %s sessions acknowledged.", count(r.medianOkPerSecond()), percent(r.refusedShare()),
            count(r.run().ok() + r.run().rejected()), percent(r.share(429)), percent(r.share(503)),
            count(r.run().sessionsOk())));
        if (r.firstWarmRow() != null)
        {
            final long first = r.firstWarmRow().node().rssBytes();
            final long last = r.lastRow().node().rssBytes();
            b.append(String.format(Locale.ROOT, " Node RSS %s in the first warm %s, %s in the last%s.",
                mib(first), o.rowSeconds() == 60 ? "minute" : "row", mib(last), first > 0 && last > 0 ?
                    String.format(Locale.ROOT, " (%+.0f%%)", 100.0 * (last - first) / first) : ""));
        }
        b.append(" Verify: ").append(r.verifySummary()).append(String.format(Locale.ROOT, "; %s terminal updates " +
            "still due at the end were not sent.", count(r.run().terminalsPending()))).append("\n\n");
        b.append(String.format(Locale.ROOT, "Workload: %d projects, %d releases (Zipf 1.0), environments `%s`, %s " +
            "users, SDKs `%s` (each session framed as its SDK sends it), a share of %s of the envelopes `sessions` " +
            "aggregates of %d entries, sessions of `%s` s (init at the start, terminal update at the end, same " +
            "`started`), outcomes `%s`; %d connections, %d load-generator thread(s). Metrics the node does not " +
            "export show n/a. Every row is in `%s`.%n", o.projects(), o.releases(), o.environments(),
            count(o.users()), o.sdk(), fmt(o.aggregateShare()), o.entries(), o.sessionLength(), o.mix(),
            o.connections(), o.threads(), o.json()));
        return b.toString();
    }

    /** @return the command that reproduces the section without the driver. */
    static List<String> commands(final ReportOptions options)
    {
        final List<String> extra = extraArgs(options);
        return List.of("`bin/crashfree bench soak" + (extra.isEmpty() ? "" : " " + String.join(" ", extra)) + "`");
    }

    private static List<String> extraArgs(final ReportOptions options)
    {
        final List<String> args = new ArrayList<>();
        if (options.quick())
        {
            args.add("--quick");
        }
        args.addAll(options.soakArgs());
        return args;
    }

    private static String mib(final double bytes)
    {
        return Double.isNaN(bytes) || bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MiB", bytes / (1 << 20));
    }

    private static String percent(final double share)
    {
        return String.format(Locale.ROOT, share == 0 ? "0%%" : share < 0.001 ? "%.3f%%" : "%.1f%%", 100 * share);
    }

    private static double share(final long part, final long whole)
    {
        return whole == 0 ? 0 : (double)part / whole;
    }

    private static String na(final double v)
    {
        return Double.isNaN(v) ? "n/a" : count(v);
    }

    private static String fmt(final double v)
    {
        return v == Math.rint(v) ? Long.toString((long)v) : Double.toString(v);
    }
}
