package io.crashfree.bench.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading the node: Prometheus text with and without labels, sums over label sets, metrics the node does not export
 * (NaN, shown as n/a), and the RSS line of {@code /proc/<pid>/status}.
 */
class PrometheusTextTest
{
    private static final String TODAY = String.join("\n",
        "# HELP crashfree_requests_total HTTP requests answered, by route and status.",
        "# TYPE crashfree_requests_total counter",
        "crashfree_requests_total{route=\"ingest\",status=\"200\"} 8804",
        "crashfree_requests_total{route=\"ingest\",status=\"503\"} 51205",
        "crashfree_requests_total{route=\"query\",status=\"200\"} 12",
        "crashfree_errors_total 0",
        "crashfree_live_keys 1279",
        "crashfree_flush_lag_seconds 0.703",
        "crashfree_fold_latency_seconds{quantile=\"0.5\"} 2.2E-7",
        "");

    @Test
    void shouldReadTodaysMetricsAndLeaveTheMissingOnesNaN()
    {
        final PrometheusText m = PrometheusText.parse(TODAY);
        assertEquals(60_021, m.sum("crashfree_requests_total"));
        assertEquals(51_205, m.sum("crashfree_requests_total", Map.of("route", "ingest", "status", "503")));
        assertEquals(8_816, m.sum("crashfree_requests_total", "status", "200"));
        assertEquals(2.2e-7, m.sum("crashfree_fold_latency_seconds", "quantile", "0.5"));
        final NodeSample s = NodeSample.of(1 << 30, m);
        assertEquals(1279, s.liveKeys());
        assertEquals(0.703, s.flushLagSeconds());
        assertEquals(0, s.errors());
        assertEquals(51_205, s.ingest503());
        assertEquals(0, s.ingest429(), "a status the node has not answered yet is 0");
        assertTrue(Double.isNaN(s.liveMemoryBytes()) && Double.isNaN(s.liveMemoryBudgetBytes()) &&
            Double.isNaN(s.earlyFlushes()) && Double.isNaN(s.rateLimited()), "not exported yet: NaN");
        assertNull(s.scrapeError());
        assertEquals("n/a", SoakBenchmark.mib(s.liveMemoryBytes()));
        assertEquals("1,024", SoakBenchmark.mib(s.rssBytes()));
    }

    @Test
    void shouldSumEarlyFlushCausesAndReadTheNewMemoryMetrics()
    {
        final PrometheusText m = PrometheusText.parse(TODAY + String.join("\n",
            "crashfree_live_memory_bytes 104857600",
            "crashfree_live_memory_budget_bytes 268435456",
            "crashfree_early_flushes_total{cause=\"memory\"} 12",
            "crashfree_early_flushes_total{cause=\"dense-blocks\"} 3",
            "crashfree_early_flushes_total{cause=\"fill\"} 0",
            "crashfree_rate_limited_total{project=\"1\",reason=\"memory\"} 40",
            "crashfree_rate_limited_total{project=\"2\",reason=\"memory\"} 2",
            "crashfree_weird{a=\"x\\\"y\",b=\"z\"} +Inf",
            "not a sample line",
            ""));
        final NodeSample s = NodeSample.of(-1, m);
        assertEquals(104_857_600, s.liveMemoryBytes());
        assertEquals(268_435_456, s.liveMemoryBudgetBytes());
        assertEquals(15, s.earlyFlushes(), "the causes summed");
        assertEquals(42, s.rateLimited());
        assertEquals(Double.POSITIVE_INFINITY, m.sum("crashfree_weird", "a", "x\"y"), "escaped quotes in labels");
        assertEquals("n/a", SoakBenchmark.mib(s.rssBytes()));
    }

    @Test
    void shouldReadTheResidentSetOfAProcess(@TempDir final Path dir) throws Exception
    {
        final Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  944756 kB\nThreads:\t42\n");
        assertEquals(944_756L * 1024, NodeProbe.rssBytes(status));
        assertEquals(-1, NodeProbe.rssBytes(dir.resolve("missing")));
        assertTrue(NodeProbe.rssBytes(Path.of("/proc/self/status")) > 0 || !Files.exists(Path.of("/proc")),
            "this process's own RSS on Linux");
    }
}
