/**
 * The live, off-heap, lock-free aggregates: the table of records ({@link io.crashfree.aggregation.live.LiveTable}),
 * dense sketch blocks, exactly-once sets, the release/environment registry, and
 * {@link io.crashfree.aggregation.live.LiveAggregator}, the {@code SessionSink} that event-loop threads call.
 * Everything here is in memory-mapped files under {@code data/live}; writers use atomic operations only.
 */
package io.crashfree.aggregation.live;
