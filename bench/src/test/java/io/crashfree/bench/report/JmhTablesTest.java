package io.crashfree.bench.report;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each JMH figure is judged against its issue's target, one row per case, and the ratios to the baseline of the same
 * run are written beside them. The figures are made up: this checks the judging, not the code measured.
 */
class JmhTablesTest
{
    private static final String SETTINGS = "1 fork, 5 × 1 s warm-up, 5 × 1 s measured";

    @Test
    void shouldJudgeEachFigureAgainstItsTarget()
    {
        final Object[][] rows = {
            // section, benchmark, mean ns, p50 ns, p99 ns, bytes/op, expected "met" cell
            {Section.DECODE, "EnvelopeDecodeBenchmark.streamingDecoder", 1_400.0, NaN, NaN, 0.0, "yes"},
            {Section.DECODE, "EnvelopeDecodeBenchmark.streamingDecoder", 1_600.0, NaN, NaN, 0.0, "**no**"},
            {Section.DECODE, "EnvelopeDecodeBenchmark.streamingDecoder", 1_400.0, NaN, NaN, 48.0, "**no**"},
            {Section.DECODE, "EnvelopeDecodeBenchmark.streamingDecoder", 1_400.0, NaN, NaN, 0.2, "yes"},
            {Section.DECODE, "EnvelopeDecodeBenchmark.databindBaseline", 2_556.0, NaN, NaN, 4_904.0, "—"},
            {Section.FOLD, "FoldBenchmark.oneThread", 90.0, 81.0, 180.0, 0.0, "yes"},
            {Section.FOLD, "FoldBenchmark.twoThreadsSameKey", 120.0, 110.0, 271.0, 0.0, "**no**"},
            {Section.FOLD, "FoldBenchmark.oneThread", 90.0, 81.0, 180.0, 16.0, "**no**"},
            {Section.FILTERS, "FilterChainBenchmark.filterChain", 200.0, 190.0, 400.0, 0.0, "yes"},
            {Section.FILTERS, "FilterChainBenchmark.filterChainNewAgent", 1_162.0, 630.0, 2_000.0, 0.0, "**no**"},
            {Section.FILTERS, "FilterChainBenchmark.crawlerByteMatcher", 250.0, 250.0, 300.0, 0.0, "—"},
            {Section.QUERY, "SessionsQueryBenchmark.sessions24hByRelease", 50e6, 45e6, 49e6, NaN, "yes"},
            {Section.QUERY, "SessionsQueryBenchmark.sessions24hByRelease", 60e6, 51e6, 95e6, NaN, "**no**"},
        };
        for (final Object[] row : rows)
        {
            final JmhFigure f = figure((String)row[1], (double)row[2], (double)row[3], (double)row[4],
                (double)row[5]);
            final String table = JmhTables.render((Section)row[0], List.of(f));
            final String line = table.lines().filter(l -> l.startsWith("| `" + row[1])).findFirst().orElseThrow();
            assertTrue(line.endsWith(" | " + row[6] + " |"), row[1] + " " + row[2] + " ns, " + row[3] + " ns p50, " +
                row[4] + " ns p99, " + row[5] + " B/op should be '" + row[6] + "': " + line);
        }
    }

    @Test
    void shouldCompareWithTheBaselineOfTheSameRun()
    {
        final String decode = JmhTables.render(Section.DECODE, List.of(
            figure("EnvelopeDecodeBenchmark.databindBaseline", 2_556, NaN, NaN, 4_904),
            figure("EnvelopeDecodeBenchmark.streamingDecoder", 1_896, NaN, NaN, 0),
            figure("JsonParserChoiceBenchmark.blockingParserPerEnvelope", 1_483, NaN, NaN, 848)));
        assertTrue(decode.contains("the decoder takes **0.74x** the time of jackson-databind and allocates 0 B per " +
            "envelope (databind: 4,904 B)"), decode);
        assertTrue(decode.contains("it costs **1.28x** a bare jackson-core tokenization"), decode);
        assertTrue(decode.indexOf("streamingDecoder") < decode.indexOf("databindBaseline"), "candidate first");
        assertTrue(decode.contains("JMH settings as run: " + SETTINGS + "."), decode);

        final String filters = JmhTables.render(Section.FILTERS, List.of(
            figure("FilterChainBenchmark.crawlerByteMatcher", 260, 250, 300, 0),
            figure("FilterChainBenchmark.crawlerRegexBaseline", 18_144, 14_000, 30_000, 6.6)));
        assertTrue(filters.contains("the byte matcher is **56x** faster than the regex baseline (p50; mean 70x)"),
            filters);
    }

    @Test
    void shouldReadTimesInAnyUnitAsNanoseconds()
    {
        assertEquals(1, JmhFigure.nanosPer("ns/op"));
        assertEquals(1e3, JmhFigure.nanosPer("us/op"));
        assertEquals(1e6, JmhFigure.nanosPer("ms/op"));
        assertEquals(1e9, JmhFigure.nanosPer("s/op"));
        assertEquals("FoldBenchmark.oneThread", JmhFigure.shortName("io.crashfree.bench.FoldBenchmark.oneThread"));
    }

    private static final double NaN = Double.NaN;

    private static JmhFigure figure(final String benchmark, final double meanNs, final double p50Ns, final double p99Ns,
        final double bytesPerOp)
    {
        return new JmhFigure(benchmark, Double.isNaN(p50Ns) ? Mode.AverageTime : Mode.SampleTime, 1, meanNs,
            meanNs / 20, p50Ns, p50Ns, p99Ns, p99Ns, 1000, bytesPerOp, SETTINGS);
    }
}
