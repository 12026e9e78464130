/**
 * The aggregation side of a node: {@link io.crashfree.aggregation.Aggregation} opens the live files and the store,
 * {@link io.crashfree.aggregation.Flusher} (its own thread) moves quiet buckets into the store, and
 * {@link io.crashfree.aggregation.AggregateView} answers reads (query threads) from store + live.
 */
package io.crashfree.aggregation;
