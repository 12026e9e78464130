package io.crashfree.aggregation.store;

import io.crashfree.aggregation.session.DurationHistogram;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stored form is what {@link AggregateValueDescriptor} documents, byte by byte. */
class AggregateValueDescriptorTest
{
    @Test
    void shouldLayOutTheStoredFormAsDocumented()
    {
        final AggregateValue value = new AggregateValue();
        for (int i = 0; i < AggregateValue.COUNTERS; i++)
        {
            value.addCounter(i, 100 + i);
        }
        final int[] buckets = new int[DurationHistogram.DURATION_BUCKET_COUNT];
        buckets[3] = 7;
        value.addDurations(7, 7000, 1500, buckets);
        value.addGeneration(41);
        value.addGeneration(42);
        final byte[] bytes = value.toBytes();
        final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(AggregateValueDescriptor.FORMAT_VERSION, b.get(AggregateValueDescriptor.VERSION_OFFSET));
        for (int i = 0; i < AggregateValue.COUNTERS; i++)
        {
            assertEquals(100 + i, b.getLong(AggregateValueDescriptor.COUNTERS_OFFSET + 8 * i));
        }
        assertEquals(7, b.getLong(AggregateValueDescriptor.DURATIONS_OFFSET));
        assertEquals(7000, b.getLong(AggregateValueDescriptor.DURATIONS_OFFSET + 8));
        assertEquals(1500, b.getLong(AggregateValueDescriptor.DURATIONS_OFFSET + 16));
        assertEquals(7, b.getLong(AggregateValueDescriptor.DURATION_BUCKETS_OFFSET + 8 * 3));
        assertEquals(329, AggregateValueDescriptor.GENERATION_COUNT_OFFSET);
        assertEquals(2, b.getInt(AggregateValueDescriptor.GENERATION_COUNT_OFFSET));
        assertEquals(41, b.getLong(AggregateValueDescriptor.GENERATIONS_OFFSET));
        assertEquals(42, b.getLong(AggregateValueDescriptor.GENERATIONS_OFFSET + 8));
        final int sketches = AggregateValueDescriptor.sketchesOffset(2);
        for (int s = 0; s < AggregateValueDescriptor.SKETCHES; s++)
        {
            assertEquals(0, b.getInt(sketches + 4 * s), "empty sketch " + s);
        }
        assertEquals(sketches + 4 * AggregateValueDescriptor.SKETCHES, bytes.length);
        assertEquals(true, AggregateValue.fromBytes(bytes).sameObservableAs(value));
    }
}
