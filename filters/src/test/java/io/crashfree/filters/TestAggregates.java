package io.crashfree.filters;

import java.util.ArrayList;
import java.util.List;

/** A {@code sessions} item for tests: entries are {@code started} times; removals are recorded with their reason. */
final class TestAggregates extends TestAttributes implements SessionAggregatesView
{
    final List<Long> started = new ArrayList<>();
    final List<String> removed = new ArrayList<>();
    /** When true, removal only marks the entry, as the edge's records do; it stays in {@link #started}. */
    boolean markInsteadOfRemove;
    final List<Integer> marked = new ArrayList<>();

    TestAggregates release(final String value)
    {
        release.set(value);
        return this;
    }

    TestAggregates environment(final String value)
    {
        environment.set(value);
        return this;
    }

    TestAggregates ip(final String value)
    {
        ipAddress.set(value);
        return this;
    }

    TestAggregates entry(final long startedMs)
    {
        started.add(startedMs);
        return this;
    }

    @Override
    public int entryCount()
    {
        return started.size();
    }

    @Override
    public long entryStartedMs(final int index)
    {
        return started.get(index);
    }

    @Override
    public void entryStartedMs(final int index, final long startedMs)
    {
        started.set(index, startedMs);
    }

    @Override
    public void removeEntry(final int index, final DropReason reason)
    {
        removed.add(started.get(index) + ":" + reason.metricName());
        if (markInsteadOfRemove)
        {
            marked.add(index);
        }
        else
        {
            started.remove((int)index);
        }
    }
}
