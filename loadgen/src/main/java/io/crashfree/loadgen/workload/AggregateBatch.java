package io.crashfree.loadgen.workload;

/**
 * The contents of one {@code sessions} aggregate envelope: one release and environment, one minute of
 * {@code started}, and per entry a user and its session counts by outcome. Reused by the connection that sends it, so
 * the ground truth can be applied when (and only when) the node acknowledges the envelope.
 */
public final class AggregateBatch
{
    private static final int OUTCOMES = 5;

    int project;
    SdkStyle style;
    int release;
    int environment;
    long startedMs;
    int entries;
    final int[] users;
    final int[] counts;

    /** @param capacity most entries this batch will hold. */
    public AggregateBatch(final int capacity)
    {
        users = new int[capacity];
        counts = new int[capacity * OUTCOMES];
    }

    /** @return project index (into the run's projects). */
    public int project()
    {
        return project;
    }

    /** @return the SDK whose framing the envelope uses. */
    public SdkStyle style()
    {
        return style;
    }

    /** @return release index. */
    public int release()
    {
        return release;
    }

    /** @return environment index. */
    public int environment()
    {
        return environment;
    }

    /** @return the entries' {@code started}, the start of a minute, epoch milliseconds. */
    public long startedMs()
    {
        return startedMs;
    }

    /** @return number of entries. */
    public int entries()
    {
        return entries;
    }

    /**
     * @param entry entry index.
     * @return the entry's user index ({@code did}).
     */
    public int user(final int entry)
    {
        return users[entry];
    }

    /**
     * @param entry   entry index.
     * @param outcome an outcome.
     * @return the entry's count of sessions with that outcome ({@code exited} counts the healthy ones).
     */
    public int count(final int entry, final Outcome outcome)
    {
        return counts[entry * OUTCOMES + outcome.ordinal()];
    }

    /**
     * @param entry entry index.
     * @return sessions the entry stands for (its total).
     */
    public int total(final int entry)
    {
        int sum = 0;
        for (int o = 0; o < OUTCOMES; o++)
        {
            sum += counts[entry * OUTCOMES + o];
        }
        return sum;
    }

    /** @return sessions the whole batch stands for. */
    public long totalSessions()
    {
        long sum = 0;
        for (int i = 0, n = entries * OUTCOMES; i < n; i++)
        {
            sum += counts[i];
        }
        return sum;
    }

    void clear(final int project, final SdkStyle style, final int release, final int environment,
        final long startedMs)
    {
        this.project = project;
        this.style = style;
        this.release = release;
        this.environment = environment;
        this.startedMs = startedMs;
        this.entries = 0;
    }

    void add(final int user, final int[] outcomeCounts)
    {
        users[entries] = user;
        System.arraycopy(outcomeCounts, 0, counts, entries * OUTCOMES, OUTCOMES);
        entries++;
    }
}
