/**
 * What the load generator sends, free of I/O: the session mix ({@link io.crashfree.loadgen.workload.Outcome}), how
 * each SDK spells a session's updates ({@link io.crashfree.loadgen.workload.SdkStyle},
 * {@link io.crashfree.loadgen.workload.UpdateSpec}), who and which release
 * ({@link io.crashfree.loadgen.workload.SessionPlanner}, {@link io.crashfree.loadgen.workload.Zipf}), which project
 * and SDK, long sessions' terminal updates held until due ({@link io.crashfree.loadgen.workload.PendingTerminals},
 * primitive pages on a ring of per-second buckets), and the bytes of each envelope
 * ({@link io.crashfree.loadgen.workload.EnvelopeWriter}).
 * <p>
 * Every object here is owned by one client event-loop thread (one planner and one writer per thread); nothing is
 * shared, so nothing is synchronized. Time is passed in as {@code nowMs}.
 */
package io.crashfree.loadgen.workload;
