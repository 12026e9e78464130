package io.crashfree.bench.report;

import io.crashfree.bench.FlushPauseBenchmark;
import io.crashfree.bench.OneShotResult;
import io.crashfree.bench.QueryUnderLoadBenchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.crashfree.bench.report.MarkdownTable.count;
import static io.crashfree.bench.report.MarkdownTable.met;
import static io.crashfree.bench.report.MarkdownTable.number;
import static io.crashfree.bench.report.MarkdownTable.ratio;

/**
 * The sections measured by one-shot benchmarks in child JVMs: flushing 100,000 keys (under ZGC, as
 * {@code bin/crashfree run} starts the node, and under G1 for comparison) and the sessions query while ingest runs at
 * half its maximum rate.
 */
final class OneShotSections
{
    private static final String JAR = "bench/target/crashfree-benchmarks.jar";
    private static final List<String> FLUSH_HEAP = List.of("-Xms1g", "-Xmx1g");
    private static final List<String> QUERY_LOAD_HEAP = List.of("-Xms2g", "-Xmx2g");

    private OneShotSections()
    {
    }

    /**
     * @param options the driver's settings.
     * @param out     where progress goes.
     * @return the flush section's table and comparison, as Markdown.
     * @throws IOException          when a run fails.
     * @throws InterruptedException if interrupted.
     */
    static String flush(final ReportOptions options, final PrintStream out) throws IOException, InterruptedException
    {
        final OneShotResult zgc = OneShotJvm.run("flush, ZGC", jvm(options, "-XX:+UseZGC", FLUSH_HEAP),
            FlushPauseBenchmark.class, args(options), limit(options, 20), out);
        final OneShotResult g1 = OneShotJvm.run("flush, G1", jvm(options, "-XX:+UseG1GC", FLUSH_HEAP),
            FlushPauseBenchmark.class, args(options), limit(options, 20), out);
        final MarkdownTable t = new MarkdownTable("run", "keys", "flush time", "records/s",
            "ingest p50 / p99 / p99.9 during flush", "max fold during flush", "folds over 10 ms",
            "without flush: p99, max");
        flushRow(t, "ZGC (as `bin/crashfree run`)", zgc);
        flushRow(t, "G1 (for comparison, same run)", g1);
        return t.render() + "\nRatios in this run: G1's longest fold during the flush is " +
            ratio(g1.number("flushing.max.ms") / zgc.number("flushing.max.ms")) + " ZGC's, its p99 " +
            ratio(g1.number("flushing.p99.ns") / zgc.number("flushing.p99.ns")) + " ZGC's; with ZGC the p99 " +
            "during the flush is " + ratio(zgc.number("flushing.p99.ns") / zgc.number("baseline.p99.ns")) +
            " the p99 without it.\n";
    }

    /** @return the commands that reproduce the flush section without the driver. */
    static List<String> flushCommands(final ReportOptions options)
    {
        final String quick = options.quick() ? " --quick" : "";
        return List.of("`bin/crashfree bench flush" + quick + "` (ZGC, 1 GiB heap)",
            "`java $(flags) -XX:+UseG1GC -Xms1g -Xmx1g -cp " + JAR + " " + FlushPauseBenchmark.class.getName() +
                quick + "` (G1; `$(flags)` is the parent pom's `crashfree.jvm.flags`)");
    }

    /**
     * @param options the driver's settings.
     * @param out     where progress goes.
     * @return the query-under-load section's table, as Markdown.
     * @throws IOException          when the run fails.
     * @throws InterruptedException if interrupted.
     */
    static String queryLoad(final ReportOptions options, final PrintStream out)
        throws IOException, InterruptedException
    {
        final StringBuilder b = new StringBuilder();
        for (final boolean cache : new boolean[] { true, false })
        {
            final List<String> args = new ArrayList<>(args(options));
            if (!cache)
            {
                args.add("--no-cache");
            }
            final OneShotResult r = OneShotJvm.run("query under load" + (cache ? "" : " (no cache)"),
                jvm(options, "-XX:+UseZGC", QUERY_LOAD_HEAP), QueryUnderLoadBenchmark.class, args,
                limit(options, 30), out);
            final double loadedP99 = r.number("query.loaded.p99.ms");
            b.append(cache ? "Sessions query cache on (the default; a dashboard polling the same query):\n\n" :
                "\nSessions query cache off (`--no-cache`; every query reads and unions the whole day, as a first " +
                    "query does):\n\n");
            final MarkdownTable t = new MarkdownTable("measurement", "figure", "target", "met");
            t.row("maximum keep-alive rate (this setup)", number(r.number("max.rate")) + " req/s; open loop at " +
                number(r.number("half.rate")) + " req/s", "—", "—");
            t.row("query without ingest (" + count(r.number("query.idle.count")) + " queries)",
                "p50 " + ms(r.number("query.idle.p50.ms")) + ", p99 " + ms(r.number("query.idle.p99.ms")), "—", "—");
            t.row("query during ingest at half rate (" + count(r.number("query.loaded.count")) + " queries)",
                "p50 " + ms(r.number("query.loaded.p50.ms")) + ", p99 " + ms(loadedP99) + ", max " +
                    ms(r.number("query.loaded.max.ms")), "p99 < 50 ms",
                met(loadedP99 < JmhTables.QUERY_TARGET_P99_MS));
            t.row("ingest rate achieved, alone / with queries", number(r.number("ingest.alone.rate")) + " / " +
                number(r.number("ingest.with.queries.rate")) + " req/s", "—", "—");
            t.row("ingest latency p50 / p99, alone / with queries", ms(r.number("ingest.alone.p50.ms")) + " / " +
                ms(r.number("ingest.alone.p99.ms")) + " / " + ms(r.number("ingest.with.queries.p50.ms")) + " / " +
                ms(r.number("ingest.with.queries.p99.ms")), "—", "—");
            b.append(t.render()).append("\nRatios in this run: the query's p99 under ingest is ")
                .append(ratio(loadedP99 / r.number("query.idle.p99.ms"))).append(" its p99 without; ingest with ")
                .append("queries achieved ")
                .append(ratio(r.number("ingest.with.queries.rate") / r.number("ingest.alone.rate")))
                .append(" the rate alone. Store: ").append(count(r.number("stored.entries"))).append(" entries.\n");
        }
        return b.toString();
    }

    /** @return the command that reproduces the query-under-load section without the driver. */
    static List<String> queryLoadCommands(final ReportOptions options)
    {
        return List.of("`java $(flags) -XX:+UseZGC -Xms2g -Xmx2g -cp " + JAR + " " +
            QueryUnderLoadBenchmark.class.getName() + (options.quick() ? " --quick" : "") + " [--no-cache]` " +
            "(`$(flags)` is the parent pom's `crashfree.jvm.flags`)");
    }

    private static void flushRow(final MarkdownTable t, final String run, final OneShotResult r)
    {
        t.row(run, count(r.number("keys")), number(r.number("flush.seconds")) + " s",
            number(r.number("flush.records.per.second")), number(r.number("flushing.p50.ns")) + " / " +
                number(r.number("flushing.p99.ns")) + " / " + number(r.number("flushing.p999.ns")) + " ns",
            ms(r.number("flushing.max.ms")), count(r.number("flushing.over.10ms")),
            number(r.number("baseline.p99.ns")) + " ns, " + ms(r.number("baseline.max.ms")));
    }

    private static List<String> jvm(final ReportOptions options, final String collector, final List<String> heap)
    {
        final List<String> jvm = new ArrayList<>(options.jvmFlags());
        jvm.add(collector);
        jvm.addAll(heap);
        return jvm;
    }

    private static List<String> args(final ReportOptions options)
    {
        return options.quick() ? List.of("--quick") : List.of();
    }

    private static Duration limit(final ReportOptions options, final int minutes)
    {
        return Duration.ofMinutes(options.quick() ? 5 : minutes);
    }

    private static String ms(final double ms)
    {
        return number(ms) + " ms";
    }
}
