package io.crashfree.aggregation.session;

/**
 * One {@code session} item: a single session update, decoded into reusable fields.
 * <p>
 * Identifiers are kept only as their 128-bit hash (see {@link IdHash}); timestamps as epoch milliseconds.
 */
public final class SessionUpdate
{
    private boolean dropped;
    /** Marks an absent timestamp. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private final SessionAttributes attributes = new SessionAttributes();
    private boolean hasSid;
    private long sidHashLow;
    private long sidHashHigh;
    private boolean hasDid;
    private long didHashLow;
    private long didHashHigh;
    private boolean hasSeq;
    private long seq;
    private boolean init;
    private long startedMs;
    private long timestampMs;
    private double durationSeconds;
    private SessionStatus status;
    private long errors;
    private AbnormalMechanism abnormalMechanism;

    /** Creates an empty update. */
    public SessionUpdate()
    {
        reset();
    }

    /** Restores every field to the protocol's default. */
    public void reset()
    {
        dropped = false;
        attributes.reset();
        hasSid = false;
        sidHashLow = 0;
        sidHashHigh = 0;
        hasDid = false;
        didHashLow = 0;
        didHashHigh = 0;
        hasSeq = false;
        seq = 0;
        init = false;
        startedMs = NO_TIME;
        timestampMs = NO_TIME;
        durationSeconds = Double.NaN;
        status = SessionStatus.OK;
        errors = 0;
        abnormalMechanism = AbnormalMechanism.NONE;
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

    /** Copies another update into this one (tests and hand-offs). */
    public void copyFrom(final SessionUpdate o)
    {
        attributes.copyFrom(o.attributes);
        dropped = o.dropped;
        hasSid = o.hasSid;
        sidHashLow = o.sidHashLow;
        sidHashHigh = o.sidHashHigh;
        hasDid = o.hasDid;
        didHashLow = o.didHashLow;
        didHashHigh = o.didHashHigh;
        hasSeq = o.hasSeq;
        seq = o.seq;
        init = o.init;
        startedMs = o.startedMs;
        timestampMs = o.timestampMs;
        durationSeconds = o.durationSeconds;
        status = o.status;
        errors = o.errors;
        abnormalMechanism = o.abnormalMechanism;
    }

    /** @return {@code attrs}. */
    public SessionAttributes attributes()
    {
        return attributes;
    }

    /** @return whether {@code sid} was present. */
    public boolean hasSid()
    {
        return hasSid;
    }

    /** @return low 64 bits of the hash of {@code sid}. */
    public long sidHashLow()
    {
        return sidHashLow;
    }

    /** @return high 64 bits of the hash of {@code sid}. */
    public long sidHashHigh()
    {
        return sidHashHigh;
    }

    /**
     * @param low  low half of the hash.
     * @param high high half of the hash.
     */
    public void sidHash(final long low, final long high)
    {
        hasSid = true;
        sidHashLow = low;
        sidHashHigh = high;
    }

    /** @return whether {@code did} was present and not the nil UUID. */
    public boolean hasDid()
    {
        return hasDid;
    }

    /** @return low 64 bits of the hash of {@code did}. */
    public long didHashLow()
    {
        return didHashLow;
    }

    /** @return high 64 bits of the hash of {@code did}. */
    public long didHashHigh()
    {
        return didHashHigh;
    }

    /**
     * @param low  low half of the hash.
     * @param high high half of the hash.
     */
    public void didHash(final long low, final long high)
    {
        hasDid = true;
        didHashLow = low;
        didHashHigh = high;
    }

    /** @return whether {@code seq} was present. */
    public boolean hasSeq()
    {
        return hasSeq;
    }

    /** @return {@code seq} as unsigned 64-bit bits. */
    public long seq()
    {
        return seq;
    }

    /** @param seq {@code seq} as unsigned 64-bit bits. */
    public void seq(final long seq)
    {
        this.hasSeq = true;
        this.seq = seq;
    }

    /** @return {@code init}. */
    public boolean init()
    {
        return init;
    }

    /** @param init {@code init}. */
    public void init(final boolean init)
    {
        this.init = init;
    }

    /** @return {@code started} in epoch milliseconds, or {@link #NO_TIME}. */
    public long startedMs()
    {
        return startedMs;
    }

    /** @param startedMs {@code started} in epoch milliseconds. */
    public void startedMs(final long startedMs)
    {
        this.startedMs = startedMs;
    }

    /** @return {@code timestamp} in epoch milliseconds, or {@link #NO_TIME}. */
    public long timestampMs()
    {
        return timestampMs;
    }

    /** @param timestampMs {@code timestamp} in epoch milliseconds. */
    public void timestampMs(final long timestampMs)
    {
        this.timestampMs = timestampMs;
    }

    /** @return {@code duration} in seconds, or NaN when absent. */
    public double durationSeconds()
    {
        return durationSeconds;
    }

    /** @param durationSeconds {@code duration} in seconds. */
    public void durationSeconds(final double durationSeconds)
    {
        this.durationSeconds = durationSeconds;
    }

    /** @return {@code status}. */
    public SessionStatus status()
    {
        return status;
    }

    /** @param status {@code status}. */
    public void status(final SessionStatus status)
    {
        this.status = status;
    }

    /** @return {@code errors}. */
    public long errors()
    {
        return errors;
    }

    /** @param errors {@code errors}. */
    public void errors(final long errors)
    {
        this.errors = errors;
    }

    /** @return {@code abnormal_mechanism}. */
    public AbnormalMechanism abnormalMechanism()
    {
        return abnormalMechanism;
    }

    /** @param abnormalMechanism {@code abnormal_mechanism}. */
    public void abnormalMechanism(final AbnormalMechanism abnormalMechanism)
    {
        this.abnormalMechanism = abnormalMechanism;
    }
}
