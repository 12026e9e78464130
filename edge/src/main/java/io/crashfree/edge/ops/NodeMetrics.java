package io.crashfree.edge.ops;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.files.StorageStatus;
import io.crashfree.aggregation.live.LiveUsage;
import io.crashfree.edge.ErrorLog;
import io.crashfree.edge.ingest.IngestCounters;
import io.crashfree.filters.DropReason;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The node's operational metrics and their Prometheus text rendering for {@code GET /metrics}.
 * <p>
 * Latencies are recorded by event loops and query threads into HdrHistogram {@link Recorder}s (wait-free for the
 * writer); a scrape moves the interval histograms into running totals and reports quantiles since start.
 */
public final class NodeMetrics
{
    private static final long HIGHEST_NANOS = 60_000_000_000L;
    private static final double[] QUANTILES = { 0.5, 0.9, 0.99, 0.999 };

    private final Recorder foldLatency = new Recorder(HIGHEST_NANOS, 2);
    private final Recorder queryLatency = new Recorder(HIGHEST_NANOS, 2);
    private final Histogram foldTotal = new Histogram(HIGHEST_NANOS, 2);
    private final Histogram queryTotal = new Histogram(HIGHEST_NANOS, 2);
    private Histogram foldInterval;
    private Histogram queryInterval;
    private final ConcurrentHashMap<String, LongAdder> otherRequests = new ConcurrentHashMap<>();
    private final LongAdder[] dropsByReason = new LongAdder[DropReason.count()];
    private final LongAdder filterReloadFailures = new LongAdder();
    private final ConnectionMetrics connections = new ConnectionMetrics();

    private volatile java.util.function.Supplier<long[]> queryCacheStats;
    private volatile io.crashfree.errors.forward.ForwardMetrics forward;
    private volatile io.crashfree.edge.registry.IssueRecorder issues;
    private volatile java.util.function.Supplier<io.crashfree.cluster.Cluster.Status> cluster;

    /** Creates empty metrics. */
    public NodeMetrics()
    {
        for (int i = 0; i < dropsByReason.length; i++)
        {
            dropsByReason[i] = new LongAdder();
        }
    }

    /** @return what the edge did to protect itself from its clients (connections, deadlines, malformed requests). */
    public ConnectionMetrics connections()
    {
        return connections;
    }

    /** @param stats the sessions query cache's hits, misses, entries and bytes (read at each scrape). */
    public void queryCacheStats(final java.util.function.Supplier<long[]> stats)
    {
        this.queryCacheStats = stats;
    }

    /** @param forward forwarding's counters, rendered with the rest (only when some project forwards). */
    public void forwardMetrics(final io.crashfree.errors.forward.ForwardMetrics forward)
    {
        this.forward = forward;
    }

    /** @param status cluster mode's status, rendered with the rest (only in cluster mode). */
    public void cluster(final java.util.function.Supplier<io.crashfree.cluster.Cluster.Status> status)
    {
        this.cluster = status;
    }

    /** @param issues the grouping of forwarded events into issues, rendered with the rest. */
    public void issueRecorder(final io.crashfree.edge.registry.IssueRecorder issues)
    {
        this.issues = issues;
    }

    /** @param nanos one envelope's fold into the aggregates. */
    public void onFold(final long nanos)
    {
        foldLatency.recordValue(Math.min(nanos, HIGHEST_NANOS));
    }

    /** @param nanos one query's execution. */
    public void onQuery(final long nanos)
    {
        queryLatency.recordValue(Math.min(nanos, HIGHEST_NANOS));
    }

    /**
     * Counts a request of a non-ingest route (ingest requests are in {@link IngestCounters}).
     *
     * @param route  {@code query}, {@code metrics}, {@code health}, {@code other}.
     * @param status HTTP status.
     */
    public void onRequest(final String route, final int status)
    {
        otherRequests.computeIfAbsent(route + '\u0000' + status, k -> new LongAdder()).increment();
    }

    /**
     * Counts dropped sessions by reason (event loops; no allocation).
     *
     * @param reason why.
     * @param count  sessions dropped.
     */
    public void onDropped(final DropReason reason, final long count)
    {
        dropsByReason[reason.id()].add(count);
    }

    /**
     * @param reason a reason.
     * @return sessions dropped for it since start.
     */
    public long dropped(final DropReason reason)
    {
        return dropsByReason[reason.id()].sum();
    }

    /** Counts a filter reload that was rejected (the old settings stayed in force). */
    public void onFilterReloadRejected()
    {
        filterReloadFailures.increment();
    }

    /**
     * Renders every metric in the Prometheus text exposition format.
     *
     * @param ingest      ingest counters.
     * @param aggregation the aggregation side (or null).
     * @param errors      the error log.
     * @param clockMs     wall clock.
     * @return the text.
     */
    public synchronized String render(final IngestCounters ingest, final Aggregation aggregation, final ErrorLog errors,
        final LongSupplier clockMs)
    {
        foldInterval = foldLatency.getIntervalHistogram(foldInterval);
        foldTotal.add(foldInterval);
        queryInterval = queryLatency.getIntervalHistogram(queryInterval);
        queryTotal.add(queryInterval);

        final StringBuilder out = new StringBuilder(4096);
        header(out, "crashfree_requests_total", "counter", "HTTP requests answered, by route and status.");
        for (final int status : new int[] { 200, 400, 401, 403, 404, 405, 413, 429, 500, 503 })
        {
            final long n = ingest.requests(status);
            if (n > 0)
            {
                out.append("crashfree_requests_total{route=\"ingest\",status=\"").append(status).append("\"} ")
                    .append(n).append('\n');
            }
        }
        final Map<String, LongAdder> sorted = new TreeMap<>(otherRequests);
        sorted.forEach((k, v) ->
        {
            final int split = k.indexOf('\u0000');
            out.append("crashfree_requests_total{route=\"").append(k, 0, split).append("\",status=\"")
                .append(k.substring(split + 1)).append("\"} ").append(v.sum()).append('\n');
        });

        header(out, "crashfree_sessions_accepted_total", "counter",
            "Sessions folded: session updates, and sessions inside sessions aggregates.");
        out.append("crashfree_sessions_accepted_total{kind=\"update\"} ").append(ingest.sessionUpdates()).append('\n');
        out.append("crashfree_sessions_accepted_total{kind=\"aggregate\"} ").append(ingest.aggregateSessions())
            .append('\n');
        header(out, "crashfree_sessions_dropped_total", "counter", "Sessions dropped, by reason.");
        final Map<String, Long> dropped = new TreeMap<>();
        for (int i = 0; i < dropsByReason.length; i++)
        {
            dropped.put(DropReason.fromId(i).metricName(), dropsByReason[i].sum());
        }
        if (aggregation != null)
        {
            dropped.merge("outside-window", aggregation.sink().droppedOutsideWindow(), Long::sum);
            dropped.merge("capacity-race", aggregation.sink().foldFailures(), Long::sum);
        }
        dropped.forEach((reason, n) -> out.append("crashfree_sessions_dropped_total{reason=\"").append(reason)
            .append("\"} ").append(n).append('\n'));
        header(out, "crashfree_rate_limited_total", "counter",
            "Envelopes answered 429, by scope (key, project) and the limit they met.");
        for (int i = 0; i < IngestCounters.LIMIT_NAMES.length; i++)
        {
            out.append("crashfree_rate_limited_total{scope=\"").append(IngestCounters.LIMIT_NAMES[i][0])
                .append("\",limit=\"").append(IngestCounters.LIMIT_NAMES[i][1]).append("\"} ")
                .append(ingest.rateLimited(i)).append('\n');
        }
        if (aggregation != null)
        {
            header(out, "crashfree_refused_busy_total", "counter",
                "Envelopes answered 503 because the node itself could not take them, by cause.");
            out.append("crashfree_refused_busy_total{cause=\"live\"} ").append(aggregation.sink().refusedFull())
                .append('\n');
            out.append("crashfree_refused_busy_total{cause=\"names\"} ")
                .append(aggregation.sink().refusedNamesFull()).append('\n');
            out.append("crashfree_refused_busy_total{cause=\"storage\"} ")
                .append(aggregation.sink().refusedStorage()).append('\n');
            final StorageStatus storage = aggregation.storage();
            header(out, "crashfree_storage_write_failures_total", "counter",
                "Failed attempts to write the node's files (disk full, a failed write), by area; the log says why.");
            for (final StorageStatus.Area area : StorageStatus.Area.values())
            {
                out.append("crashfree_storage_write_failures_total{area=\"").append(area.metricName()).append("\"} ")
                    .append(storage.failures(area)).append('\n');
            }
            header(out, "crashfree_storage_failing", "gauge",
                "1 while writing an area of the node's files fails (ingest that needs it gets 503), else 0.");
            for (final StorageStatus.Area area : StorageStatus.Area.values())
            {
                out.append("crashfree_storage_failing{area=\"").append(area.metricName()).append("\"} ")
                    .append(storage.failing(area) ? 1 : 0).append('\n');
            }
            gauge(out, "crashfree_disk_usable_bytes", "Bytes usable on the data directory's filesystem.",
                aggregation.usableDiskBytes());
        }
        counter(out, "crashfree_items_skipped_total", "Envelope items of other types, skipped.", ingest.skippedItems());
        counter(out, "crashfree_bytes_in_total", "Request body bytes received, as sent.", ingest.bytesIn());
        counter(out, "crashfree_decode_failures_total", "Bodies or envelopes that could not be decoded.",
            ingest.decodeFailures());
        counter(out, "crashfree_errors_total", "Internal faults (logged once each).", errors.errorCount());
        counter(out, "crashfree_filter_reloads_rejected_total",
            "Filter setting reloads rejected (the old settings stayed in force).", filterReloadFailures.sum());
        connections.render(out);
        final io.crashfree.errors.forward.ForwardMetrics forwarding = forward;
        if (forwarding != null)
        {
            forwarding.render(out, clockMs.getAsLong());
        }
        final io.crashfree.edge.registry.IssueRecorder grouping = issues;
        if (grouping != null)
        {
            grouping.render(out);
        }

        quantiles(out, "crashfree_fold_latency_seconds", "Time to fold one envelope into the aggregates.", foldTotal);
        quantiles(out, "crashfree_query_latency_seconds", "Time to answer one query.", queryTotal);
        final java.util.function.Supplier<long[]> cacheStats = queryCacheStats;
        if (cacheStats != null)
        {
            final long[] c = cacheStats.get();
            counter(out, "crashfree_query_cache_hits_total",
                "Sessions queries that reused their settled stored buckets from the cache.", c[0]);
            counter(out, "crashfree_query_cache_misses_total",
                "Sessions queries that read their settled stored buckets (first time, or written since).", c[1]);
            gauge(out, "crashfree_query_cache_entries", "Query shapes held in the sessions query cache.", c[2]);
            gauge(out, "crashfree_query_cache_bytes", "Heap held by the sessions query cache, roughly.", c[3]);
        }

        if (aggregation != null)
        {
            final long nowMs = clockMs.getAsLong();
            final int capacity = aggregation.table().capacity();
            final int live = aggregation.table().liveRecords();
            gauge(out, "crashfree_live_keys", "Live aggregate records holding data.", live);
            gauge(out, "crashfree_live_capacity", "Live aggregate record slots.", capacity);
            gauge(out, "crashfree_live_fill_ratio", "Live keys / capacity.", (double)live / capacity);
            gauge(out, "crashfree_dense_blocks_free", "Free dense sketch blocks.",
                aggregation.table().arena().freeBlocks());
            final var table = aggregation.table();
            long used = (long)live * LiveUsage.recordBytes() +
                (long)(table.arena().capacity() - table.arena().freeBlocks()) * table.arena().blockBytes();
            if (table.sets() != null)
            {
                used += (long)(table.sets().capacity() - table.sets().freeBlocks()) * table.sets().blockBytes();
                gauge(out, "crashfree_set_blocks_free", "Free coupon-set sketch blocks (2 KiB).",
                    table.sets().freeBlocks());
            }
            gauge(out, "crashfree_live_memory_bytes",
                "Live memory in use: records and dense sketch blocks (aggregation.live.memory.megabytes).", used);
            gauge(out, "crashfree_live_memory_budget_bytes", "The live memory budget.",
                aggregation.settings().liveBudgetBytes());
            header(out, "crashfree_project_live_memory_bytes", "gauge",
                "Live memory a project holds (records and sketch blocks); project 0 = not configured.");
            final LiveUsage usage = table.usage();
            for (int slot = 0; slot < usage.slots(); slot++)
            {
                out.append("crashfree_project_live_memory_bytes{project=\"").append(Math.max(0, usage.project(slot)))
                    .append("\"} ").append(usage.usedBytes(slot)).append('\n');
            }
            header(out, "crashfree_early_flushes_total", "counter",
                "Live records moved to the store before they were quiet, by the pressure that moved them.");
            out.append("crashfree_early_flushes_total{cause=\"records\"} ")
                .append(aggregation.flusher().earlyFlushedForRecords()).append('\n');
            out.append("crashfree_early_flushes_total{cause=\"sketches\"} ")
                .append(aggregation.flusher().earlyFlushedForSketches()).append('\n');
            out.append("crashfree_early_flushes_total{cause=\"project\"} ")
                .append(aggregation.flusher().earlyFlushedForProject()).append('\n');
            gauge(out, "crashfree_dedup_mapped_bytes",
                "Bytes of the exactly-once sets mapped (segments of the days in the window; they grow with traffic).",
                aggregation.dedup().mappedBytes());
            gauge(out, "crashfree_store_entries", "Entries in the persistent store.", aggregation.store().size());
            gauge(out, "crashfree_store_bytes", "Off-heap bytes used by the persistent store.",
                aggregation.store().offHeapBytes());
            counter(out, "crashfree_flushed_records_total", "Live records moved to the store.",
                aggregation.flusher().flushedRecords());
            final long lastCycle = aggregation.flusher().lastCycleMs();
            gauge(out, "crashfree_flush_lag_seconds", "Seconds since the flusher last completed a cycle.",
                lastCycle == 0 ? 0 : (nowMs - lastCycle) / 1000.0);
            final long oldest = aggregation.flusher().oldestUnflushedBucketSec();
            gauge(out, "crashfree_oldest_live_bucket_age_seconds",
                "Age of the oldest bucket still live (not yet due for flushing).",
                oldest == Long.MAX_VALUE ? 0 : Math.max(0, nowMs / 1000 - oldest));
        }
        final java.util.function.Supplier<io.crashfree.cluster.Cluster.Status> clusterStatus = cluster;
        if (clusterStatus != null)
        {
            renderCluster(out, clusterStatus.get(), clockMs.getAsLong());
        }
        return out.toString();
    }

    private static void renderCluster(final StringBuilder out, final io.crashfree.cluster.Cluster.Status s,
        final long nowMs)
    {
        final var p = s.publish();
        gauge(out, "crashfree_cluster_unpublished_keys",
            "Aggregate keys changed here and not yet acknowledged by Kafka (publish lag).", p.unpublishedKeys());
        gauge(out, "crashfree_cluster_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished change (0: none).",
            p.oldestUnpublishedMs() == 0 ? 0 : Math.max(0, nowMs - p.oldestUnpublishedMs()) / 1000.0);
        gauge(out, "crashfree_cluster_publish_in_flight_records", "Records handed to the producer, not yet answered.",
            p.inFlightRecords());
        counter(out, "crashfree_cluster_published_records_total", "Records handed to the producer.", p.sentRecords());
        counter(out, "crashfree_cluster_published_bytes_total", "Their key and value bytes, before compression.",
            p.sentBytes());
        counter(out, "crashfree_cluster_acknowledged_records_total", "Records Kafka acknowledged.",
            p.acknowledgedRecords());
        counter(out, "crashfree_cluster_publish_failures_total", "Sends that failed (each key is sent again).",
            p.failedSends());
        gauge(out, "crashfree_cluster_consumer_lag_records",
            "Records of the topic not yet read, over all partitions (-1: unknown).", s.consumerLag());
        gauge(out, "crashfree_cluster_consumer_last_contact_age_seconds",
            "Seconds since Kafka last answered the consumer (-1: never).",
            s.lastContactMs() == 0 ? -1 : Math.max(0, nowMs - s.lastContactMs()) / 1000.0);
        gauge(out, "crashfree_cluster_caught_up", "1 once the topic was read up to where it stood at start.",
            s.caughtUp() ? 1 : 0);
        header(out, "crashfree_cluster_consumed_records_total", "counter",
            "Topic records read, by what the merge did with them.");
        final long applied = s.records() - s.staleRecords() - s.ownRecords() - s.malformedRecords();
        out.append("crashfree_cluster_consumed_records_total{outcome=\"applied\"} ").append(applied).append('\n');
        out.append("crashfree_cluster_consumed_records_total{outcome=\"stale\"} ").append(s.staleRecords()).append('\n');
        out.append("crashfree_cluster_consumed_records_total{outcome=\"own\"} ").append(s.ownRecords()).append('\n');
        out.append("crashfree_cluster_consumed_records_total{outcome=\"malformed\"} ").append(s.malformedRecords())
            .append('\n');
        gauge(out, "crashfree_cluster_remote_keys", "Aggregate keys held from other nodes.", s.remoteKeys());
    }

    static void header(final StringBuilder out, final String name, final String type, final String help)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(final StringBuilder out, final String name, final String help, final long value)
    {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(final StringBuilder out, final String name, final String help, final double value)
    {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(value == Math.rint(value) ? String.valueOf((long)value) :
            String.valueOf(value)).append('\n');
    }

    private static void quantiles(final StringBuilder out, final String name, final String help, final Histogram h)
    {
        header(out, name, "summary", help);
        for (final double q : QUANTILES)
        {
            out.append(name).append("{quantile=\"").append(q).append("\"} ")
                .append(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(q * 100) / 1e9).append('\n');
        }
        out.append(name).append("_count ").append(h.getTotalCount()).append('\n');
    }
}
