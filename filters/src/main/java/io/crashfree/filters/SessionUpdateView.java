package io.crashfree.filters;

/**
 * One {@code session} item as the filters read and normalize it.
 * <p>
 * Times are epoch milliseconds, {@link #NO_TIME} when absent. {@code seq} is unsigned 64-bit bits held in a
 * {@code long}, so 2^64 - 1 is {@code -1L}.
 */
public interface SessionUpdateView extends SessionAttributesView
{
    /** Marks an absent time: the same value the edge's records use. */
    long NO_TIME = Long.MIN_VALUE;

    /** @return {@code started}, or {@link #NO_TIME}. */
    long startedMs();

    /**
     * Moves {@code started}: clock-drift correction.
     *
     * @param startedMs the corrected time.
     */
    void startedMs(long startedMs);

    /** @return {@code timestamp}, or {@link #NO_TIME}. */
    long timestampMs();

    /**
     * Moves {@code timestamp}: clock-drift correction, or raised to {@code started}.
     *
     * @param timestampMs the corrected time.
     */
    void timestampMs(long timestampMs);

    /** @return false when {@code status} was a string the protocol does not define. */
    boolean isStatusKnown();

    /** @return whether {@code seq} was present. */
    boolean hasSeq();

    /** @return {@code seq} as unsigned 64-bit bits. */
    long seq();
}
