package io.crashfree.loadgen.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The terminal updates of long sessions that are not due yet, held compactly: at 5,000 sessions per second lasting
 * 15 minutes on average there are millions of them, so they are entries in primitive arrays, not objects. One
 * client thread owns it (no synchronization).
 * <p>
 * Entries live in pages of {@value #PAGE_ENTRIES} slots, parallel arrays per field (25 bytes an entry); free slots are
 * chained and reused. Each entry is on one singly linked list: the bucket of the second it is due in, on a ring of
 * per-second buckets that covers the longest delay, or the list of entries already due:
 * <pre>
 *   ring (power of two seconds, one head/tail per second)      due list (FIFO)
 *   [s % n] ──▶ entry ──▶ entry ──▶ ·        ──splice when s ≤ now──▶  entry ──▶ entry ──▶ ·
 *
 *   entry i:  sequence (long)   session id's sequence, the low half comes from it
 *             started (int)     started − origin, milliseconds
 *             key (int)         (project, release, environment) key index
 *             user (int)        user index
 *             meta (byte)       bits 0-2 outcome, 3 style, 4-5 sends left, 6 errored counted, 7 terminal counted
 *             next (int)        next entry on its list, or -1
 * </pre>
 * Time only moves forward here: each call passes {@code nowMs}, and buckets whose second has come are spliced onto
 * the due list in O(1), so the ring never has to cover more than the longest delay.
 */
public final class PendingTerminals
{
    /** Entries per page (a power of two). */
    static final int PAGE_ENTRIES = 1 << 16;
    private static final int PAGE_SHIFT = 16;
    private static final int PAGE_MASK = PAGE_ENTRIES - 1;
    private static final int NONE = -1;
    private static final int OUTCOME_MASK = 0x7;
    private static final int STYLE_BIT = 1 << 3;
    private static final int SENDS_SHIFT = 4;
    private static final int SENDS_MASK = 0x3;
    private static final int ERRORED_COUNTED_BIT = 1 << 6;
    private static final int TERMINAL_COUNTED_BIT = 1 << 7;

    private final List<long[]> sequences = new ArrayList<>();
    private final List<int[]> starts = new ArrayList<>();
    private final List<int[]> keys = new ArrayList<>();
    private final List<int[]> users = new ArrayList<>();
    private final List<byte[]> metas = new ArrayList<>();
    private final List<int[]> nexts = new ArrayList<>();
    private final int[] heads;
    private final int[] tails;
    private final int ringMask;
    private int freeHead = NONE;
    private int dueHead = NONE;
    private int dueTail = NONE;
    private long originMs = Long.MIN_VALUE;
    private long nextSecond = Long.MIN_VALUE;
    private int capacity;
    private int size;

    /** @param maxDelayMs the longest delay an entry may be added with. */
    public PendingTerminals(final long maxDelayMs)
    {
        final long seconds = maxDelayMs / 1000 + 4;
        if (seconds > 1 << 24)
        {
            throw new IllegalArgumentException("terminal delays of more than 194 days are not supported: " +
                maxDelayMs + " ms");
        }
        final int ring = Integer.highestOneBit((int)seconds - 1) << 1;
        heads = new int[ring];
        tails = new int[ring];
        Arrays.fill(heads, NONE);
        Arrays.fill(tails, NONE);
        ringMask = ring - 1;
    }

    /**
     * Holds one terminal update until {@code dueMs}.
     *
     * @param nowMs      now.
     * @param dueMs      when it is due, at most the constructor's delay after {@code nowMs}.
     * @param s          the session, as planned or as last filled by {@link #pollDue} (its sequence, start, key
     *                   fields, user, outcome, style and the counted flags are kept).
     * @param key        its (project, release, environment) key index.
     * @param sendsLeft  how many times the terminal update is still to be sent (1 to 3).
     */
    public void add(final long nowMs, final long dueMs, final PlannedSession s, final int key, final int sendsLeft)
    {
        advance(nowMs);
        if (originMs == Long.MIN_VALUE)
        {
            originMs = s.startedMs;
        }
        final long started = s.startedMs - originMs;
        if (started < Integer.MIN_VALUE || started > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("started is more than 24 days from the first session's: " +
                s.startedMs);
        }
        if (sendsLeft < 1 || sendsLeft > SENDS_MASK)
        {
            throw new IllegalArgumentException("sends left must be 1 to " + SENDS_MASK + ": " + sendsLeft);
        }
        final int e = allocate();
        final int page = e >>> PAGE_SHIFT;
        final int slot = e & PAGE_MASK;
        sequences.get(page)[slot] = s.sequence;
        starts.get(page)[slot] = (int)started;
        keys.get(page)[slot] = key;
        users.get(page)[slot] = s.user;
        metas.get(page)[slot] = (byte)(s.outcome.ordinal() | (s.style == SdkStyle.JAVA ? STYLE_BIT : 0) |
            sendsLeft << SENDS_SHIFT | (s.erroredAcked ? ERRORED_COUNTED_BIT : 0) |
            (s.terminalAcked ? TERMINAL_COUNTED_BIT : 0));
        nexts.get(page)[slot] = NONE;
        final long second = Math.floorDiv(dueMs, 1000L);
        if (second < nextSecond)
        {
            dueTail = append(dueHead == NONE, dueTail, e);
            if (dueHead == NONE)
            {
                dueHead = e;
            }
        }
        else
        {
            if (second - nextSecond > ringMask)
            {
                throw new IllegalArgumentException("due " + (second - nextSecond) + " s ahead, more than the " +
                    "ring's " + ringMask + " s");
            }
            final int b = (int)(second & ringMask);
            tails[b] = append(heads[b] == NONE, tails[b], e);
            if (heads[b] == NONE)
            {
                heads[b] = e;
            }
        }
        size++;
    }

    /**
     * Takes the next due entry, if any.
     *
     * @param nowMs now: entries due in this second or earlier are due.
     * @param into  receives the entry's sequence, started, user, outcome, style, sends left and counted flags (the
     *              caller derives project, release and environment from the returned key).
     * @return the entry's key index, or -1 when nothing is due.
     */
    public int pollDue(final long nowMs, final PlannedSession into)
    {
        advance(nowMs);
        if (dueHead == NONE)
        {
            return NONE;
        }
        final int e = dueHead;
        final int page = e >>> PAGE_SHIFT;
        final int slot = e & PAGE_MASK;
        dueHead = nexts.get(page)[slot];
        if (dueHead == NONE)
        {
            dueTail = NONE;
        }
        into.sequence = sequences.get(page)[slot];
        into.startedMs = originMs + starts.get(page)[slot];
        into.user = users.get(page)[slot];
        final int meta = metas.get(page)[slot] & 0xFF;
        into.outcome = Outcome.of(meta & OUTCOME_MASK);
        into.style = (meta & STYLE_BIT) != 0 ? SdkStyle.JAVA : SdkStyle.NODE;
        into.sendsLeft = meta >>> SENDS_SHIFT & SENDS_MASK;
        into.erroredAcked = (meta & ERRORED_COUNTED_BIT) != 0;
        into.terminalAcked = (meta & TERMINAL_COUNTED_BIT) != 0;
        final int key = keys.get(page)[slot];
        nexts.get(page)[slot] = freeHead;
        freeHead = e;
        size--;
        return key;
    }

    /** @return entries held (due or not). */
    public int size()
    {
        return size;
    }

    /** @return heap bytes of the entry pages. */
    public long bytes()
    {
        return (long)sequences.size() * PAGE_ENTRIES * (8 + 4 + 4 + 4 + 1 + 4);
    }

    /** Splices every bucket whose second has come onto the due list. */
    private void advance(final long nowMs)
    {
        final long now = Math.floorDiv(nowMs, 1000L);
        if (nextSecond == Long.MIN_VALUE)
        {
            nextSecond = now;
        }
        // After a long pause only the ring's seconds can hold anything: one turn of it is enough.
        if (now - nextSecond > ringMask)
        {
            nextSecond = now - ringMask;
        }
        while (nextSecond <= now)
        {
            final int b = (int)(nextSecond & ringMask);
            if (heads[b] != NONE)
            {
                if (dueHead == NONE)
                {
                    dueHead = heads[b];
                }
                else
                {
                    nexts.get(dueTail >>> PAGE_SHIFT)[dueTail & PAGE_MASK] = heads[b];
                }
                dueTail = tails[b];
                heads[b] = NONE;
                tails[b] = NONE;
            }
            nextSecond++;
        }
    }

    /** Links {@code e} after {@code tail} (unless the list is empty) and returns the new tail. */
    private int append(final boolean empty, final int tail, final int e)
    {
        if (!empty)
        {
            nexts.get(tail >>> PAGE_SHIFT)[tail & PAGE_MASK] = e;
        }
        return e;
    }

    private int allocate()
    {
        if (freeHead == NONE)
        {
            if (capacity + PAGE_ENTRIES < 0)
            {
                throw new IllegalStateException("more than 2^31 pending terminal updates");
            }
            sequences.add(new long[PAGE_ENTRIES]);
            starts.add(new int[PAGE_ENTRIES]);
            keys.add(new int[PAGE_ENTRIES]);
            users.add(new int[PAGE_ENTRIES]);
            metas.add(new byte[PAGE_ENTRIES]);
            final int[] next = new int[PAGE_ENTRIES];
            for (int i = 0; i < PAGE_ENTRIES - 1; i++)
            {
                next[i] = capacity + i + 1;
            }
            next[PAGE_ENTRIES - 1] = NONE;
            nexts.add(next);
            freeHead = capacity;
            capacity += PAGE_ENTRIES;
        }
        final int e = freeHead;
        freeHead = nexts.get(e >>> PAGE_SHIFT)[e & PAGE_MASK];
        return e;
    }
}
