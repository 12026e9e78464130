package io.crashfree.aggregation.session;

/**
 * One entry of a {@code sessions} item's {@code aggregates} array: counts of sessions that started in one minute,
 * optionally for one user.
 */
public final class AggregateEntry
{
    private boolean dropped;
    private long startedMs;
    private boolean hasDid;
    private long didHashLow;
    private long didHashHigh;
    private long exited;
    private long errored;
    private long abnormal;
    private long unhandled;
    private long crashed;

    /** Creates an empty entry. */
    public AggregateEntry()
    {
        reset();
    }

    /** Restores the protocol's defaults. */
    public void reset()
    {
        dropped = false;
        startedMs = SessionUpdate.NO_TIME;
        hasDid = false;
        didHashLow = 0;
        didHashHigh = 0;
        exited = 0;
        errored = 0;
        abnormal = 0;
        unhandled = 0;
        crashed = 0;
    }

    /** @return whether validation or an inbound filter dropped it (the sink skips it). */
    public boolean dropped()
    {
        return dropped;
    }

    /** Marks it dropped: the sink skips it. */
    public void drop()
    {
        dropped = true;
    }

    /** Copies another entry into this one. */
    public void copyFrom(final AggregateEntry o)
    {
        dropped = o.dropped;
        startedMs = o.startedMs;
        hasDid = o.hasDid;
        didHashLow = o.didHashLow;
        didHashHigh = o.didHashHigh;
        exited = o.exited;
        errored = o.errored;
        abnormal = o.abnormal;
        unhandled = o.unhandled;
        crashed = o.crashed;
    }

    /** @return sessions in this entry: exited + errored + abnormal + unhandled + crashed. */
    public long totalCount()
    {
        return exited + errored + abnormal + unhandled + crashed;
    }

    /** @return sessions with any error: errored + abnormal + unhandled + crashed. */
    public long allErrors()
    {
        return errored + abnormal + unhandled + crashed;
    }

    /** @return {@code started} in epoch milliseconds, or {@link SessionUpdate#NO_TIME}. */
    public long startedMs()
    {
        return startedMs;
    }

    /** @param startedMs {@code started}. */
    public void startedMs(final long startedMs)
    {
        this.startedMs = startedMs;
    }

    /** @return whether {@code did} was present and not nil. */
    public boolean hasDid()
    {
        return hasDid;
    }

    /** @return low half of the {@code did} hash. */
    public long didHashLow()
    {
        return didHashLow;
    }

    /** @return high half of the {@code did} hash. */
    public long didHashHigh()
    {
        return didHashHigh;
    }

    /**
     * @param low  low half.
     * @param high high half.
     */
    public void didHash(final long low, final long high)
    {
        hasDid = true;
        didHashLow = low;
        didHashHigh = high;
    }

    /** @return {@code exited}. */
    public long exited()
    {
        return exited;
    }

    /** @param v {@code exited}. */
    public void exited(final long v)
    {
        exited = v;
    }

    /** @return {@code errored}. */
    public long errored()
    {
        return errored;
    }

    /** @param v {@code errored}. */
    public void errored(final long v)
    {
        errored = v;
    }

    /** @return {@code abnormal}. */
    public long abnormal()
    {
        return abnormal;
    }

    /** @param v {@code abnormal}. */
    public void abnormal(final long v)
    {
        abnormal = v;
    }

    /** @return {@code unhandled}. */
    public long unhandled()
    {
        return unhandled;
    }

    /** @param v {@code unhandled}. */
    public void unhandled(final long v)
    {
        unhandled = v;
    }

    /** @return {@code crashed}. */
    public long crashed()
    {
        return crashed;
    }

    /** @param v {@code crashed}. */
    public void crashed(final long v)
    {
        crashed = v;
    }
}
