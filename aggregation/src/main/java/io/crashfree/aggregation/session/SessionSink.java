package io.crashfree.aggregation.session;

/**
 * The one narrow interface through which the edge hands decoded sessions to aggregation.
 * <p>
 * Called on the event-loop thread that decoded the envelope, once per valid envelope, before the response is
 * written: a {@code 200} means the batch was folded. Implementations must not block and must not keep references to
 * the batch or its records after returning (they are reused for the next envelope).
 */
@FunctionalInterface
public interface SessionSink
{
    /** {@link #fold}: every session was folded (or dropped for a counted reason). */
    int FOLDED = 0;
    /** {@link #fold}: the node cannot take it now; nothing was folded (the edge answers {@code 503}). */
    int BUSY = 1;
    /** {@link #fold}: the project holds its share of the live memory; nothing was folded ({@code 429}). */
    int OVER_PROJECT_LIVE_SHARE = 2;
    /** {@link #fold}: the project holds its limit of releases or environments; nothing was folded ({@code 429}). */
    int OVER_PROJECT_NAMES = 3;
    /** {@link #fold}: the project used its exactly-once entries for the day; nothing was folded ({@code 429}). */
    int OVER_PROJECT_EXACTLY_ONCE = 4;
    /**
     * {@link #fold}: like {@link #BUSY}, but because the node cannot write to its disk now (full, or failing):
     * {@code 503}, retried later than a plain {@code BUSY}.
     */
    int STORAGE_UNAVAILABLE = 5;

    /**
     * Folds every session of a fully validated envelope.
     *
     * @param batch the envelope's sessions; borrowed for the duration of the call.
     * @return true when folded; false when the sink cannot take it now.
     */
    boolean tryFold(SessionBatch batch);

    /**
     * Folds every session of a fully validated envelope, saying why when it cannot.
     *
     * @param batch the envelope's sessions; borrowed for the duration of the call.
     * @return {@link #FOLDED}, {@link #BUSY}, {@link #STORAGE_UNAVAILABLE} or one of the {@code OVER_PROJECT_*}
     *         refusals.
     */
    default int fold(final SessionBatch batch)
    {
        return tryFold(batch) ? FOLDED : BUSY;
    }
}
