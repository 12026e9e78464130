package io.crashfree.edge;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.cluster.Cluster;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.filters.config.FilterConfigException;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.edge.http.EdgeContext;
import io.crashfree.edge.http.EdgeServer;
import io.crashfree.edge.ingest.IngestCounters;
import io.crashfree.edge.ops.NodeMetrics;
import io.crashfree.edge.registry.AdoptionMonitor;
import io.crashfree.edge.registry.IssueRecorder;
import io.crashfree.edge.registry.ReleaseSightings;
import io.crashfree.errors.forward.ForwardMetrics;
import io.crashfree.errors.forward.ForwarderAgent;
import io.crashfree.errors.forward.Spool;
import io.crashfree.releases.registry.ReleaseRegistry;
import io.crashfree.releases.config.RegistrySettings;
import io.crashfree.releases.config.RegistrySettingsParser;
import io.crashfree.releases.store.PostgresRegistryStore;
import io.crashfree.releases.store.RegistryStore;
import io.crashfree.releases.store.SqliteRegistryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A running node: the data directory, the HTTP edge, and the sink that sessions are folded into.
 * Start with {@link #start}, stop with {@link #close}. Tests start nodes in-process on port 0.
 */
public final class CrashfreeNode implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(CrashfreeNode.class);

    private final NodeConfig config;
    private final IngestCounters counters = new IngestCounters();
    private final ErrorLog errors;
    private final EdgeServer server;
    private final Aggregation aggregation;
    private final NodeMetrics metrics = new NodeMetrics();
    private final EdgeContext context;
    private final RegistryStore registryStore;
    private final ReleaseRegistry registry;
    private final java.util.concurrent.ScheduledExecutorService sightings;
    private final Spool spool;
    private final ForwarderAgent forwarder;
    private final IssueRecorder issues;
    private final Cluster cluster;
    private InetSocketAddress address;

    private CrashfreeNode(final NodeConfig config, final SessionSink sink, final Aggregation aggregation,
        final Clock clock, final ErrorLog errors)
    {
        this.config = config;
        this.aggregation = aggregation;
        this.errors = errors;
        this.registryStore = openRegistryStore(config, clock);
        try
        {
            this.registry = ReleaseRegistry.open(registryStore, config.registry().toContext(
                config.projects().stream().map(ProjectConfig::name).toList(), registryDir(config)));
        }
        catch (final java.sql.SQLException | RuntimeException ex)
        {
            registryStore.close();
            throw new IllegalStateException("cannot open the releases registry in " +
                registryStore.location() + ": " + ex.getMessage(), ex);
        }
        final ForwardMetrics forwardMetrics = new ForwardMetrics();
        this.spool = config.forward().enabled() ? openSpool(config) : null;
        this.context = new EdgeContext(config, sink, counters, errors, clock, metrics, aggregation, registry, spool,
            spool == null ? null : forwardMetrics);
        this.sightings = aggregation == null ? null : startSightings(config, aggregation, registry, clock,
            errors);
        this.server = new EdgeServer(context);
        context.health().essential("the HTTP acceptor or an event loop", server::eventLoopsRunning);
        this.cluster = aggregation != null && config.cluster().enabled() ? startCluster(config, aggregation, clock,
            errors) : null;
        if (spool != null)
        {
            // Every event loop's first segment is made here, before the node serves.
            // the events that go upstream are grouped into issues per release on the way (IssueRecorder)
            this.issues = new IssueRecorder(registry.issues(), config.registry().organization(), config.projects(),
                errors);
            metrics.issueRecorder(issues);
            this.forwarder = new ForwarderAgent(spool, config.forward(), forwardMetrics, issues,
                context.eventLoopCount(), clock::millis, errors::onError);
            forwarder.start();
            metrics.forwardMetrics(forwardMetrics);
            context.health().essential("the forwarder thread", forwarder::isRunning);
        }
        else
        {
            this.forwarder = null;
            this.issues = null;
        }
    }

    /**
     * Cluster mode: publishes this node's aggregates to Kafka from the flusher's cycle and adds the other nodes' to
     * every read. Kafka need not be up: ingest goes on locally and {@code /health} says the node is degraded.
     */
    private Cluster startCluster(final NodeConfig config, final Aggregation aggregation, final Clock clock,
        final ErrorLog errors)
    {
        final Cluster started = Cluster.start(config.cluster(), aggregation, config.aggregation(), clock::millis,
            ex -> errors.onError("cluster consumer", ex), LOG::info);
        metrics.cluster(started::status);
        // Degraded, not down: a key unpublished (or Kafka silent) for longer than cluster.health.lag.max.seconds
        // (and never less than two flush cycles, the time a change takes to go out when all is well).
        final long maxLagMs = Math.max(config.cluster().healthLagMaxMs(), 2 * config.aggregation().flushIntervalMs());
        context.health().degradedWhen(nowMs -> started.status().degradedReason(nowMs, maxLagMs));
        return started;
    }

    /**
     * The forwarding spool under the data directory ({@code spool/}): what an earlier run spooled and did not deliver
     * is sent first.
     */
    private static Spool openSpool(final NodeConfig config)
    {
        return Spool.open(config.dataDir().resolve(io.crashfree.aggregation.files.DataDirectory.SPOOL_SUBDIR),
            config.forward().spoolMaxBytes(), LOG::warn, config.forward().syncIntervalMs() > 0);
    }

    /**
     * Opens the aggregation side under the data directory (recovering it after an unclean stop) and starts serving:
     * the node as {@code bin/crashfree run} starts it.
     *
     * @param config validated configuration.
     * @param clock  wall clock.
     * @return the running node.
     * @throws InterruptedException if interrupted while binding.
     */
    public static CrashfreeNode start(final NodeConfig config, final Clock clock) throws InterruptedException
    {
        createDataDir(config);
        // One error log for every thread of the node, the flusher's included: one count, one place to look.
        final ErrorLog errors = new ErrorLog();
        final long[] projectIds = config.projects().stream().mapToLong(ProjectConfig::id).toArray();
        // The aggregation side's notes for the operator (unknown files, disk full and recovered) go to the one log.
        final Aggregation aggregation = Aggregation.open(config.aggregation(), config.projectLimits(), projectIds,
            clock::millis, ex -> errors.onError("flusher", ex), LOG::warn);
        try
        {
            return start(new CrashfreeNode(config, aggregation.sink(), aggregation, clock, errors));
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            aggregation.close();
            throw ex;
        }
    }

    /**
     * Starts serving into another sink (tests that observe the decoded sessions themselves).
     *
     * @param config validated configuration.
     * @param sink   where decoded sessions are folded.
     * @param clock  wall clock.
     * @return the running node.
     * @throws InterruptedException if interrupted while binding.
     */
    public static CrashfreeNode start(final NodeConfig config, final SessionSink sink, final Clock clock)
        throws InterruptedException
    {
        createDataDir(config);
        return start(new CrashfreeNode(config, sink, null, clock, new ErrorLog()));
    }

    private static void createDataDir(final NodeConfig config)
    {
        try
        {
            Files.createDirectories(config.dataDir());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create node.data.dir=" + config.dataDir(), ex);
        }
    }

    /**
     * The registry's database: the embedded SQLite file under the data directory, or, with
     * {@code registry.database.url}, the PostgreSQL database the cluster's nodes share (migrated at open, once however
     * many nodes start at once).
     */
    private static RegistryStore openRegistryStore(final NodeConfig config, final Clock clock)
    {
        final RegistrySettings.Database database = config.registry().database();
        if (database.embedded())
        {
            try
            {
                return SqliteRegistryStore.open(registryDir(config), clock.millis());
            }
            catch (final java.sql.SQLException ex)
            {
                throw new IllegalStateException("cannot open the releases registry in " + config.dataDir() + ": " +
                    ex.getMessage(), ex);
            }
        }
        try
        {
            final RegistryStore store = PostgresRegistryStore.open(database.url(), database.user(),
                database.password(), clock.millis());
            LOG.info("releases registry on PostgreSQL: {}", store.location());
            return store;
        }
        catch (final java.sql.SQLException ex)
        {
            throw new IllegalStateException("cannot open the releases registry on PostgreSQL (" +
                RegistrySettingsParser.DATABASE_URL_KEY + "=" + database.url().replaceAll("(?i)(password=)[^&]*",
                "$1***") + "): " + ex.getMessage() + " [SQL state " + ex.getSQLState() + "]", ex);
        }
    }

    /**
     * The releases that sessions bring are recorded in the registry off the event loops, every few seconds, by one
     * daemon thread reading the fold's name table ({@link ReleaseSightings}); the same thread looks at adoption stages
     * every {@code registry.adoption.interval.seconds} ({@link AdoptionMonitor}).
     */
    private static java.util.concurrent.ScheduledExecutorService startSightings(final NodeConfig config,
        final Aggregation aggregation, final ReleaseRegistry registry, final Clock clock, final ErrorLog errors)
    {
        final java.util.concurrent.ScheduledExecutorService executor =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r ->
            {
                final Thread t = new Thread(r, "crashfree-release-sightings");
                t.setDaemon(true);
                t.setUncaughtExceptionHandler(errors::onUncaught);
                return t;
            });
        executor.scheduleWithFixedDelay(new ReleaseSightings(registry, aggregation.view().names(), config,
            config.registry().organization(), errors), ReleaseSightings.INTERVAL_MS, ReleaseSightings.INTERVAL_MS,
            java.util.concurrent.TimeUnit.MILLISECONDS);
        final long adoptionMs = config.registry().adoptionIntervalSec() * 1000L;
        executor.scheduleWithFixedDelay(new AdoptionMonitor(registry, aggregation.view(), config.projects(),
            config.registry().organization(), clock, errors), adoptionMs, adoptionMs,
            java.util.concurrent.TimeUnit.MILLISECONDS);
        return executor;
    }

    /** The registry's database and git clones live in one subdirectory the aggregation side knows to leave alone. */
    private static Path registryDir(final NodeConfig config)
    {
        return config.dataDir().resolve(io.crashfree.aggregation.files.DataDirectory.REGISTRY_SUBDIR);
    }

    /** @return the releases registry. */
    public ReleaseRegistry registry()
    {
        return registry;
    }

    private static CrashfreeNode start(final CrashfreeNode node) throws InterruptedException
    {
        try
        {
            node.address = node.server.start();
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            node.server.close();
            node.context.close();
            node.closeForwarding();
            node.registryStore.close();
            throw ex;
        }
        return node;
    }

    /** @return the bound port. */
    public int port()
    {
        return address.getPort();
    }

    /** @return the bound address. */
    public InetSocketAddress address()
    {
        return address;
    }

    /** @return the separate ops listener's address ({@code ops.metrics.port}), or null when there is none. */
    public InetSocketAddress opsAddress()
    {
        return server.opsAddress();
    }

    /** @return "epoll" or "nio". */
    public String transport()
    {
        return server.transport();
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

    /** @return the configuration. */
    public NodeConfig config()
    {
        return config;
    }

    /**
     * Replaces the validation and inbound filter settings while the node runs; a bad setting is rejected and the old
     * settings stay in force.
     *
     * @param filterValues the filter keys ({@code validation.*}, {@code project.<id>.filters.*}) and values.
     * @return null when applied, else the message naming the bad key.
     */
    public String reloadFilters(final Map<String, String> filterValues)
    {
        try
        {
            context.filters().reload(filterValues);
            if (aggregation() != null)
            {
                aggregation().window(context.filters().current().validation().startedMaxAgeMs());
            }
            return null;
        }
        catch (final FilterConfigException ex)
        {
            metrics.onFilterReloadRejected();
            return ex.getMessage();
        }
    }

    /**
     * Watches the configuration file and reloads the filter settings whenever it changes (polling its modification
     * time once a second on a daemon thread; control plane).
     *
     * @param file the configuration file the node was started from.
     */
    public void watchConfig(final Path file)
    {
        final Thread watcher = new Thread(() ->
        {
            long seen = modified(file);
            while (!Thread.currentThread().isInterrupted())
            {
                try
                {
                    Thread.sleep(1000);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                final long now = modified(file);
                if (now != seen)
                {
                    seen = now;
                    try
                    {
                        final String problem = reloadFilters(ConfigLoader.filterValues(file));
                        if (problem == null)
                        {
                            LOG.info("filter settings reloaded from {}", file);
                        }
                        else
                        {
                            LOG.warn("filter settings rejected, the old settings stay in force: {}", problem);
                        }
                    }
                    catch (final RuntimeException ex)
                    {
                        metrics.onFilterReloadRejected();
                        LOG.warn("cannot reload {}: {}", file, ex.getMessage());
                    }
                }
            }
        }, "crashfree-config-watch");
        watcher.setDaemon(true);
        watcher.setUncaughtExceptionHandler(errors::onUncaught);
        context.health().essential("the configuration watcher", watcher::isAlive);
        watcher.start();
    }

    private static long modified(final Path file)
    {
        try
        {
            return Files.getLastModifiedTime(file).toMillis();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /** @return the operational metrics. */
    public NodeMetrics metrics()
    {
        return metrics;
    }

    /** @return the aggregation side, or null when the node was started with another sink. */
    public Aggregation aggregation()
    {
        return aggregation;
    }

    /** Stops the forwarder (after its current send) and unmaps the spool; what it holds is sent after a restart. */
    private void closeForwarding()
    {
        if (forwarder != null)
        {
            forwarder.close();
        }
        if (issues != null)
        {
            try
            {
                issues.close(); // records what it has queued before the registry closes
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (spool != null)
        {
            spool.close();
        }
    }

    /** Stops accepting, finishes in-flight requests, flushes the live aggregates and closes the files. */
    @Override
    public void close()
    {
        server.close();
        context.close();
        closeForwarding();
        if (sightings != null)
        {
            sightings.shutdownNow();
            try
            {
                sightings.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        registryStore.close();
        if (cluster != null)
        {
            cluster.stopConsuming(); // nothing registers other nodes' names in the table about to close
        }
        if (aggregation != null)
        {
            aggregation.close(); // its last cycle publishes what changed since the one before
        }
        if (cluster != null)
        {
            cluster.close(); // the producer delivers what it holds (a few seconds at most)
        }
    }

    /** @return cluster mode, or null when the node runs alone. */
    public Cluster cluster()
    {
        return cluster;
    }
}
