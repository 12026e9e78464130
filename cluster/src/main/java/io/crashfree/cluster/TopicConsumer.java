package io.crashfree.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The consumer thread: makes sure the topic exists (compacted, {@code cluster.kafka.partitions}), then reads every
 * partition from the beginning, for as long as the node runs, into the {@link ClusterView}.
 * <p>
 * Partitions are assigned by hand, not through a consumer group: every node needs every partition, nothing is
 * committed, and each start rebuilds the view from the compacted topic (which holds one record per key and writer).
 * No group coordinator is involved, so there is no rebalance and no offsets topic to depend on.
 */
final class TopicConsumer implements Runnable
{
    private static final long LAG_CHECK_MS = 1_000;
    private static final long EVICT_MS = 60_000;

    private final ClusterSettings settings;
    private final Map<String, Object> clientProperties;
    private final String nodeId;
    private final ClusterView view;
    private final IntConsumer onPartitions;
    private final LongSupplier clockMs;
    private final Consumer<String> log;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    // status
    private volatile long lag = -1;
    private volatile boolean caughtUp;
    private volatile long caughtUpAtMs;
    private volatile long lastContactMs;
    private volatile String lastProblem;
    private volatile long lastRecordMs;

    TopicConsumer(final ClusterSettings settings, final Map<String, Object> clientProperties, final String nodeId,
        final ClusterView view, final IntConsumer onPartitions, final LongSupplier clockMs, final Consumer<String> log)
    {
        this.settings = settings;
        this.clientProperties = clientProperties;
        this.nodeId = nodeId;
        this.view = view;
        this.onPartitions = onPartitions;
        this.clockMs = clockMs;
        this.log = log;
    }

    @Override
    public void run()
    {
        final int partitions = awaitTopic();
        if (partitions <= 0)
        {
            return; // stopped before Kafka answered
        }
        onPartitions.accept(partitions);
        final Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put("client.id", "crashfree-" + nodeId + "-consumer");
        props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("fetch.max.wait.ms", "100"); // part of the visibility bound: flush interval + linger + this
        props.put("max.poll.records", "5000");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props))
        {
            consumer = c;
            final List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++)
            {
                all.add(new TopicPartition(settings.topic(), p));
            }
            c.assign(all);
            c.seekToBeginning(all);
            Map<TopicPartition, Long> initialEnd = null;
            long lastLagCheckMs = 0;
            long lastEvictMs = clockMs.getAsLong();
            while (running)
            {
                final ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
                final long nowMs = clockMs.getAsLong();
                for (final ConsumerRecord<byte[], byte[]> r : records)
                {
                    view.apply(r.key(), r.value(), nowMs);
                }
                if (!records.isEmpty())
                {
                    lastRecordMs = nowMs;
                }
                if (nowMs - lastLagCheckMs >= LAG_CHECK_MS)
                {
                    lastLagCheckMs = nowMs;
                    try
                    {
                        final Map<TopicPartition, Long> end = c.endOffsets(all, Duration.ofSeconds(1));
                        if (initialEnd == null)
                        {
                            initialEnd = end;
                        }
                        long behind = 0;
                        boolean reachedInitial = true;
                        for (final TopicPartition tp : all)
                        {
                            final long position = c.position(tp, Duration.ofSeconds(1));
                            behind += Math.max(0, end.get(tp) - position);
                            reachedInitial &= position >= initialEnd.get(tp);
                        }
                        lag = behind;
                        lastContactMs = nowMs;
                        if (!caughtUp && reachedInitial)
                        {
                            caughtUp = true;
                            caughtUpAtMs = nowMs;
                            log.accept("cluster: read the topic " + settings.topic() + " up to where it stood at " +
                                "start: " + view.records() + " records, " + view.keys() + " keys of other nodes");
                        }
                    }
                    catch (final org.apache.kafka.common.errors.TimeoutException ex)
                    {
                        lastProblem = "Kafka did not answer within 1 s (" + ex.getMessage() + ")";
                    }
                }
                if (nowMs - lastEvictMs >= EVICT_MS)
                {
                    lastEvictMs = nowMs;
                    view.evictExpired(nowMs);
                }
            }
        }
        catch (final WakeupException ex)
        {
            // close(): running is false
        }
        finally
        {
            consumer = null;
        }
    }

    /** Creates the topic when it is missing; retries until Kafka answers. @return its partitions (0: stopped). */
    private int awaitTopic()
    {
        final Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put("client.id", "crashfree-" + nodeId + "-admin");
        props.put("default.api.timeout.ms", "5000");
        props.put("request.timeout.ms", "3000");
        boolean warned = false;
        try (Admin admin = Admin.create(props))
        {
            while (running)
            {
                try
                {
                    final NewTopic topic = new NewTopic(settings.topic(), Optional.of(settings.partitions()),
                        settings.replicationFactor() == 0 ? Optional.empty() :
                            Optional.of((short)settings.replicationFactor()))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                    try
                    {
                        admin.createTopics(List.of(topic)).all().get(5, TimeUnit.SECONDS);
                        log.accept("cluster: created the topic " + settings.topic() + " (" + settings.partitions() +
                            " partitions, compacted)");
                    }
                    catch (final ExecutionException ex)
                    {
                        if (!(ex.getCause() instanceof TopicExistsException))
                        {
                            throw ex;
                        }
                    }
                    final TopicDescription d = admin.describeTopics(List.of(settings.topic())).allTopicNames()
                        .get(5, TimeUnit.SECONDS).get(settings.topic());
                    lastContactMs = clockMs.getAsLong();
                    if (warned)
                    {
                        log.accept("cluster: Kafka answers again at " + settings.bootstrap());
                    }
                    return d.partitions().size();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return 0;
                }
                catch (final ExecutionException | java.util.concurrent.TimeoutException |
                    org.apache.kafka.common.KafkaException ex)
                {
                    lastProblem = "cannot reach Kafka at " + settings.bootstrap() + " to open the topic " +
                        settings.topic() + ": " + (ex.getCause() != null ? ex.getCause() : ex);
                    if (!warned)
                    {
                        warned = true;
                        log.accept("cluster: " + lastProblem + "; ingest goes on locally, retrying");
                    }
                    sleep(1000);
                }
            }
        }
        return 0;
    }

    private void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the thread's loop (it wakes a blocked poll). */
    void stop()
    {
        running = false;
        final KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null)
        {
            c.wakeup();
        }
    }

    /** @return records behind the end of the topic, summed over partitions, at the last check (-1: unknown yet). */
    long lag()
    {
        return lag;
    }

    /** @return whether the consumer has read the topic up to where it stood when the node started. */
    boolean caughtUp()
    {
        return caughtUp;
    }

    /** @return when it did, epoch ms (0: not yet). */
    long caughtUpAtMs()
    {
        return caughtUpAtMs;
    }

    /** @return when Kafka last answered the consumer's side (topic, offsets), epoch ms (0: never). */
    long lastContactMs()
    {
        return lastContactMs;
    }

    /** @return the last problem reaching Kafka, or null. */
    String lastProblem()
    {
        return lastProblem;
    }

    /** @return when the last record arrived, epoch ms. */
    long lastRecordMs()
    {
        return lastRecordMs;
    }
}
