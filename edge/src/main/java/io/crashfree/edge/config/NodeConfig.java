package io.crashfree.edge.config;

import io.crashfree.cluster.ClusterSettings;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.live.ProjectLimits;
import io.crashfree.edge.ops.HealthBounds;
import io.crashfree.errors.forward.ForwardSettings;
import io.crashfree.filters.config.FilterSettings;
import io.crashfree.releases.config.RegistrySettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The validated configuration of a node. Built only by {@link ConfigLoader}, which rejects unknown keys and bad
 * values with a message naming the key.
 *
 * @param httpHost                  {@code edge.http.host}: address to listen on.
 * @param httpPort                  {@code edge.http.port}: port, 0 for an ephemeral one.
 * @param eventLoopThreads          {@code edge.http.event.loop.threads}: I/O threads, 0 for one per core.
 * @param idleTimeoutSeconds        {@code edge.http.idle.timeout.seconds}: a connection with no request in progress,
 *                                  or whose answers are not being read, is closed after this.
 * @param dataDir                   {@code node.data.dir}: where the node keeps its files.
 * @param health                    {@code node.health.flush.lag.max.seconds}, {@code node.health.pressure.max.seconds}:
 *                                  how far the flusher may fall behind before {@code /health} answers 503.
 * @param maxCompressedBodyBytes    {@code limits.body.compressed.max.bytes}: largest body on the wire.
 * @param maxDecompressedBodyBytes  {@code limits.body.decompressed.max.bytes}: largest body after decompression.
 * @param maxSessionItems           {@code limits.envelope.session.items}: {@code session} + {@code sessions} items
 *                                  per envelope.
 * @param maxAggregateEntries       {@code limits.sessions.aggregates}: entries per {@code sessions} item.
 * @param projects                  {@code project.<id>.name} and {@code project.<id>.keys}.
 * @param aggregation               the {@code aggregation.*} settings.
 * @param projectLimits  what each project may hold of the live side ({@code aggregation.project.*},
 *                       {@code project.<id>.limits.*}).
 * @param queryTokens               {@code query.tokens}: bearer tokens that may read the query API.
 * @param queryThreads              {@code query.threads}: threads that run queries (off the event loops).
 * @param queryCacheBytes           {@code query.cache.megabytes}: heap for the sessions query's cache of settled
 *                                  stored buckets (0 = off).
 * @param filters                   compiled {@code validation.*} and {@code project.<id>.filters.*} settings.
 * @param filterValues              those keys as given (reloads compare against them).
 * @param connectionLimits          the {@code edge.http.*} deadlines and caps of what one client may hold.
 * @param ops                       the {@code ops.*} settings: who may read {@code /metrics}, and where.
 * @param registry                  the releases registry's settings ({@code registry.*}, {@code repository.*},
 *                                  {@code notify.*}, {@code auth.token.*}), parsed by the registry's own parser.
 * @param forward                   forwarding to upstream error trackers: {@code project.<id>.upstream.dsn},
 *                                  {@code forward.spool.max.megabytes}, {@code forward.upstream.timeout.seconds},
 *                                  {@code forward.retry.max.seconds} (and {@code aggregation.sync.interval.ms}).
 * @param cluster                   cluster mode: {@code cluster.kafka.bootstrap} (empty = a single node),
 *                                  {@code cluster.node.id}, {@code cluster.kafka.topic}, {@code cluster.kafka.partitions},
 *                                  {@code cluster.kafka.replication.factor}, {@code cluster.publish.max.keys.per.cycle}.
 */
public record NodeConfig(
    String httpHost,
    int httpPort,
    int eventLoopThreads,
    int idleTimeoutSeconds,
    Path dataDir,
    HealthBounds health,
    int maxCompressedBodyBytes,
    int maxDecompressedBodyBytes,
    int maxSessionItems,
    int maxAggregateEntries,
    List<ProjectConfig> projects,
    AggregationSettings aggregation,
    ProjectLimits projectLimits,
    List<String> queryTokens,
    int queryThreads,
    long queryCacheBytes,
    FilterSettings filters,
    Map<String, String> filterValues,
    ConnectionLimits connectionLimits,
    OpsSettings ops,
    RegistrySettings registry,
    ForwardSettings forward,
    ClusterSettings cluster)
{
    /**
     * @param id project id.
     * @return the project, or null.
     */
    public ProjectConfig project(final long id)
    {
        for (final ProjectConfig p : projects)
        {
            if (p.id() == id)
            {
                return p;
            }
        }
        return null;
    }
}
