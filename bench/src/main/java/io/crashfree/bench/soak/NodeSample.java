package io.crashfree.bench.soak;

/**
 * What the node said about itself at one moment: its process's resident memory and the metrics the soak follows.
 * NaN (or -1 for the RSS) means the node did not say: a metric it does not export, or a scrape that failed.
 *
 * @param rssBytes              the node process's resident set ({@code VmRSS} of {@code /proc/<pid>/status}), or -1.
 * @param liveMemoryBytes       {@code crashfree_live_memory_bytes}.
 * @param liveMemoryBudgetBytes {@code crashfree_live_memory_budget_bytes}.
 * @param earlyFlushes          {@code crashfree_early_flushes_total}, summed over its causes.
 * @param flushLagSeconds       {@code crashfree_flush_lag_seconds}.
 * @param liveKeys              {@code crashfree_live_keys}.
 * @param errors                {@code crashfree_errors_total}.
 * @param rateLimited           {@code crashfree_rate_limited_total}, summed over its labels.
 * @param ingest429             {@code crashfree_requests_total{route="ingest",status="429"}}.
 * @param ingest503             {@code crashfree_requests_total{route="ingest",status="503"}}.
 * @param scrapeError           why {@code /metrics} could not be read, or null.
 */
public record NodeSample(long rssBytes, double liveMemoryBytes, double liveMemoryBudgetBytes, double earlyFlushes,
    double flushLagSeconds, double liveKeys, double errors, double rateLimited, double ingest429, double ingest503,
    String scrapeError)
{
    /** Live memory in use. */
    public static final String LIVE_MEMORY = "crashfree_live_memory_bytes";
    /** Live memory allowed. */
    public static final String LIVE_MEMORY_BUDGET = "crashfree_live_memory_budget_bytes";
    /** Flushes before a bucket went quiet, by cause. */
    public static final String EARLY_FLUSHES = "crashfree_early_flushes_total";
    /** Seconds since the flusher last completed a cycle. */
    public static final String FLUSH_LAG = "crashfree_flush_lag_seconds";
    /** Live records holding data. */
    public static final String LIVE_KEYS = "crashfree_live_keys";
    /** Internal faults. */
    public static final String ERRORS = "crashfree_errors_total";
    /** Requests refused by rate limiting. */
    public static final String RATE_LIMITED = "crashfree_rate_limited_total";
    /** Requests by route and status. */
    public static final String REQUESTS = "crashfree_requests_total";

    /**
     * @param rssBytes the process's resident set, or -1.
     * @param metrics  the parsed {@code /metrics} answer.
     * @return the sample.
     */
    public static NodeSample of(final long rssBytes, final PrometheusText metrics)
    {
        return new NodeSample(rssBytes, metrics.sum(LIVE_MEMORY), metrics.sum(LIVE_MEMORY_BUDGET),
            metrics.sum(EARLY_FLUSHES), metrics.sum(FLUSH_LAG), metrics.sum(LIVE_KEYS), metrics.sum(ERRORS),
            metrics.sum(RATE_LIMITED), ingest(metrics, "429"), ingest(metrics, "503"), null);
    }

    /**
     * @param rssBytes the process's resident set, or -1.
     * @param error    why the metrics could not be read.
     * @return a sample with the RSS only.
     */
    public static NodeSample unreadable(final long rssBytes, final String error)
    {
        return new NodeSample(rssBytes, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, error);
    }

    private static double ingest(final PrometheusText metrics, final String status)
    {
        final double v = metrics.sum(REQUESTS, java.util.Map.of("route", "ingest", "status", status));
        // The node lists only statuses it has answered; an absent one is 0 when the family itself is there.
        return Double.isNaN(v) && !Double.isNaN(metrics.sum(REQUESTS)) ? 0 : v;
    }
}
