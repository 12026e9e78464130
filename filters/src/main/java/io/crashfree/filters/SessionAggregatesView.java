package io.crashfree.filters;

/**
 * One {@code sessions} item (pre-aggregated sessions) as the filters read and normalize it: shared {@code attrs} and
 * an array of entries, of which the filters read and move only {@code started}.
 */
public interface SessionAggregatesView extends SessionAttributesView
{
    /** @return the number of entries now. */
    int entryCount();

    /**
     * @param index below {@link #entryCount()}.
     * @return the entry's {@code started}, or {@link SessionUpdateView#NO_TIME}.
     */
    long entryStartedMs(int index);

    /**
     * Moves an entry's {@code started}: clock-drift correction.
     *
     * @param index     below {@link #entryCount()}.
     * @param startedMs the corrected time.
     */
    void entryStartedMs(int index, long startedMs);

    /**
     * Removes an invalid entry, or marks it dropped, and lets the edge count its sessions under the reason. The filters
     * visit entries from the last to the first and call this at most once per entry, so the implementation may shift
     * the entries after {@code index} down, move the last entry into {@code index}, or leave it in place marked
     * dropped (the sink then skips it): every entry the filters have not visited yet keeps its index either way.
     *
     * @param index  below the count the filters started with.
     * @param reason why it was removed.
     */
    void removeEntry(int index, DropReason reason);
}
