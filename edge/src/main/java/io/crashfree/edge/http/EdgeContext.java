package io.crashfree.edge.http;

import com.fasterxml.jackson.core.JsonFactory;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.edge.ErrorLog;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.dashboard.DashboardAssets;
import io.crashfree.edge.dashboard.DashboardSettings;
import io.crashfree.edge.ingest.IngestCounters;
import io.crashfree.edge.ingest.IngestWorker;
import io.crashfree.edge.ingest.ProjectDirectory;
import io.crashfree.errors.forward.ForwardMetrics;
import io.crashfree.errors.forward.Spool;
import io.netty.util.concurrent.FastThreadLocal;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.edge.ops.HealthCheck;
import io.crashfree.edge.ops.NodeMetrics;
import io.crashfree.filters.config.FilterSettingsHolder;
import io.crashfree.aggregation.query.ReleaseHealthEngine;
import io.crashfree.edge.query.QueryService;
import io.crashfree.edge.registry.RegistryService;
import io.crashfree.releases.registry.ReleaseRegistry;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection handler shares: configuration, the sink, counters, the clock, and one
 * {@link IngestWorker} per event-loop thread.
 */
public final class EdgeContext
{
    private final NodeConfig config;
    private final IngestCounters counters;
    private final ErrorLog errors;
    private final Clock clock;
    private final FastThreadLocal<IngestWorker> workers;
    private final NodeMetrics metrics;
    private final Aggregation aggregation;
    private final QueryService queries;
    private final RegistryService registry;
    private final ExecutorService queryExecutor;
    private final FilterSettingsHolder filters;
    private final HealthCheck health;
    private final FastThreadLocal<LoopConnections> loops;
    private final int eventLoops;
    private final DashboardAssets dashboard;
    private final DashboardSettings dashboardSettings;

    /**
     * @param config   validated configuration.
     * @param sink     where decoded sessions go.
     * @param counters ingest counters.
     * @param errors   the node's error log.
     * @param clock    wall clock for receive times.
     * @param metrics  operational metrics.
     * @param aggregation the aggregation side to query, or null (then the read API answers 503).
     * @param releases the releases registry, or null (then its routes answer 503).
     * @param spool    the forwarding spool, or null when no project forwards.
     * @param forwardMetrics forwarding's counters, or null with no spool.
     */
    public EdgeContext(
        final NodeConfig config,
        final SessionSink sink,
        final IngestCounters counters,
        final ErrorLog errors,
        final Clock clock,
        final NodeMetrics metrics,
        final Aggregation aggregation,
        final ReleaseRegistry releases,
        final Spool spool,
        final ForwardMetrics forwardMetrics)
    {
        this.config = config;
        this.metrics = metrics;
        this.filters = new FilterSettingsHolder(config.filters());
        this.dashboard = DashboardAssets.load(config.registry().organization());
        this.dashboardSettings = new DashboardSettings(config);
        this.aggregation = aggregation;
        this.health = new HealthCheck(config.health(), aggregation);
        this.queries = aggregation == null ? null : new QueryService(config, aggregation);
        this.registry = releases == null ? null : new RegistryService(releases, config.registry().authorizer(),
            aggregation == null ? null : new ReleaseHealthEngine(aggregation.view(), queries.sessionsEngine()), config.projects(),
            config.queryTokens(), ingestKeys(config), clock.millis(), config.registry().healthCacheSec() * 1000L,
            clock);
        if (queries != null)
        {
            metrics.queryCacheStats(queries::cacheStats);
        }
        final AtomicInteger threadIds = new AtomicInteger();
        // Each connection has at most one query waiting (it stops reading meanwhile) and connections are capped; the
        // queue is bounded besides, so a burst of scrapes and queries gets 503s, never an unbounded backlog.
        this.queryExecutor = new ThreadPoolExecutor(config.queryThreads(), config.queryThreads(), 0,
            TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED_QUERIES), r ->
            {
                final Thread t = new Thread(r, "crashfree-query-" + threadIds.incrementAndGet());
                t.setDaemon(true);
                t.setUncaughtExceptionHandler(errors::onUncaught);
                return t;
            });
        this.eventLoops = config.eventLoopThreads() == 0 ?
            Runtime.getRuntime().availableProcessors() : config.eventLoopThreads();
        this.loops = new FastThreadLocal<>()
        {
            @Override
            protected LoopConnections initialValue()
            {
                return new LoopConnections(config.connectionLimits(), config.idleTimeoutSeconds(), eventLoops,
                    metrics.connections());
            }
        };
        this.counters = counters;
        this.errors = errors;
        this.clock = clock;
        final JsonFactory jsonFactory = new JsonFactory();
        final ProjectDirectory projects = new ProjectDirectory(config.projects());
        this.workers = new FastThreadLocal<>()
        {
            @Override
            protected IngestWorker initialValue()
            {
                return new IngestWorker(config, jsonFactory, projects, sink, counters, metrics, filters, spool,
                    forwardMetrics);
            }
        };
    }

    /** Queries and scrapes waiting for a query thread; past it, {@code 503}. */
    static final int MAX_QUEUED_QUERIES = 1024;

    /** @return the calling event loop's connections (deadlines, body budget). */
    LoopConnections loopConnections()
    {
        return loops.get();
    }

    /** @return the number of event loops (each appends to the forwarding spool through its own writer). */
    public int eventLoopCount()
    {
        return eventLoops;
    }

    /** @return the number of event loops. */
    int eventLoops()
    {
        return eventLoops;
    }

    /** @return the calling event loop's worker. */
    IngestWorker worker()
    {
        return workers.get();
    }

    /** @return the configuration. */
    public NodeConfig config()
    {
        return config;
    }

    /** @return the ingest counters. */
    public IngestCounters counters()
    {
        return counters;
    }

    /** @return the error log. */
    public ErrorLog errors()
    {
        return errors;
    }

    /** @return the filter settings in force (swapped atomically on reload). */
    public FilterSettingsHolder filters()
    {
        return filters;
    }

    /** @return the operational metrics. */
    public NodeMetrics metrics()
    {
        return metrics;
    }

    /** @return what {@code GET /health} answers (the node adds its essential threads). */
    public HealthCheck health()
    {
        return health;
    }

    /** @return the read API, or null when the node has no aggregation side. */
    QueryService queries()
    {
        return queries;
    }

    private static java.util.Set<String> ingestKeys(final NodeConfig config)
    {
        final java.util.Set<String> keys = new java.util.HashSet<>();
        for (final io.crashfree.edge.config.ProjectConfig p : config.projects())
        {
            keys.addAll(p.publicKeys());
        }
        return keys;
    }

    /** @return the releases registry's routes, or null when the node has none. */
    RegistryService registry()
    {
        return registry;
    }

    /** @return the dashboard's files, in memory. */
    DashboardAssets dashboard()
    {
        return dashboard;
    }

    /** @return the dashboard's settings endpoint. */
    DashboardSettings dashboardSettings()
    {
        return dashboardSettings;
    }

    /** @return the aggregation side, or null. */
    Aggregation aggregation()
    {
        return aggregation;
    }

    /** @return the threads that run queries and scrapes. */
    ExecutorService queryExecutor()
    {
        return queryExecutor;
    }

    /** Stops the query threads. */
    public void close()
    {
        queryExecutor.shutdownNow();
    }

    /** @return the clock. */
    public Clock clock()
    {
        return clock;
    }
}
