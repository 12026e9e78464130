package io.crashfree.aggregation.session;

/**
 * One {@code sessions} item: shared attributes and a bounded array of {@link AggregateEntry}.
 */
public final class SessionAggregates
{
    private final SessionAttributes attributes = new SessionAttributes();
    private final AggregateEntry[] entries;
    private int entryCount;

    /** @param maxEntries the most entries one item may carry. */
    public SessionAggregates(final int maxEntries)
    {
        entries = new AggregateEntry[maxEntries];
        for (int i = 0; i < maxEntries; i++)
        {
            entries[i] = new AggregateEntry();
        }
    }

    /** Empties the item. */
    public void reset()
    {
        attributes.reset();
        entryCount = 0;
    }

    /** @return {@code attrs}. */
    public SessionAttributes attributes()
    {
        return attributes;
    }

    /** @return the number of entries. */
    public int entryCount()
    {
        return entryCount;
    }

    /** @return the most entries this item holds. */
    public int maxEntries()
    {
        return entries.length;
    }

    /**
     * @param index 0-based, below {@link #entryCount()}.
     * @return the entry.
     */
    public AggregateEntry entry(final int index)
    {
        return entries[index];
    }

    /** @return the next entry, reset, or null when the item is full. */
    public AggregateEntry tryAddEntry()
    {
        if (entryCount == entries.length)
        {
            return null;
        }
        final AggregateEntry entry = entries[entryCount++];
        entry.reset();
        return entry;
    }
}
