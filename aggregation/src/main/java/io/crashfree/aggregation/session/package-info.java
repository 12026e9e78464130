/**
 * The records that the edge hands to aggregation, and the one narrow interface it hands them through.
 * <p>
 * Data flow: an event-loop thread decodes an envelope into a reusable {@link io.crashfree.aggregation.session.SessionBatch}
 * (no per-session garbage), and, only when the whole envelope is valid, calls
 * {@link io.crashfree.aggregation.session.SessionSink#tryFold(SessionBatch)} on that same thread before it answers.
 * Every type here is a mutable flyweight owned by one thread at a time; none is safe to share.
 */
package io.crashfree.aggregation.session;
