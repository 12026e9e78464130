package io.crashfree.aggregation.live;

import io.crashfree.aggregation.sketch.HllSketches;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;

import static io.crashfree.aggregation.sketch.UserSketches.SKETCH_USERS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record's user sketch grows sparse → coupon set (2 KiB) → dense (32 KiB), lock-free: exact while it is a set,
 * and never losing a coupon to a promotion racing other writers.
 */
class LiveTableSketchFormsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCountExactlyThroughTheCouponSetAndGoDenseOnlyPastIt()
    {
        try (LiveTable table = table())
        {
            final int off = table.acquire(1, 2, 3, 60);
            final int[] coupons = coupons(1, 1000);
            int promotedAt = -1;
            for (int n = 1; n <= coupons.length; n++)
            {
                table.addCoupon(off, SKETCH_USERS, coupons[n - 1]);
                final double estimate = estimate(table, off);
                if (table.denseBlocks(off) == 0)
                {
                    assertEquals(n, estimate, 1e-3, "exact while sparse or a coupon set, at " + n);
                    assertEquals(n > 16 ? 1 : 0, table.setBlocks(off), "a set past the record's 16 coupons");
                }
                else if (promotedAt < 0)
                {
                    promotedAt = n;
                }
            }
            assertTrue(promotedAt > 250 && promotedAt <= BlockArena.SET_SLOTS, "dense past a few hundred users: " +
                promotedAt);
            assertEquals(1, table.sets().retiredBlocks(), "the replaced set waits for the flusher");
            assertEquals(0, table.setBlocks(off));
        }
    }

    @Test
    void shouldLoseNoCouponWhenWritersRacePromotions() throws Exception
    {
        for (final int distinct : new int[] { 40, 300, 5000 })
        {
            try (LiveTable table = table())
            {
                final int off = table.acquire(1, 2, 3, distinct);
                final int[] coupons = coupons(distinct, distinct);
                final int threads = 4;
                final CyclicBarrier start = new CyclicBarrier(threads);
                final List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++)
                {
                    final List<Integer> mine = new ArrayList<>();
                    for (final int c : coupons)
                    {
                        mine.add(c);
                    }
                    Collections.shuffle(mine, new Random(t));
                    final Thread w = new Thread(() ->
                    {
                        try
                        {
                            start.await();
                        }
                        catch (final Exception ex)
                        {
                            throw new IllegalStateException(ex);
                        }
                        for (final int c : mine)
                        {
                            assertTrue(table.addCoupon(off, SKETCH_USERS, c));
                        }
                    });
                    workers.add(w);
                    w.start();
                }
                for (final Thread w : workers)
                {
                    w.join();
                }
                final byte[] expected = new byte[HllSketches.K];
                for (final int c : coupons)
                {
                    HllSketches.applyCoupon(expected, c);
                }
                if (table.denseBlocks(off) > 0)
                {
                    final byte[] registers = new byte[HllSketches.K];
                    table.sketchImage(off, SKETCH_USERS, registers, new int[BlockArena.SET_SLOTS]);
                    assertArrayEquals(expected, registers, distinct + " coupons: registers of every one");
                }
                else
                {
                    assertEquals(distinct, estimate(table, off), 1e-3, distinct + " coupons, counted exactly");
                }
            }
        }
    }

    @Test
    void shouldFreeEveryBlockOfARecordAndRecountThemAtRestart()
    {
        final int setsFree;
        final int denseFree;
        try (LiveTable table = table())
        {
            setsFree = table.sets().freeBlocks();
            denseFree = table.arena().freeBlocks();
            final int small = table.acquire(1, 2, 3, 60);
            final int big = table.acquire(1, 2, 3, 120);
            for (final int c : coupons(3, 100))
            {
                table.addCoupon(small, SKETCH_USERS, c);
            }
            for (final int c : coupons(4, 2000))
            {
                table.addCoupon(big, SKETCH_USERS, c);
            }
            assertEquals(setsFree - 2, table.sets().freeBlocks(), "two sets taken, one of them retired");
            assertEquals(1, table.sets().retiredBlocks());
            assertEquals(denseFree - 1, table.arena().freeBlocks());
        }
        try (LiveTable table = table())
        {
            assertEquals(setsFree - 1, table.sets().freeBlocks(), "restart: the retired set is free again");
            assertEquals(0, table.sets().retiredBlocks());
            assertEquals(denseFree - 1, table.arena().freeBlocks());
            for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
            {
                final int off = LiveTable.recordOffset(i);
                table.seal(off);
                table.free(off);
            }
            assertEquals(setsFree, table.sets().freeBlocks());
            assertEquals(denseFree, table.arena().freeBlocks());
        }
    }

    private LiveTable table()
    {
        return new LiveTable(dir.resolve("t.dat"), 64, new BlockArena(dir.resolve("d.dat"), 8),
            new BlockArena(dir.resolve("s.dat"), 32, BlockArena.SET_BLOCK_BYTES), LiveUsage.unlimited(1L << 30));
    }

    private static double estimate(final LiveTable table, final int off)
    {
        final byte[] image = table.sketchImage(off, SKETCH_USERS, new byte[HllSketches.K],
            new int[BlockArena.SET_SLOTS]);
        return image == null ? 0 : HllSketch.heapify(image).getEstimate();
    }

    private static int[] coupons(final long seed, final int n)
    {
        final Set<Integer> seen = new HashSet<>();
        final int[] out = new int[n];
        int i = 0;
        for (long x = seed * 1_000_000_007L; i < n; x++)
        {
            final long[] h = MurmurHash3.hash(new long[] { x }, 9001);
            final int c = HllSketches.coupon(h[0], h[1]);
            if (seen.add(c))
            {
                out[i++] = c;
            }
        }
        return out;
    }
}
