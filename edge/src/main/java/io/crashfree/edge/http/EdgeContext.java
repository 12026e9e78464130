package io.crashfree.edge.http;

import com.fasterxml.jackson.core.JsonFactory;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.edge.ErrorLog;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.ingest.IngestCounters;
import io.crashfree.edge.ingest.IngestWorker;
import io.crashfree.edge.ingest.ProjectDirectory;
import io.netty.util.concurrent.FastThreadLocal;

import java.time.Clock;

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

    /**
     * @param config   validated configuration.
     * @param sink     where decoded sessions go.
     * @param counters ingest counters.
     * @param errors   the node's error log.
     * @param clock    wall clock for receive times.
     */
    public EdgeContext(
        final NodeConfig config,
        final SessionSink sink,
        final IngestCounters counters,
        final ErrorLog errors,
        final Clock clock)
    {
        this.config = config;
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
                return new IngestWorker(config, jsonFactory, projects, sink, counters);
            }
        };
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

    /** @return the clock. */
    public Clock clock()
    {
        return clock;
    }
}
