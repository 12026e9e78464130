package io.crashfree.filters;

/** A {@code session} item for tests: a plain object behind {@link SessionUpdateView}. */
final class TestUpdate extends TestAttributes implements SessionUpdateView
{
    long startedMs = NO_TIME;
    long timestampMs = NO_TIME;
    boolean statusKnown = true;
    boolean hasSeq;
    long seq;

    TestUpdate release(final String value)
    {
        release.set(value);
        return this;
    }

    TestUpdate environment(final String value)
    {
        environment.set(value);
        return this;
    }

    TestUpdate ip(final String value)
    {
        ipAddress.set(value);
        return this;
    }

    TestUpdate userAgent(final String value)
    {
        userAgent.set(value);
        return this;
    }

    TestUpdate started(final long ms)
    {
        startedMs = ms;
        return this;
    }

    TestUpdate timestamp(final long ms)
    {
        timestampMs = ms;
        return this;
    }

    TestUpdate unknownStatus()
    {
        statusKnown = false;
        return this;
    }

    TestUpdate seq(final long bits)
    {
        hasSeq = true;
        seq = bits;
        return this;
    }

    @Override
    public long startedMs()
    {
        return startedMs;
    }

    @Override
    public void startedMs(final long startedMs)
    {
        this.startedMs = startedMs;
    }

    @Override
    public long timestampMs()
    {
        return timestampMs;
    }

    @Override
    public void timestampMs(final long timestampMs)
    {
        this.timestampMs = timestampMs;
    }

    @Override
    public boolean isStatusKnown()
    {
        return statusKnown;
    }

    @Override
    public boolean hasSeq()
    {
        return hasSeq;
    }

    @Override
    public long seq()
    {
        return seq;
    }
}
