package io.crashfree.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.crashfree.bench.report.MarkdownTable.bytes;
import static io.crashfree.bench.report.MarkdownTable.met;
import static io.crashfree.bench.report.MarkdownTable.number;
import static io.crashfree.bench.report.MarkdownTable.ratio;

/**
 * The tables of the JMH sections, each figure beside the target where one exists, and the ratios against
 * the baseline measured in the same run.
 */
final class JmhTables
{
    /** Issue 2: decoding a single-session envelope takes at most 1.5 µs and allocates nothing. */
    static final double DECODE_TARGET_NS = 1_500;
    /** Issue 3: folding one session takes at most 100 ns median and allocates nothing. */
    static final double FOLD_TARGET_P50_NS = 100;
    /** Issue 5: the whole filter chain takes at most 300 ns per session. */
    static final double FILTER_TARGET_NS = 300;
    /** Issue 4: the dashboard query answers within 50 ms at p99. */
    static final double QUERY_TARGET_P99_MS = 50;
    /** Below this many bytes per operation a benchmark counts as allocating nothing (JMH's own noise). */
    static final double ZERO_BYTES = 0.5;

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
        Map.entry("streamingDecoder", "Crashfree: framing, all fields, sid/did hashed, 3 timestamps"),
        Map.entry("databindBaseline", "same framing, jackson-databind into objects"),
        Map.entry("blockingParserPerEnvelope", "tokens only, new blocking parser"),
        Map.entry("reusedNonBlockingParser", "tokens only, one reused non-blocking parser"),
        Map.entry("oneThread", "one thread, one warm key"),
        Map.entry("twoThreadsDifferentKeys", "each thread its own release"),
        Map.entry("twoThreadsSameKey", "both threads on one key"),
        Map.entry("filterChain", "agent in the `User-Agent` header, seen before by this thread"),
        Map.entry("filterChainUserAgentInAttrs", "agent in `attrs.user_agent`"),
        Map.entry("filterChainNewAgent", "4,096 distinct agents, the per-thread agent cache always misses"),
        Map.entry("crawlerByteMatcher", "the crawler list, compiled to a byte matcher"),
        Map.entry("crawlerRegexBaseline", "the same list with `java.util.regex`, reused matchers"),
        Map.entry("sessions24hByRelease", "24 h, 1 h interval, by release, 100 releases, 3 fields"));

    private JmhTables()
    {
    }

    /**
     * @param section a JMH section.
     * @param figures its figures.
     * @return its table, the settings it ran with and the ratios of this run, as Markdown.
     */
    static String render(final Section section, final List<JmhFigure> figures)
    {
        final StringBuilder b = new StringBuilder();
        switch (section)
        {
            case DECODE -> decode(b, figures);
            case FOLD -> fold(b, figures);
            case FILTERS -> filters(b, figures);
            case QUERY -> query(b, figures);
            default -> throw new IllegalArgumentException("not a JMH section: " + section.id());
        }
        final Set<String> settings = new LinkedHashSet<>();
        for (final JmhFigure f : figures)
        {
            settings.add(f.settings());
        }
        b.append("\nJMH settings as run: ").append(String.join("; ", settings)).append(".\n");
        return b.toString();
    }

    private static void decode(final StringBuilder b, final List<JmhFigure> figures)
    {
        final MarkdownTable t = new MarkdownTable("benchmark", "time/op (mean ± 99.9% CI)", "allocated/op",
            "target", "met");
        for (final JmhFigure f : ordered(figures, "EnvelopeDecodeBenchmark.streamingDecoder",
            "EnvelopeDecodeBenchmark.databindBaseline", "JsonParserChoiceBenchmark.blockingParserPerEnvelope",
            "JsonParserChoiceBenchmark.reusedNonBlockingParser"))
        {
            final boolean target = f.method().equals("streamingDecoder");
            t.row(name(f), mean(f), bytes(f.bytesPerOp()), target ? "≤ 1.5 µs and 0 B/op" : "—",
                target ? met(f.meanNs() <= DECODE_TARGET_NS && noAllocation(f)) : "—");
        }
        b.append(t.render());
        final JmhFigure decoder = find(figures, "streamingDecoder");
        final JmhFigure databind = find(figures, "databindBaseline");
        final JmhFigure blocking = find(figures, "blockingParserPerEnvelope");
        final JmhFigure reused = find(figures, "reusedNonBlockingParser");
        final List<String> ratios = new ArrayList<>();
        if (decoder != null && databind != null)
        {
            ratios.add("the decoder takes **" + ratio(decoder.meanNs() / databind.meanNs()) +
                "** the time of jackson-databind and allocates " + bytes(decoder.bytesPerOp()) + " per envelope " +
                "(databind: " + bytes(databind.bytesPerOp()) + ")");
        }
        if (decoder != null && blocking != null)
        {
            ratios.add("it costs **" + ratio(decoder.meanNs() / blocking.meanNs()) + "** a bare jackson-core " +
                "tokenization of the same bytes with a fresh blocking parser (which allocates " +
                bytes(blocking.bytesPerOp()) + " per envelope)");
        }
        if (decoder != null && reused != null)
        {
            ratios.add("and " + ratio(decoder.meanNs() / reused.meanNs()) + " a tokenization with one reused " +
                "non-blocking parser (" + bytes(reused.bytesPerOp()) + " per envelope)");
        }
        ratios(b, ratios);
    }

    private static void fold(final StringBuilder b, final List<JmhFigure> figures)
    {
        final MarkdownTable t = new MarkdownTable("benchmark", "p50", "p90", "p99", "allocated/op", "target", "met");
        for (final JmhFigure f : ordered(figures, "FoldBenchmark.oneThread", "FoldBenchmark.twoThreadsDifferentKeys",
            "FoldBenchmark.twoThreadsSameKey"))
        {
            t.row(name(f), ns(f.p50Ns()), ns(f.p90Ns()), ns(f.p99Ns()), bytes(f.bytesPerOp()),
                "p50 ≤ 100 ns, 0 B/op", met(f.p50Ns() <= FOLD_TARGET_P50_NS && noAllocation(f)));
        }
        b.append(t.render());
        final JmhFigure one = find(figures, "oneThread");
        final List<String> ratios = new ArrayList<>();
        for (final String other : List.of("twoThreadsDifferentKeys", "twoThreadsSameKey"))
        {
            final JmhFigure f = find(figures, other);
            if (one != null && f != null)
            {
                ratios.add("`" + other + "` p50 is " + ratio(f.p50Ns() / one.p50Ns()) + " `oneThread`'s");
            }
        }
        ratios(b, ratios);
    }

    private static void filters(final StringBuilder b, final List<JmhFigure> figures)
    {
        final MarkdownTable t = new MarkdownTable("benchmark", "p50", "mean", "p99", "allocated/op", "target", "met");
        for (final JmhFigure f : ordered(figures, "FilterChainBenchmark.filterChain",
            "FilterChainBenchmark.filterChainUserAgentInAttrs", "FilterChainBenchmark.filterChainNewAgent",
            "FilterChainBenchmark.crawlerByteMatcher", "FilterChainBenchmark.crawlerRegexBaseline"))
        {
            final boolean chain = f.method().startsWith("filterChain");
            t.row(name(f), ns(f.p50Ns()), ns(f.meanNs()), ns(f.p99Ns()), bytes(f.bytesPerOp()),
                chain ? "p50 ≤ 300 ns" : "—", chain ? met(f.p50Ns() <= FILTER_TARGET_NS) : "—");
        }
        b.append(t.render());
        final JmhFigure bytesMatcher = find(figures, "crawlerByteMatcher");
        final JmhFigure regex = find(figures, "crawlerRegexBaseline");
        final JmhFigure seen = find(figures, "filterChain");
        final JmhFigure fresh = find(figures, "filterChainNewAgent");
        final List<String> ratios = new ArrayList<>();
        if (bytesMatcher != null && regex != null)
        {
            ratios.add("the byte matcher is **" + ratio(regex.p50Ns() / bytesMatcher.p50Ns()) +
                "** faster than the regex baseline (p50; mean " + ratio(regex.meanNs() / bytesMatcher.meanNs()) + ")");
        }
        if (seen != null && fresh != null)
        {
            ratios.add("an agent the thread has not seen costs " + ratio(fresh.p50Ns() / seen.p50Ns()) +
                " a seen one (p50)");
        }
        ratios(b, ratios);
    }

    private static void query(final StringBuilder b, final List<JmhFigure> figures)
    {
        final MarkdownTable t = new MarkdownTable("benchmark", "p50", "p99", "max", "samples", "target", "met");
        for (final JmhFigure f : ordered(figures, "SessionsQueryBenchmark.sessions24hByRelease"))
        {
            t.row(name(f), ms(f.p50Ns()), ms(f.p99Ns()), ms(f.maxNs()), MarkdownTable.count(f.samples()),
                "p99 < 50 ms (the issue asks it under ingest load)", met(f.p99Ns() / 1e6 < QUERY_TARGET_P99_MS));
        }
        b.append(t.render());
    }

    private static void ratios(final StringBuilder b, final List<String> ratios)
    {
        if (!ratios.isEmpty())
        {
            b.append("\nRatios in this run: ").append(String.join("; ", ratios)).append(".\n");
        }
    }

    /** @return the figures in the given order of {@code Class.method} names, any others after them. */
    static List<JmhFigure> ordered(final List<JmhFigure> figures, final String... order)
    {
        final List<JmhFigure> sorted = new ArrayList<>();
        for (final String name : order)
        {
            for (final JmhFigure f : figures)
            {
                if (f.benchmark().equals(name))
                {
                    sorted.add(f);
                }
            }
        }
        for (final JmhFigure f : figures)
        {
            if (!sorted.contains(f))
            {
                sorted.add(f);
            }
        }
        return sorted;
    }

    private static JmhFigure find(final List<JmhFigure> figures, final String method)
    {
        for (final JmhFigure f : figures)
        {
            if (f.method().equals(method))
            {
                return f;
            }
        }
        return null;
    }

    private static String name(final JmhFigure f)
    {
        final String description = DESCRIPTIONS.get(f.method());
        return "`" + f.benchmark() + (f.params().isEmpty() ? "" : " [" + f.params() + "]") + "`" +
            (description == null ? "" : " (" + description + ")");
    }

    private static boolean noAllocation(final JmhFigure f)
    {
        return f.bytesPerOp() < ZERO_BYTES;
    }

    private static String mean(final JmhFigure f)
    {
        return Double.isNaN(f.errorNs()) ? ns(f.meanNs()) + " (one iteration: no error bar)" :
            number(f.meanNs()) + " ± " + ns(f.errorNs());
    }

    private static String ns(final double ns)
    {
        return number(ns) + " ns";
    }

    private static String ms(final double ns)
    {
        return number(ns / 1e6) + " ms";
    }
}
