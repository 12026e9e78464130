package io.crashfree.aggregation.store;

import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.sketch.HllSketches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store keeps values of every size (up to four dense sketches) across a reopen, and its key index finds them.
 */
class AggregateStoreTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepSmallAndDenseValuesAcrossReopen()
    {
        final AggregateValue dense = denseValue();
        final StoreKey small = new StoreKey(1, 60, 600, 11, 0);
        final StoreKey big = new StoreKey(1, 3600, 3600, 11, 22);
        try (AggregateStore store = new AggregateStore(dir.resolve("s.cm"), 1000, 1024))
        {
            final AggregateValue v = new AggregateValue();
            v.addGeneration(5);
            store.put(small, v);
            store.put(big, dense);
        }
        try (AggregateStore store = new AggregateStore(dir.resolve("s.cm"), 1000, 1024))
        {
            assertEquals(2, store.size());
            assertTrue(store.get(small).containsGeneration(5));
            assertTrue(store.get(big).sameObservableAs(dense), store.get(big) + " vs " + dense);
            final int[] seen = { 0 };
            store.forEachInRange(1, 3600, 0, 7200, (k, v) -> seen[0]++);
            assertEquals(1, seen[0]);
        }
    }

    private AggregateValue denseValue()
    {
        try (LiveTable table = new LiveTable(dir.resolve("t.dat"), 16, new BlockArena(dir.resolve("d.dat"), 8)))
        {
            final int off = table.acquire(1, 11, 22, 3600);
            final Random random = new Random(1);
            for (int i = 0; i < 50_000; i++)
            {
                for (int s = 0; s < io.crashfree.aggregation.sketch.UserSketches.SKETCHES; s++)
                {
                    table.addCoupon(off, s, HllSketches.coupon(random.nextLong(), random.nextLong()));
                }
            }
            table.release(off, 0);
            final AggregateValue value = new AggregateValue();
            table.addTo(off, value, new byte[HllSketches.K], new int[BlockArena.SET_SLOTS], AggregateValue.ALL_SKETCHES);
            assertTrue(value.toBytes().length > 4 * 32 * 1024, "four dense sketches");
            return value;
        }
    }
}
