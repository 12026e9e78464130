package io.crashfree.edge;

import io.crashfree.aggregation.session.AggregateEntry;
import io.crashfree.aggregation.session.SessionAggregates;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.aggregation.session.SessionUpdate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test sink that records a copy of every folded session, so tests can see exactly what the edge decoded.
 * Test code: plain synchronization is fine here.
 */
public final class RecordingSessionSink implements SessionSink
{
    /** One recorded {@code sessions} item: its attributes' release/environment and copies of its entries. */
    public record RecordedAggregates(long projectId, String release, String environment, List<AggregateEntry> entries)
    {
    }

    private final List<SessionUpdate> updates = new ArrayList<>();
    private final List<Long> updateProjects = new ArrayList<>();
    private final List<RecordedAggregates> aggregates = new ArrayList<>();
    private volatile boolean accepting = true;

    @Override
    public synchronized boolean tryFold(final SessionBatch batch)
    {
        if (!accepting)
        {
            return false;
        }
        for (int i = 0; i < batch.updateCount(); i++)
        {
            final SessionUpdate copy = new SessionUpdate();
            copy.copyFrom(batch.update(i));
            updates.add(copy);
            updateProjects.add(batch.projectId());
        }
        for (int i = 0; i < batch.aggregatesCount(); i++)
        {
            final SessionAggregates item = batch.aggregates(i);
            final List<AggregateEntry> entries = new ArrayList<>();
            for (int j = 0; j < item.entryCount(); j++)
            {
                final AggregateEntry e = new AggregateEntry();
                e.copyFrom(item.entry(j));
                entries.add(e);
            }
            aggregates.add(new RecordedAggregates(batch.projectId(), item.attributes().release().toString(),
                item.attributes().environment().toString(), entries));
        }
        notifyAll();
        return true;
    }

    /** @param accepting false makes every fold fail (back-pressure). */
    public void accepting(final boolean accepting)
    {
        this.accepting = accepting;
    }

    /** @return copies of every {@code session} item folded so far. */
    public synchronized List<SessionUpdate> updates()
    {
        return new ArrayList<>(updates);
    }

    /** @return copies of every {@code sessions} item folded so far. */
    public synchronized List<RecordedAggregates> aggregates()
    {
        return new ArrayList<>(aggregates);
    }

    /** @return whether nothing at all was folded. */
    public synchronized boolean isEmpty()
    {
        return updates.isEmpty() && aggregates.isEmpty();
    }

    /** Forgets everything recorded. */
    public synchronized void clear()
    {
        updates.clear();
        updateProjects.clear();
        aggregates.clear();
    }

    /**
     * Waits until the recorded updates satisfy a condition.
     *
     * @param condition what to wait for.
     * @param timeout   how long at most.
     * @return the updates at that moment.
     * @throws AssertionError on timeout, with what was recorded.
     */
    public synchronized List<SessionUpdate> awaitUpdates(final Predicate<List<SessionUpdate>> condition,
        final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(updates))
        {
            final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0)
            {
                throw new AssertionError("timed out waiting for session updates; have " + updates.size());
            }
            wait(leftMs);
        }
        return new ArrayList<>(updates);
    }
}
