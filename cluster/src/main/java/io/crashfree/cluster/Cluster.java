package io.crashfree.cluster;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.AggregationSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Cluster mode of one node: its writer identity, the publisher on the flusher's cycle, the consumer thread and the
 * merged view of the other nodes that the node's reads include.
 * <p>
 * Start after the aggregation opened; stop in this order: {@link #stopConsuming()} (nothing registers names any
 * more), the aggregation's close (its last flusher cycle publishes what changed since the one before), then
 * {@link #close()} (the producer delivers what it holds, for a few seconds at most).
 */
public final class Cluster implements AutoCloseable
{
    /** How long {@link #close()} lets the producer deliver what it holds. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final ClusterSettings settings;
    private final WriterIdentity identity;
    private final String nodeId;
    private final ClusterView view;
    private final Producer<byte[], byte[]> producer;
    private final Publisher publisher;
    private final TopicConsumer consumer;
    private final Thread consumerThread;
    private final Aggregation aggregation;
    private final LongSupplier clockMs;

    private Cluster(final ClusterSettings settings, final Aggregation aggregation,
        final AggregationSettings aggregationSettings, final LongSupplier clockMs, final Consumer<Throwable> errors,
        final Consumer<String> log)
    {
        this.settings = settings;
        this.aggregation = aggregation;
        this.clockMs = clockMs;
        this.identity = WriterIdentity.open(aggregationSettings.dataDir());
        this.nodeId = settings.nodeId().isEmpty() ? derivedNodeId(identity) : settings.nodeId();
        this.view = new ClusterView(identity.id(), aggregation.view().names(), aggregationSettings);
        final Map<String, Object> common = new HashMap<>();
        common.put("bootstrap.servers", settings.bootstrap());
        common.put("reconnect.backoff.max.ms", "1000"); // catch up within a second of Kafka's return
        this.producer = new KafkaProducer<>(producerProperties(common, nodeId));
        this.publisher = new Publisher(producer, settings.topic(), identity, settings.maxSendsPerCycle());
        this.consumer = new TopicConsumer(settings, common, nodeId, view, publisher::partitions, clockMs, log);
        this.consumerThread = new Thread(() ->
        {
            try
            {
                consumer.run();
            }
            catch (final RuntimeException | Error ex)
            {
                errors.accept(ex);
            }
        }, "crashfree-cluster-consumer");
        consumerThread.setDaemon(true);
        aggregation.view().remoteParts(view);
        aggregation.cycleListener(publisher);
        consumerThread.start();
        log.accept("cluster: node " + nodeId + " (writer " + identity.id() + ") publishes to and reads " +
            settings.topic() + " at " + settings.bootstrap() + " (cluster.kafka.bootstrap)");
    }

    /**
     * Starts cluster mode on an open aggregation.
     *
     * @param settings            the {@code cluster.*} settings (enabled).
     * @param aggregation         the node's aggregation, open.
     * @param aggregationSettings its settings (data directory, retention).
     * @param clockMs             the clock.
     * @param errors              the node's error handler (a fault of the consumer thread).
     * @param log                 start-up and state-change messages.
     * @return the running cluster mode.
     */
    public static Cluster start(final ClusterSettings settings, final Aggregation aggregation,
        final AggregationSettings aggregationSettings, final LongSupplier clockMs, final Consumer<Throwable> errors,
        final Consumer<String> log)
    {
        if (!settings.enabled())
        {
            throw new IllegalArgumentException("cluster mode is off: cluster.kafka.bootstrap is empty");
        }
        return new Cluster(settings, aggregation, aggregationSettings, clockMs, errors, log);
    }

    static Map<String, Object> producerProperties(final Map<String, Object> common, final String nodeId)
    {
        final Map<String, Object> props = new HashMap<>(common);
        props.put("client.id", "crashfree-" + nodeId + "-producer");
        props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("compression.type", "lz4");
        props.put("linger.ms", "20");
        props.put("batch.size", "262144");
        props.put("buffer.memory", String.valueOf(64L << 20));
        // The flusher thread sends: never let a send wait long for metadata or buffer room (a failed send backs off).
        props.put("max.block.ms", "250");
        props.put("request.timeout.ms", "10000");
        props.put("delivery.timeout.ms", "30000");
        return props;
    }

    private static String derivedNodeId(final WriterIdentity identity)
    {
        String host;
        try
        {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        }
        catch (final UnknownHostException ex)
        {
            host = "node";
        }
        return host + "-" + identity.id().toString().substring(0, 8);
    }

    /** Stops reading the topic (first step of a shutdown). */
    public void stopConsuming()
    {
        consumer.stop();
        try
        {
            consumerThread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
    {
        stopConsuming();
        aggregation.cycleListener(null);
        producer.close(CLOSE_TIMEOUT);
    }

    /** @return the merged view of the other nodes. */
    public ClusterView view()
    {
        return view;
    }

    /** @return this data directory's writer id. */
    public java.util.UUID writerId()
    {
        return identity.id();
    }

    /** @return this node's id. */
    public String nodeId()
    {
        return nodeId;
    }

    /** @return the settings. */
    public ClusterSettings settings()
    {
        return settings;
    }

    /**
     * What {@code /metrics} and {@code /health} show of cluster mode.
     *
     * @param publish          publishing.
     * @param consumerLag      records behind the topic's end (-1: unknown).
     * @param caughtUp         whether the consumer read the topic up to where it stood at start.
     * @param lastContactMs    when Kafka last answered the consumer, epoch ms (0: never).
     * @param consumerProblem  the last problem reaching Kafka from the consumer, or null.
     * @param records          topic records read since start.
     * @param staleRecords     of which at or below a held epoch (duplicates, replays).
     * @param ownRecords       of which this node's own.
     * @param malformedRecords of which not of this layout.
     * @param remoteKeys       bucket keys held from other nodes.
     */
    public record Status(Publisher.Status publish, long consumerLag, boolean caughtUp, long lastContactMs,
        String consumerProblem, long records, long staleRecords, long ownRecords, long malformedRecords,
        int remoteKeys)
    {
        /**
         * @param nowMs        now.
         * @param maxLagMs     the longest a key may stay unpublished, or Kafka unanswered, before the node reports
         *                     itself degraded.
         * @return why the node is degraded, or null when it is not.
         */
        public String degradedReason(final long nowMs, final long maxLagMs)
        {
            if (publish.oldestUnpublishedMs() > 0 && nowMs - publish.oldestUnpublishedMs() > maxLagMs)
            {
                return "cluster: " + publish.unpublishedKeys() + " keys not yet published to Kafka, the oldest for " +
                    (nowMs - publish.oldestUnpublishedMs()) / 1000 + " s" +
                    (publish.lastFailure() == null ? "" : " (last failure: " + publish.lastFailure() + ")");
            }
            if (lastContactMs == 0 || nowMs - lastContactMs > maxLagMs)
            {
                return "cluster: Kafka has not answered the consumer for " +
                    (lastContactMs == 0 ? "ever" : (nowMs - lastContactMs) / 1000 + " s") +
                    (consumerProblem == null ? "" : " (" + consumerProblem + ")");
            }
            if (!caughtUp)
            {
                return "cluster: still reading the topic from its beginning (" + consumerLag + " records behind)";
            }
            return null;
        }
    }

    /** @return the status (any thread). */
    public Status status()
    {
        return new Status(publisher.status(), consumer.lag(), consumer.caughtUp(), consumer.lastContactMs(),
            consumer.lastProblem(), view.records(), view.count(ClusterView.Outcome.STALE),
            view.count(ClusterView.Outcome.OWN), view.count(ClusterView.Outcome.MALFORMED), view.keys());
    }

    /** @return whether the consumer has read the topic up to where it stood at start. */
    public boolean caughtUp()
    {
        return consumer.caughtUp();
    }

    /** @return the clock this cluster mode uses. */
    LongSupplier clock()
    {
        return clockMs;
    }
}
