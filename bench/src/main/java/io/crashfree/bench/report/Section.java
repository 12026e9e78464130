package io.crashfree.bench.report;

/**
 * The sections of BENCHMARKS.md that the report driver writes, in the order it runs them. Each owns one generated
 * block, between {@code <!-- generated:ID begin -->} and {@code <!-- generated:ID end -->}.
 */
public enum Section
{
    /** Envelope decoding against jackson-databind and bare tokenization (issue 2), JMH with {@code -prof gc}. */
    DECODE("decode", "envelope decoding", "EnvelopeDecodeBenchmark|JsonParserChoiceBenchmark", true),
    /** Folding one session into a warm key (issue 3), JMH with {@code -prof gc}. */
    FOLD("fold", "folding sessions into the live table", "FoldBenchmark", true),
    /** Flushing 100,000 keys while one thread folds beside it (issue 3), a one-shot in child JVMs, ZGC and G1. */
    FLUSH("flush", "flushing 100,000 keys", null, false),
    /** The validation and inbound filter chain (issue 5), JMH with {@code -prof gc}. */
    FILTERS("filters", "validation and inbound filters", "FilterChainBenchmark", true),
    /** The 24 h by-release sessions query on its own (issue 4), JMH. */
    QUERY("query", "sessions query on its own", "SessionsQueryBenchmark", false),
    /** The node against a bare Netty server (issue 6), {@code bin/crashfree bench e2e}'s scenarios. */
    E2E("e2e", "end to end, node against bare Netty", null, false),
    /** The sessions query while ingest runs at half its maximum rate (issue 4), a one-shot in a child JVM. */
    QUERY_LOAD("query-load", "sessions query under ingest load", null, false),
    /** Ten minutes of the realistic workload at half the node's maximum rate (issue 10), {@code bench soak}. */
    SOAK("soak", "soak at half the maximum rate", null, false);

    private final String id;
    private final String title;
    private final String jmhInclude;
    private final boolean gcProfiler;

    Section(final String id, final String title, final String jmhInclude, final boolean gcProfiler)
    {
        this.id = id;
        this.title = title;
        this.jmhInclude = jmhInclude;
        this.gcProfiler = gcProfiler;
    }

    /** @return the name on the command line ({@code --only}) and in the block markers. */
    public String id()
    {
        return id;
    }

    /** @return what it measures, for progress messages. */
    public String title()
    {
        return title;
    }

    /** @return the JMH include regex of its benchmarks, or null when the section is not JMH. */
    public String jmhInclude()
    {
        return jmhInclude;
    }

    /** @return whether its JMH run adds {@code -prof gc} (allocation per operation). */
    public boolean gcProfiler()
    {
        return gcProfiler;
    }

    /**
     * @param id a command-line name.
     * @return the section, or null.
     */
    public static Section byId(final String id)
    {
        for (final Section s : values())
        {
            if (s.id.equals(id))
            {
                return s;
            }
        }
        return null;
    }

    /** @return every id, comma-separated, for messages. */
    public static String ids()
    {
        final StringBuilder b = new StringBuilder();
        for (final Section s : values())
        {
            b.append(b.length() == 0 ? "" : ",").append(s.id);
        }
        return b.toString();
    }
}
