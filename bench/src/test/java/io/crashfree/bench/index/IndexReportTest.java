package io.crashfree.bench.index;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index benchmark's figures: percentiles from a histogram, medians over rounds, the table's rows. */
class IndexReportTest
{
    @Test
    void shouldReadPercentilesInMillisecondsFromNanoseconds()
    {
        final Histogram h = new Histogram(IndexClients.HIGHEST_TRACKABLE_NS, 3);
        for (int ms = 1; ms <= 100; ms++)
        {
            h.recordValue(ms * 1_000_000L);
        }
        final IndexReport.Figures f = IndexReport.Figures.of(h, 2);
        assertEquals(50, f.p50Ms(), 0.1);
        assertEquals(90, f.p90Ms(), 0.1);
        assertEquals(99, f.p99Ms(), 0.1);
        assertEquals(100, f.maxMs(), 0.1);
        assertEquals(100, f.requests());
        assertEquals(2, f.failures());
        assertTrue(Double.isNaN(IndexReport.Figures.of(new Histogram(3), 0).p99Ms()), "nothing recorded");
    }

    @Test
    void shouldTakeEachFiguresMedianOverRoundsAndSumTheCounts()
    {
        final List<IndexReport.Figures> rounds = List.of(
            new IndexReport.Figures(10, 20, 300, 400, 100, 0),
            new IndexReport.Figures(30, 40, 50, 60, 100, 1),
            new IndexReport.Figures(20, 10, 90, 500, 100, 0));
        final IndexReport.Figures m = IndexReport.median(rounds);
        assertEquals(new IndexReport.Figures(20, 20, 90, 400, 300, 1), m);
        assertEquals(30, IndexReport.median(rounds.subList(0, 2), IndexReport.Figures::p90Ms),
            "even count: the mean of the middle two");
        assertThrows(IllegalArgumentException.class, () -> IndexReport.median(List.of()));
    }

    @Test
    void shouldWriteARowWithTheRoundsAndTheTarget()
    {
        final List<IndexReport.Figures> rounds = List.of(new IndexReport.Figures(1.234, 12.5, 99.0, 150, 1200, 0),
            new IndexReport.Figures(1.5, 13, 101, 160, 1200, 3));
        final IndexReport.Figures m = IndexReport.median(rounds);
        assertEquals("| with ingest | 1.37 ms | 12.8 ms | 100 ms | 155 ms | 2,400 (3 failed) | 99.0 ms, 101 ms | yes |",
            IndexReport.row("with ingest", m, rounds, true));
        assertTrue(IndexReport.row("without", new IndexReport.Figures(1, 1, 101, 101, 1, 0), rounds, true)
            .endsWith("| **no** |"));
        assertTrue(IndexReport.row("without", m, rounds, false).endsWith("| — |"));
        assertEquals(IndexReport.header().split("\n")[0].split("\\|").length,
            IndexReport.row("x", m, rounds, false).split("\\|").length, "as many columns as the header");
    }

    @Test
    void shouldReadTheNextPartOfALinkHeader()
    {
        final String more = "<http://h/r/?cursor=100:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"100:0:1\", " +
            "<http://h/r/?cursor=100:1:0>; rel=\"next\"; results=\"true\"; cursor=\"100:1:0\"";
        assertTrue(IndexBenchmark.hasNext(more));
        assertEquals(false, IndexBenchmark.hasNext(more.replace("results=\"true\"", "results=\"false\"")));
        assertEquals(false, IndexBenchmark.hasNext(""));
    }
}
