/**
 * The releases-index benchmark ({@code bin/crashfree bench index}): issue 13's target, the index of 1,000 releases
 * with health over 14 days within 100 ms at p99 while ingest runs at half its maximum. A node in a child JVM is filled
 * with a seeded history ({@link io.crashfree.bench.index.HistoryPlan}: {@code sessions} aggregates over every hour of
 * the period, some releases created first through the registry API), then polled by dashboard clients without and
 * with ingest ({@link io.crashfree.bench.index.IndexBenchmark}).
 * <p>
 * Control plane only: the driver's main thread drives; history senders, index clients and the load generator run on
 * their own threads.
 */
package io.crashfree.bench.index;
