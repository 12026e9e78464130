package io.crashfree.cluster;

import io.crashfree.aggregation.LocalAggregates;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.utils.Utils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Publishes this node's cumulative value of every key that changed, from the flusher's cycle (never an event loop).
 * <p>
 * Every cycle: (1) the producer's acknowledgements since the last cycle settle keys; (2) the keys folds changed are
 * taken (each fine key and its hourly roll-up); (3) up to {@code cluster.publish.max.keys.per.cycle} keys that need
 * a send are read as store + live ({@link LocalAggregates#cumulative}) and sent under one new epoch. A key stays
 * <em>unpublished</em> from its first change until an acknowledgement arrives for a send made after its last
 * change; a failed send marks it for sending again (its value then is the newer cumulative one). The first cycle
 * after start marks every key the node holds, so what a crash kept from being acknowledged goes out again.
 * <p>
 * Kafka unreachable: a failed send (the producer reports it at once when it has no metadata, or after
 * {@code delivery.timeout.ms}) stops the cycle's sends and backs off (1 s doubling to 8 s); the keys stay marked and
 * the lag shows on {@code /metrics}. Nothing is lost: the value a key is finally sent with is cumulative.
 * <p>
 * Flusher thread only, except {@link #status} (any thread) and the producer's callbacks (its I/O thread: they only
 * enqueue).
 */
public final class Publisher implements LocalAggregates.CycleListener
{
    private static final long MIN_BACKOFF_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 8_000;
    /** Records in the producer at most before sends wait for acknowledgements. */
    static final int MAX_IN_FLIGHT = 100_000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final WriterIdentity identity;
    private final int maxSendsPerCycle;
    private final Map<StoreKey, Pending> pending = new HashMap<>();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private volatile int partitions;
    private volatile boolean failedThisCycle;
    private boolean republished;
    private long backoffUntilMs;
    private long backoffMs = MIN_BACKOFF_MS;
    private volatile int inFlight; // one writer (this thread); volatile for status()
    // status, read by the metrics thread
    private volatile int unpublishedKeys;
    private volatile long oldestUnpublishedMs;
    private volatile long sentRecords;
    private volatile long sentBytes;
    private volatile long acknowledgedRecords;
    private volatile long failedSends;
    private volatile long lastFailureMs;
    private volatile String lastFailure;
    private volatile long lastCycleMs;

    private static final class Pending
    {
        final long sinceMs;
        boolean needsSend = true;
        int inFlight;

        Pending(final long sinceMs)
        {
            this.sinceMs = sinceMs;
        }
    }

    private record Ack(StoreKey key, Exception failure)
    {
    }

    /**
     * @param producer         the producer (acks=all, idempotent).
     * @param topic            the topic.
     * @param identity         this data directory's writer.
     * @param maxSendsPerCycle keys sent per cycle at most.
     */
    public Publisher(final Producer<byte[], byte[]> producer, final String topic, final WriterIdentity identity,
        final int maxSendsPerCycle)
    {
        this.producer = producer;
        this.topic = topic;
        this.identity = identity;
        this.maxSendsPerCycle = maxSendsPerCycle;
    }

    /** @param partitions the topic's partitions, once known (nothing is sent before). */
    public void partitions(final int partitions)
    {
        this.partitions = partitions;
    }

    /**
     * @param key        a bucket key.
     * @param partitions the topic's partitions.
     * @return its partition: murmur2 of the bucket key's bytes alone, as Kafka's default partitioner hashes a key, so
     *         every writer's record of one bucket lands in one partition.
     */
    public static int partitionOf(final StoreKey key, final int partitions)
    {
        return Utils.toPositive(Utils.murmur2(key.toBytes())) % partitions;
    }

    @Override
    public void onCycle(final LocalAggregates local, final long nowMs)
    {
        lastCycleMs = nowMs;
        drainAcks(nowMs);
        final long fineStart = local.fineRetentionStartSec(nowMs);
        if (!republished)
        {
            republished = true;
            for (final StoreKey key : local.allKeys(nowMs))
            {
                mark(key, nowMs);
            }
        }
        for (final StoreKey fine : local.takeChangedKeys())
        {
            if (fine.bucketSec() >= fineStart)
            {
                mark(fine, nowMs);
            }
            mark(LocalAggregates.coarseOf(fine), nowMs);
        }
        final int n = partitions;
        if (n > 0 && nowMs >= backoffUntilMs && inFlight < MAX_IN_FLIGHT)
        {
            send(local, n, fineStart, nowMs);
        }
        long oldest = Long.MAX_VALUE;
        for (final Pending p : pending.values())
        {
            oldest = Math.min(oldest, p.sinceMs);
        }
        unpublishedKeys = pending.size();
        oldestUnpublishedMs = oldest == Long.MAX_VALUE ? 0 : oldest;
    }

    private void mark(final StoreKey key, final long nowMs)
    {
        final Pending p = pending.get(key);
        if (p == null)
        {
            pending.put(key, new Pending(nowMs));
        }
        else
        {
            p.needsSend = true;
        }
    }

    private void drainAcks(final long nowMs)
    {
        boolean failed = false;
        Ack ack;
        while ((ack = acks.poll()) != null)
        {
            inFlight--;
            final Pending p = pending.get(ack.key());
            if (ack.failure() != null)
            {
                failedSends++;
                lastFailure = ack.failure().getClass().getSimpleName() + ": " + ack.failure().getMessage();
                failed = true;
                if (p != null)
                {
                    p.inFlight--;
                    p.needsSend = true;
                }
                continue;
            }
            acknowledgedRecords++;
            backoffMs = MIN_BACKOFF_MS; // Kafka answers again
            if (p != null && --p.inFlight <= 0 && !p.needsSend)
            {
                pending.remove(ack.key());
            }
        }
        if (failed)
        {
            onFailure(null, nowMs);
        }
    }

    private void send(final LocalAggregates local, final int partitionCount, final long fineStart, final long nowMs)
    {
        final List<StoreKey> batch = new ArrayList<>();
        final int room = Math.min(maxSendsPerCycle, MAX_IN_FLIGHT - inFlight);
        for (final Iterator<Map.Entry<StoreKey, Pending>> it = pending.entrySet().iterator();
            it.hasNext() && batch.size() < room; )
        {
            final Map.Entry<StoreKey, Pending> e = it.next();
            if (e.getValue().needsSend)
            {
                if (e.getKey().widthSec() == local.bucketWidthSec() && e.getKey().bucketSec() < fineStart)
                {
                    it.remove(); // past fine retention while it waited: not served anywhere, not sent
                    continue;
                }
                batch.add(e.getKey());
            }
        }
        if (batch.isEmpty())
        {
            return;
        }
        final Map<StoreKey, AggregateValue> values = local.cumulative(Set.copyOf(batch));
        final long epoch = identity.nextEpoch();
        failedThisCycle = false;
        long bytes = 0;
        int sent = 0;
        for (final StoreKey key : batch)
        {
            final AggregateValue value = values.get(key);
            final Pending p = pending.get(key);
            if (value == null)
            {
                pending.remove(key); // nothing held (retention removed it): nothing to publish
                continue;
            }
            final byte[] recordValue = PartialDescriptor.recordValue(epoch,
                local.name(key.project(), NameTable.KIND_RELEASE, key.release()),
                key.environment() == 0 ? null : local.name(key.project(), NameTable.KIND_ENVIRONMENT,
                    key.environment()),
                value.toBytes());
            final byte[] recordKey = PartialDescriptor.recordKey(key, identity.id());
            p.needsSend = false;
            p.inFlight++;
            inFlight++;
            try
            {
                producer.send(new ProducerRecord<>(topic, partitionOf(key, partitionCount), recordKey, recordValue),
                    (metadata, failure) ->
                    {
                        if (failure != null)
                        {
                            failedThisCycle = true;
                        }
                        acks.add(new Ack(key, failure));
                    });
            }
            catch (final KafkaException | IllegalStateException ex)
            {
                // not enqueued (the producer reports most failures through the callback instead)
                p.needsSend = true;
                p.inFlight--;
                inFlight--;
                onFailure(ex, nowMs);
                break;
            }
            bytes += recordKey.length + recordValue.length;
            sent++;
            if (failedThisCycle)
            {
                onFailure(null, nowMs); // no metadata or no room: the rest would wait max.block.ms each
                break;
            }
        }
        sentRecords += sent;
        sentBytes += bytes;
    }

    private void onFailure(final Exception ex, final long nowMs)
    {
        if (ex != null)
        {
            failedSends++;
            lastFailure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        lastFailureMs = nowMs;
        backoffUntilMs = nowMs + backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    /**
     * What {@code /metrics} and {@code /health} show of publishing.
     *
     * @param unpublishedKeys       keys changed and not yet acknowledged by Kafka.
     * @param oldestUnpublishedMs   when the oldest of them first changed, epoch ms (0: none).
     * @param inFlightRecords       records handed to the producer, not yet acknowledged or failed.
     * @param sentRecords           records handed to the producer since start.
     * @param sentBytes             their key and value bytes (before compression).
     * @param acknowledgedRecords   records Kafka acknowledged since start.
     * @param failedSends           sends that failed since start (each re-sent later).
     * @param lastFailure           the last failure, or null.
     * @param lastFailureMs         when it happened (0: never).
     * @param lastCycleMs           the last cycle.
     */
    public record Status(int unpublishedKeys, long oldestUnpublishedMs, int inFlightRecords, long sentRecords,
        long sentBytes, long acknowledgedRecords, long failedSends, String lastFailure, long lastFailureMs,
        long lastCycleMs)
    {
    }

    /** @return the publishing status (any thread). */
    public Status status()
    {
        return new Status(unpublishedKeys, oldestUnpublishedMs, inFlight, sentRecords, sentBytes,
            acknowledgedRecords, failedSends, lastFailure, lastFailureMs, lastCycleMs);
    }
}
