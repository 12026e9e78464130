package io.crashfree.loadgen.truth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Exact distinct-user sets per (release, environment) key: all users, errored users, crashed users, abnormal users, unhandled users.
 * One bitset over the user population per key and kind, allocated on first use, shared by every client thread and
 * updated with an atomic OR (a plain read first skips the atomic for users already in the set).
 */
public final class UserSets
{
    /** Every user with any acknowledged update or aggregate entry. */
    public static final int USERS = 0;
    /** Users with an errored update (errors &gt; 0 or an error status) or an entry with errors. */
    public static final int ERRORED = 1;
    /** Users with a crashed update or an entry with crashed sessions. */
    public static final int CRASHED = 2;
    /** Users with an abnormal update or an entry with abnormal sessions. */
    public static final int ABNORMAL = 3;
    /** Users with an unhandled update or an entry with unhandled sessions. */
    public static final int UNHANDLED = 4;
    /** Number of kinds. */
    public static final int KINDS = 5;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final AtomicReferenceArray<long[]> sets;
    private final int words;

    /**
     * @param keys  number of (release, environment) keys.
     * @param users size of the user population.
     */
    public UserSets(final int keys, final int users)
    {
        this.sets = new AtomicReferenceArray<>(keys * KINDS);
        this.words = (users + 63) >>> 6;
    }

    /**
     * @param key  key index.
     * @param kind {@link #USERS}, {@link #ERRORED}, {@link #CRASHED}, {@link #ABNORMAL} or {@link #UNHANDLED}.
     * @param user user index.
     */
    public void add(final int key, final int kind, final int user)
    {
        final int index = key * KINDS + kind;
        long[] set = sets.get(index);
        if (set == null)
        {
            final long[] fresh = new long[words];
            set = sets.compareAndSet(index, null, fresh) ? fresh : sets.get(index);
        }
        final int word = user >>> 6;
        final long bit = 1L << user;
        if ((set[word] & bit) == 0)
        {
            LONGS.getAndBitwiseOr(set, word, bit);
        }
    }

    /**
     * Counts a set; call after the threads that add have stopped.
     *
     * @param key  key index.
     * @param kind kind.
     * @return distinct users in it.
     */
    public long count(final int key, final int kind)
    {
        final long[] set = sets.get(key * KINDS + kind);
        if (set == null)
        {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < set.length; i++)
        {
            n += Long.bitCount((long)LONGS.getVolatile(set, i));
        }
        return n;
    }

    /**
     * Counts the union of a kind over several keys (users of a release across environments, say).
     *
     * @param keys key indexes.
     * @param kind kind.
     * @return distinct users in the union.
     */
    public long countUnion(final int[] keys, final int kind)
    {
        final long[] union = new long[words];
        for (final int key : keys)
        {
            final long[] set = sets.get(key * KINDS + kind);
            if (set != null)
            {
                for (int i = 0; i < words; i++)
                {
                    union[i] |= (long)LONGS.getVolatile(set, i);
                }
            }
        }
        long n = 0;
        for (final long w : union)
        {
            n += Long.bitCount(w);
        }
        return n;
    }
}
