/**
 * The persistent aggregates: a Chronicle Map of {@link io.crashfree.aggregation.store.StoreKey} to
 * {@link io.crashfree.aggregation.store.AggregateValue}, written by the flusher thread and read by queries.
 */
package io.crashfree.aggregation.store;
