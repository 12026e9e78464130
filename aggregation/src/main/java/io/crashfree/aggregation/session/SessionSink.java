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
    /**
     * Folds every session of a fully validated envelope.
     *
     * @param batch the envelope's sessions; borrowed for the duration of the call.
     * @return true when folded; false when the sink cannot take it now (the edge answers {@code 503}).
     */
    boolean tryFold(SessionBatch batch);
}
