package io.crashfree.cluster;

import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The merge against a plain model: whatever order, duplication and staleness the records arrive with, the view holds
 * each writer's highest epoch, sums counters across writers and skips its own writer.
 */
class ClusterViewTest
{
    @TempDir
    Path dir;

    private static final long NOW_MS = 1_764_600_000_000L;
    private static final StoreKey KEY = new StoreKey(42, 60, NOW_MS / 1000 / 60 * 60 - 600, 7, 0);

    private static byte[] record(final long epoch, final long sessions)
    {
        final AggregateValue v = new AggregateValue();
        v.addCounter(AggregateValue.SESSIONS_INDEX, sessions);
        return PartialDescriptor.recordValue(epoch, "app@1.0", null, v.toBytes());
    }

    private long sessions(final ClusterView view)
    {
        final long[] sum = { 0 };
        view.forEachPart(42, 60, KEY.bucketSec(), KEY.bucketSec() + 60, AggregateValue.ALL_SKETCHES, false,
            (key, value) -> sum[0] += value.sessions());
        return sum[0];
    }

    @Test
    void shouldKeepTheHighestEpochPerWriterWhateverTheOrderDuplicatesAndStaleResends()
    {
        final Random random = new Random(15);
        final UUID self = UUID.randomUUID();
        final List<UUID> writers = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (int trial = 0; trial < 200; trial++)
        {
            final List<byte[][]> records = new ArrayList<>();
            long expected = 0;
            for (final UUID w : writers)
            {
                final int epochs = 1 + random.nextInt(6);
                long cumulative = 0;
                for (int e = 1; e <= epochs; e++)
                {
                    cumulative += random.nextInt(100);
                    final byte[][] r = { PartialDescriptor.recordKey(KEY, w), record(e * 10L, cumulative) };
                    records.add(r);
                    if (random.nextBoolean())
                    {
                        records.add(r); // a duplicate
                    }
                }
                expected += cumulative;
            }
            records.add(new byte[][] { PartialDescriptor.recordKey(KEY, self), record(1_000, 1_000_000) });
            Collections.shuffle(records, random);
            final ClusterView view = new ClusterView(self, null, AggregationSettings.defaults(dir));
            for (final byte[][] r : records)
            {
                view.apply(r[0], r[1], NOW_MS);
            }
            assertEquals(expected, sessions(view), "trial " + trial);
            assertEquals(1, view.count(ClusterView.Outcome.OWN), "own record skipped");
        }
    }

    @Test
    void shouldCountMalformedRecordsWithoutThrowing()
    {
        final ClusterView view = new ClusterView(UUID.randomUUID(), null, AggregationSettings.defaults(dir));
        final byte[] key = PartialDescriptor.recordKey(KEY, UUID.randomUUID());
        final byte[] good = record(5, 3);
        final byte[][] bad = { new byte[0], new byte[] { 9, 0, 0 }, java.util.Arrays.copyOf(good, good.length - 1),
            java.util.Arrays.copyOf(good, good.length + 3) };
        for (final byte[] value : bad)
        {
            assertEquals(ClusterView.Outcome.MALFORMED, view.apply(key, value, NOW_MS));
        }
        assertEquals(ClusterView.Outcome.MALFORMED, view.apply(new byte[3], good, NOW_MS));
        assertEquals(ClusterView.Outcome.MALFORMED, view.apply(key, null, NOW_MS));
        assertNull(PartialDescriptor.decode(key, new byte[20]));
        assertEquals(ClusterView.Outcome.APPLIED, view.apply(key, good, NOW_MS));
        assertEquals(3, sessions(view));
    }

    @Test
    void shouldHandOutEpochsAboveEveryEarlierOneAcrossRestarts()
    {
        long last = 0;
        UUID id = null;
        for (int run = 0; run < 4; run++)
        {
            final WriterIdentity identity = WriterIdentity.open(dir);
            if (id != null)
            {
                assertEquals(id, identity.id(), "the writer is the data directory");
            }
            id = identity.id();
            for (int i = 0; i < 1000 + run * 70_000; i++)
            {
                final long epoch = identity.nextEpoch();
                if (epoch <= last)
                {
                    throw new AssertionError("epoch " + epoch + " after " + last + " in run " + run);
                }
                last = epoch;
            }
        }
    }

    @Test
    void shouldRejectBadClusterSettingsNamingTheKey()
    {
        final String[][] rows = {
            { "cluster.kafka.bootstrap", "not a host", "cluster.kafka.bootstrap=not a host" },
            { "cluster.kafka.partitions", "0", "cluster.kafka.partitions=0" },
            { "cluster.kafka.topic", "a/b", "cluster.kafka.topic=a/b" },
            { "cluster.node.id", "has space", "cluster.node.id=has space" },
            { "cluster.nope", "1", "unknown configuration key: cluster.nope" },
        };
        for (final String[] row : rows)
        {
            final ClusterConfigException ex = org.junit.jupiter.api.Assertions.assertThrows(ClusterConfigException.class,
                () -> ClusterSettings.parse(java.util.Map.of(row[0], row[1])), row[0]);
            org.junit.jupiter.api.Assertions.assertTrue(ex.getMessage().contains(row[2]), ex.getMessage());
        }
        assertEquals(false, ClusterSettings.off().enabled());
        assertEquals(true, ClusterSettings.parse(java.util.Map.of("cluster.kafka.bootstrap", "127.0.0.1:9092,k2:9092"))
            .enabled());
    }
}
