package io.crashfree.aggregation.live;

import io.crashfree.aggregation.sketch.CouponUnion;
import io.crashfree.aggregation.sketch.HllSketches;
import io.crashfree.aggregation.store.AggregateValue;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.crashfree.aggregation.sketch.UserSketches.SKETCH_USERS;
import static io.crashfree.aggregation.live.LiveTableDescriptor.sparseCapacity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accuracy promise of issue 10 on the node's own sketch path: user coupons folded into records of a real mapped
 * {@link LiveTable} with {@link LiveTable#addCoupon} (sparse coupons in the record, then a 2 KiB coupon set, then a
 * dense HLL_8 lgK 15 block), read back the way a query reads them ({@link LiveTable#rawValue} into a
 * {@link CouponUnion}) and the way the flusher does ({@link LiveTable#addTo}, the library's union).
 * <p>
 * What the code gives, and what is asserted:
 * <ul>
 *   <li>exact up to {@code sparseCapacity(SKETCH_USERS)} = 16 distinct users per record (no block yet);</li>
 *   <li>exact while the sketch is a coupon set (from the 17th user to a few hundred); before coupon sets, a dense
 *       block from the 17th user lost a user whenever two shared a register, more than 2% off between about 27 and
 *       48 users ({@code SketchOptionsBenchmark} measures it);</li>
 *   <li>from 100 users on, within 2% in at least 99% of trials (the empirical 99th percentile of the relative error
 *       is at most 2%), up to one million;</li>
 *   <li>a range is the union of its buckets' records: within the same bounds (exact while every bucket is sparse and
 *       the union holds at most 1,024 users), equal to the count of one record fed every user, never the sum.</li>
 * </ul>
 * Seeded (every run sees the same users), no timing assertions; about ten seconds on two cores.
 */
class UserCountAccuracyTest
{
    private static final long UPDATE_SEED = 9001L;
    private static final int MASK = 1 << SKETCH_USERS;
    private static final int BUCKETS = 24;
    private static final int MAX_BUCKETS_PER_USER = 4;

    @TempDir
    Path dir;

    private LiveTable table;
    private final byte[] registers = new byte[HllSketches.K];
    private final int[] coupons = new int[BlockArena.SET_SLOTS];
    private long nextRelease = 1;

    @BeforeEach
    void open()
    {
        table = new LiveTable(dir.resolve("live.dat"), 1024, new BlockArena(dir.resolve("dense.dat"), 2 * BUCKETS),
            new BlockArena(dir.resolve("sets.dat"), 2 * BUCKETS, BlockArena.SET_BLOCK_BYTES),
            LiveUsage.unlimited(1L << 30));
    }

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountUpToSixteenUsersExactlyWithoutADenseBlock()
    {
        assertEquals(16, sparseCapacity(SKETCH_USERS), "the exact threshold this test states");
        final SplittableRandom random = new SplittableRandom(10);
        for (int n = 1; n <= sparseCapacity(SKETCH_USERS); n++)
        {
            for (int t = 0; t < 200; t++)
            {
                final int off = openRecord(0);
                final long[] users = new long[n];
                for (int i = 0; i < n; i++)
                {
                    users[i] = random.nextLong();
                    addUser(off, users[i]);
                }
                for (final long user : users)
                {
                    addUser(off, user); // a user seen again in the same bucket counts once
                }
                assertEquals(0, table.denseBlocks(off) + table.setBlocks(off), "still sparse at n=" + n);
                assertEquals(n, queryEstimate(off), "query at n=" + n);
                assertEquals(n, Math.round(flushEstimate(off)), "flusher at n=" + n);
                free(off);
            }
        }
        assertEquals(2 * BUCKETS, table.arena().freeBlocks(), "no dense block was taken");
        assertEquals(2 * BUCKETS, table.sets().freeBlocks(), "no coupon set was taken");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldStayWithinTwoPercentInNinetyNinePercentOfTrialsFromOneHundredToOneMillionUsers()
    {
        // users, trials: cheap where small, 100 trials at one million (the 99th percentile is then the 2nd largest).
        final int[][] sweep = {
            { 17, 1_000 }, { 20, 1_000 }, { 30, 1_000 }, { 50, 1_000 }, { 100, 1_000 }, { 300, 1_000 },
            { 1_000, 1_000 }, { 10_000, 300 }, { 100_000, 100 }, { 1_000_000, 100 } };
        for (final int[] row : sweep)
        {
            final int n = row[0];
            final int trials = row[1];
            final SplittableRandom random = new SplittableRandom(1_000L * n);
            final double[] queryErrors = new double[trials];
            final double[] usersOff = new double[trials];
            for (int t = 0; t < trials; t++)
            {
                final int off = openRecord(0);
                for (int i = 0; i < n; i++)
                {
                    addUser(off, random.nextLong());
                }
                final boolean set = table.setBlocks(off) > 0;
                assertTrue(set || table.denseBlocks(off) > 0, "a block past 16 users, n=" + n);
                final double query = queryEstimate(off);
                if (set)
                {
                    assertEquals(n, Math.round(query), "exact while a coupon set, n=" + n);
                }
                final double flush = flushEstimate(off);
                // Both paths read the same form: a coupon set exactly (to the library's rounding), registers with the
                // library's composite estimator.
                assertEquals(query, flush, Math.max(1e-3, query * 1e-9), "query and flusher paths at n=" + n);
                queryErrors[t] = Math.abs(query - n) / n;
                usersOff[t] = Math.abs(Math.round(query) - n);
                free(off);
            }
            if (n < 100)
            {
                assertTrue(p99(usersOff) <= 1, "n=" + n + ": 99% of trials within one user, p99 off by " +
                    p99(usersOff) + " users");
            }
            else
            {
                assertTrue(p99(queryErrors) <= 0.02, "n=" + n + ": p99 relative error " + p99(queryErrors) +
                    " over " + trials + " trials");
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCountARangeAsTheUnionOfItsBucketsNeverTheSum()
    {
        // users, trials; each user is seen in 1 to 4 of 24 hourly buckets.
        final int[][] sweep = { { 10, 200 }, { 40, 200 }, { 1_000, 200 }, { 100_000, 50 }, { 1_000_000, 20 } };
        final int[] records = new int[BUCKETS];
        for (final int[] row : sweep)
        {
            final int n = row[0];
            final int trials = row[1];
            final SplittableRandom random = new SplittableRandom(7_000L * n);
            final double[] errors = new double[trials];
            for (int t = 0; t < trials; t++)
            {
                for (int b = 0; b < BUCKETS; b++)
                {
                    records[b] = openRecord(b);
                }
                final int all = openRecord(BUCKETS); // the same users in one record: what the union must equal
                for (int i = 0; i < n; i++)
                {
                    final int coupon = coupon(random.nextLong());
                    for (int r = 1 + random.nextInt(MAX_BUCKETS_PER_USER); r > 0; r--)
                    {
                        assertTrue(table.addCoupon(records[random.nextInt(BUCKETS)], SKETCH_USERS, coupon));
                    }
                    assertTrue(table.addCoupon(all, SKETCH_USERS, coupon));
                }
                final double union = queryEstimate(records);
                final double flushed = flushEstimate(records);
                errors[t] = Math.max(Math.abs(union - n), Math.abs(flushed - n)) / n;
                double sum = 0;
                boolean allExact = true;
                for (final int off : records)
                {
                    sum += queryEstimate(off);
                    allExact &= table.denseBlocks(off) == 0;
                }
                if (allExact && sum <= HllSketches.MAX_SET_COUPONS)
                {
                    assertEquals(n, union, 1e-3, "a range of sparse and coupon-set buckets is exact, n=" + n);
                    assertEquals(n, flushed, 1e-3, "the flusher's union of them too, n=" + n);
                }
                else if (table.denseBlocks(all) > 0 && !allExact)
                {
                    // A bucket's coupon lands on the same register in any form: the union is the one record.
                    assertEquals(queryEstimate(all), union, union * 1e-9, "union equals one record of all, n=" + n);
                }
                assertTrue(sum >= 1.5 * n, "the buckets overlap (sum " + sum + " for " + n + " users)");
                for (final int off : records)
                {
                    free(off);
                }
                free(all);
            }
            if (n >= 100)
            {
                assertTrue(p99(errors) <= 0.02, "n=" + n + ": union p99 relative error " + p99(errors));
            }
        }
    }

    private int openRecord(final int hour)
    {
        final int off = table.acquire(1, nextRelease++, 0, 3_600L * hour);
        assertTrue(off >= 0, "live table full: records not freed");
        return off;
    }

    private void free(final int off)
    {
        assertTrue(table.seal(off));
        table.free(off);
        table.sets().freeRetired(table.sets().detachRetired()); // what the flusher does once folds are done
    }

    private static int coupon(final long user)
    {
        final long[] hash = MurmurHash3.hash(user, UPDATE_SEED);
        return HllSketches.coupon(hash[0], hash[1]);
    }

    private void addUser(final int off, final long user)
    {
        assertTrue(table.addCoupon(off, SKETCH_USERS, coupon(user)), "a dense block was free");
    }

    /** The query's way: each record's sketch as a raw image into one {@link CouponUnion}. */
    private double queryEstimate(final int... offs)
    {
        final CouponUnion union = new CouponUnion();
        for (final int off : offs)
        {
            table.rawValue(off, registers, coupons, MASK).addImageTo(SKETCH_USERS, union);
        }
        return union.estimate();
    }

    /** The flusher's way: every record into one value, sketches through the library's union. */
    private double flushEstimate(final int... offs)
    {
        final AggregateValue value = new AggregateValue();
        for (final int off : offs)
        {
            table.addTo(off, value, registers, coupons, MASK);
        }
        return value.estimate(SKETCH_USERS);
    }

    /** @return the empirical 99th percentile (nearest rank). */
    private static double p99(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int)Math.ceil(0.99 * sorted.length) - 1];
    }
}
