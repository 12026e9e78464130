package io.crashfree.loadgen.truth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user sets against a plain {@code HashSet} model: exact counts and unions for every set size (tables that grow,
 * tables that become bitsets), with four threads adding at once; and memory that follows the users seen, not the
 * population.
 */
@Timeout(60)
class UserSetsTest
{
    @Test
    void shouldCountExactlyWhileFourThreadsAddAndTablesGrow() throws Exception
    {
        final int[] populations = {8, 1000, 1_000_000};
        for (final int population : populations)
        {
            final int keys = 6;
            final UserSets sets = new UserSets(keys, population);
            // Key k receives up to 10^k distinct users (capped by the population), so every form is crossed.
            final int threads = 4;
            final CountDownLatch start = new CountDownLatch(1);
            final CountDownLatch done = new CountDownLatch(threads);
            final List<List<Set<Integer>>> models = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final List<Set<Integer>> model = new ArrayList<>();
                for (int k = 0; k < keys; k++)
                {
                    model.add(new HashSet<>());
                }
                models.add(model);
                final int seed = t;
                new Thread(() ->
                {
                    try
                    {
                        start.await();
                        final SplittableRandom random = new SplittableRandom(seed * 31L + population);
                        for (int i = 0; i < 150_000; i++)
                        {
                            final int k = random.nextInt(keys);
                            final int span = (int)Math.min(population, Math.pow(10, k));
                            final int user = random.nextInt(span);
                            sets.add(k, UserSets.CRASHED, user);
                            model.get(k).add(user);
                        }
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                    finally
                    {
                        done.countDown();
                    }
                }).start();
            }
            start.countDown();
            assertTrue(done.await(50, TimeUnit.SECONDS), "the threads finished");
            final Set<Integer> union = new HashSet<>();
            final int[] all = new int[keys];
            for (int k = 0; k < keys; k++)
            {
                final Set<Integer> expected = new HashSet<>();
                for (final List<Set<Integer>> m : models)
                {
                    expected.addAll(m.get(k));
                }
                union.addAll(expected);
                all[k] = k;
                assertEquals(expected.size(), sets.count(k, UserSets.CRASHED), "population " + population + " key " +
                    k);
                assertEquals(0, sets.count(k, UserSets.USERS), "other kinds stay empty");
            }
            assertEquals(union.size(), sets.countUnion(all, UserSets.CRASHED), "union, population " + population);
        }
    }

    @Test
    void shouldTakeMemoryForTheUsersSeenNotThePopulation()
    {
        final int keys = 1800;
        final UserSets sets = new UserSets(keys, 1_000_000);
        for (int k = 0; k < keys; k++)
        {
            for (int u = 0; u < 100; u++)
            {
                sets.add(k, UserSets.USERS, (k * 7919 + u * 104_729) % 1_000_000);
            }
        }
        assertTrue(sets.bytes() <= keys * 1024L, "100 users per key cost a 1 KiB table each: " + sets.bytes());
        for (int u = 0; u < 1_000_000; u += 3)
        {
            sets.add(0, UserSets.USERS, u);
        }
        assertEquals(333_334 + 100 - overlap(), sets.count(0, UserSets.USERS));
        assertTrue(sets.bytes() < keys * 1024L + 130_000, "a dense key is one bitset: " + sets.bytes());
    }

    private static int overlap()
    {
        int n = 0;
        for (int u = 0; u < 100; u++)
        {
            n += ((u * 104_729) % 1_000_000) % 3 == 0 ? 1 : 0;
        }
        return n;
    }
}
