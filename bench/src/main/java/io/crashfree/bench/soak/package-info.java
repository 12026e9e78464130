/**
 * The soak benchmark ({@code bin/crashfree bench soak}): the node in a child JVM under ten minutes (by default) of the
 * issue's realistic load — three projects, 200 releases, three environments, a million users, Java- and Node-shaped
 * sessions lasting minutes, aggregates — at half its maximum rate, with a row per minute of what the load generator
 * got and what the node says about itself ({@code /metrics}, {@code /proc/<pid>/status}), and a verification of the
 * node's counts at the end ({@link io.crashfree.bench.soak.SoakBenchmark}).
 * <p>
 * Control plane only: the driver's main thread starts the node, runs the load generator in-process (its event loops
 * send) and scrapes the node once per row.
 */
package io.crashfree.bench.soak;
