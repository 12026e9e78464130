package io.crashfree.loadgen.truth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Exact distinct-user sets per key (project, release, environment): all users, errored users, crashed users, abnormal
 * users, unhandled users. Shared by every client thread, lock-free.
 * <p>
 * Memory follows the users actually seen, not the population: a set starts as a small open-addressing table of user
 * indexes (4 bytes a slot, at most half full) and doubles as it fills; once a table would take as many bytes as a
 * bitset over the whole population, it becomes that bitset (one bit per user). With a million users a set holds up to
 * 8,192 users in tables (at most 64 KiB) and costs 122 KiB as a bitset, so 1,800 keys × 5 kinds cost what their users
 * need, not 1.1 GB of bitsets.
 * <p>
 * Growth without locks: the thread whose insert fills a table to its threshold builds the next form, publishes it
 * with a CAS on the set's slot, then copies the old table into it. Every other insert re-reads the slot after its own
 * CAS into a table and, when the table was replaced meanwhile, adds the user to the new form too: either its value was
 * in the old table before the copier read that slot (copied), or the copier had already published the new form
 * before the insert's re-read (added again). Counts are read after the threads stopped.
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

    private static final int FIRST_TABLE_SLOTS = 64;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    /** Each element is null, a {@link Table} or a {@code long[]} bitset. */
    private final AtomicReferenceArray<Object> sets;
    private final int words;

    /**
     * @param keys  number of keys.
     * @param users size of the user population (user indexes are {@code 0..users-1}).
     */
    public UserSets(final int keys, final int users)
    {
        this.sets = new AtomicReferenceArray<>(Math.multiplyExact(keys, KINDS));
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
        Object set = sets.get(index);
        if (set == null)
        {
            final Object fresh = tableBytes(FIRST_TABLE_SLOTS) >= bitsetBytes() ? new long[words] :
                new Table(FIRST_TABLE_SLOTS);
            set = sets.compareAndSet(index, null, fresh) ? fresh : sets.get(index);
        }
        add(index, set, user);
    }

    private void add(final int index, final Object set, final int user)
    {
        if (set instanceof long[])
        {
            final long[] bits = (long[])set;
            final int word = user >>> 6;
            final long bit = 1L << user;
            if ((bits[word] & bit) == 0)
            {
                LONGS.getAndBitwiseOr(bits, word, bit);
            }
            return;
        }
        final Table table = (Table)set;
        final int outcome = table.tryInsert(user);
        if (outcome == Table.PRESENT)
        {
            return;
        }
        if (outcome == Table.FULL)
        {
            // Only while another thread replaces this table (it is never filled past half otherwise).
            Object now;
            while ((now = sets.get(index)) == table)
            {
                Thread.onSpinWait();
            }
            add(index, now, user);
            return;
        }
        if (outcome == Table.INSERTED_AT_THRESHOLD)
        {
            grow(index, table);
            return;
        }
        final Object now = sets.get(index);
        if (now != table)
        {
            add(index, now, user);
        }
    }

    private void grow(final int index, final Table table)
    {
        final int slots = table.slots.length * 2;
        final Object next = tableBytes(slots) >= bitsetBytes() ? new long[words] : new Table(slots);
        sets.set(index, next);
        final int[] old = table.slots;
        for (int i = 0; i < old.length; i++)
        {
            final int v = (int)INTS.getVolatile(old, i);
            if (v != 0)
            {
                add(index, next, v - 1);
            }
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
        final Object set = sets.get(key * KINDS + kind);
        if (set == null)
        {
            return 0;
        }
        long n = 0;
        if (set instanceof long[])
        {
            final long[] bits = (long[])set;
            for (int i = 0; i < bits.length; i++)
            {
                n += Long.bitCount((long)LONGS.getVolatile(bits, i));
            }
            return n;
        }
        final int[] slots = ((Table)set).slots;
        for (int i = 0; i < slots.length; i++)
        {
            n += (int)INTS.getVolatile(slots, i) != 0 ? 1 : 0;
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
            final Object set = sets.get(key * KINDS + kind);
            if (set instanceof long[])
            {
                final long[] bits = (long[])set;
                for (int i = 0; i < words; i++)
                {
                    union[i] |= (long)LONGS.getVolatile(bits, i);
                }
            }
            else if (set != null)
            {
                final int[] slots = ((Table)set).slots;
                for (int i = 0; i < slots.length; i++)
                {
                    final int v = (int)INTS.getVolatile(slots, i);
                    if (v != 0)
                    {
                        union[(v - 1) >>> 6] |= 1L << (v - 1);
                    }
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

    /** @return heap bytes the sets take now, roughly (array payloads; read after the threads stopped). */
    public long bytes()
    {
        long bytes = 0;
        for (int i = 0; i < sets.length(); i++)
        {
            final Object set = sets.get(i);
            if (set instanceof long[])
            {
                bytes += 8L * ((long[])set).length;
            }
            else if (set != null)
            {
                bytes += tableBytes(((Table)set).slots.length);
            }
        }
        return bytes;
    }

    private long bitsetBytes()
    {
        return 8L * words;
    }

    private static long tableBytes(final int slots)
    {
        return 4L * slots;
    }

    /**
     * An open-addressing set of user indexes: slot value {@code user + 1}, 0 for empty, linear probing, CAS inserts.
     * Its threshold is half its slots; the insert that reaches it hands the table over to {@link #grow}.
     */
    private static final class Table
    {
        static final int PRESENT = 0;
        static final int INSERTED = 1;
        static final int INSERTED_AT_THRESHOLD = 2;
        static final int FULL = 3;

        final int[] slots;
        final AtomicInteger size = new AtomicInteger();
        private final int mask;
        private final int threshold;

        Table(final int slots)
        {
            this.slots = new int[slots];
            this.mask = slots - 1;
            this.threshold = slots / 2;
        }

        int tryInsert(final int user)
        {
            final int value = user + 1;
            int i = mix(user) & mask;
            for (int probes = 0; probes < slots.length; probes++)
            {
                int v = (int)INTS.getVolatile(slots, i);
                if (v == 0)
                {
                    if (INTS.compareAndSet(slots, i, 0, value))
                    {
                        return size.incrementAndGet() == threshold ? INSERTED_AT_THRESHOLD : INSERTED;
                    }
                    v = (int)INTS.getVolatile(slots, i);
                }
                if (v == value)
                {
                    return PRESENT;
                }
                i = (i + 1) & mask;
            }
            return FULL;
        }

        private static int mix(final int x)
        {
            final int h = x * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }
}
