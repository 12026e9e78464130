/**
 * The benchmark report driver ({@code bin/crashfree bench report}): runs the JMH suites
 * ({@link io.crashfree.bench.report.JmhRun}), the one-shot benchmarks in child JVMs
 * ({@link io.crashfree.bench.report.OneShotJvm}) and the end-to-end scenarios, and rewrites only the generated blocks
 * of BENCHMARKS.md ({@link io.crashfree.bench.report.GeneratedBlocks}): each figure with its target, the command that
 * reproduces it, the machine's cores, the Java version, the date and the load average.
 * <p>
 * Control plane only, on the driver's main thread; the measuring happens in JMH's forks, the child JVMs and the load
 * generator's event loops.
 */
package io.crashfree.bench.report;
