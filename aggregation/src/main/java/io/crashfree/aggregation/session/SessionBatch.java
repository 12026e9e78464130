package io.crashfree.aggregation.session;

/**
 * Every session of one envelope, decoded and ready to fold: up to {@code maxItems} {@code session} and
 * {@code sessions} items together, plus what the request said about where and when it came from.
 * <p>
 * Preallocated once per event-loop thread and reused for every envelope, so decoding makes no per-session garbage.
 */
public final class SessionBatch
{
    private final SessionUpdate[] updates;
    private final SessionAggregates[] aggregates;
    private int updateCount;
    private int aggregateCount;
    private long projectId;
    private long receivedAtMs;
    private long sentAtMs;
    private Object sinkState;

    /**
     * @param maxItems            most {@code session} plus {@code sessions} items per envelope.
     * @param maxAggregateEntries most entries per {@code sessions} item.
     */
    public SessionBatch(final int maxItems, final int maxAggregateEntries)
    {
        updates = new SessionUpdate[maxItems];
        aggregates = new SessionAggregates[maxItems];
        for (int i = 0; i < maxItems; i++)
        {
            updates[i] = new SessionUpdate();
            aggregates[i] = new SessionAggregates(maxAggregateEntries);
        }
        reset(0, 0);
    }

    /**
     * Empties the batch for a new envelope.
     *
     * @param projectId    project the envelope was sent to.
     * @param receivedAtMs when the node received it.
     */
    public void reset(final long projectId, final long receivedAtMs)
    {
        this.projectId = projectId;
        this.receivedAtMs = receivedAtMs;
        this.sentAtMs = SessionUpdate.NO_TIME;
        updateCount = 0;
        aggregateCount = 0;
    }

    /** @return the most session items (of both kinds) one envelope may carry. */
    public int maxItems()
    {
        return updates.length;
    }

    /** @return session items of both kinds decoded so far. */
    public int itemCount()
    {
        return updateCount + aggregateCount;
    }

    /** @return the next update slot, reset, or null when the envelope has reached its item limit. */
    public SessionUpdate tryAddUpdate()
    {
        if (itemCount() == updates.length)
        {
            return null;
        }
        final SessionUpdate update = updates[updateCount++];
        update.reset();
        return update;
    }

    /** @return the next aggregates slot, reset, or null when the envelope has reached its item limit. */
    public SessionAggregates tryAddAggregates()
    {
        if (itemCount() == updates.length)
        {
            return null;
        }
        final SessionAggregates item = aggregates[aggregateCount++];
        item.reset();
        return item;
    }

    /** @return number of {@code session} items. */
    public int updateCount()
    {
        return updateCount;
    }

    /**
     * @param index below {@link #updateCount()}.
     * @return the update.
     */
    public SessionUpdate update(final int index)
    {
        return updates[index];
    }

    /** @return number of {@code sessions} items. */
    public int aggregatesCount()
    {
        return aggregateCount;
    }

    /**
     * @param index below {@link #aggregatesCount()}.
     * @return the item.
     */
    public SessionAggregates aggregates(final int index)
    {
        return aggregates[index];
    }

    /** @return the project id from the request path. */
    public long projectId()
    {
        return projectId;
    }

    /** @return when the node received the envelope, epoch milliseconds. */
    public long receivedAtMs()
    {
        return receivedAtMs;
    }

    /** @return the envelope header's {@code sent_at}, or {@link SessionUpdate#NO_TIME}. */
    public long sentAtMs()
    {
        return sentAtMs;
    }

    /**
     * @return what the sink keeps with this batch (per thread, since a batch belongs to one thread), or null.
     */
    public Object sinkState()
    {
        return sinkState;
    }

    /**
     * Lets the sink keep per-thread state (caches, scratch) with the batch it is handed every time.
     *
     * @param sinkState the sink's object.
     */
    public void sinkState(final Object sinkState)
    {
        this.sinkState = sinkState;
    }

    /** @param sentAtMs the envelope header's {@code sent_at}. */
    public void sentAtMs(final long sentAtMs)
    {
        this.sentAtMs = sentAtMs;
    }
}
