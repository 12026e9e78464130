/**
 * The end-to-end benchmark ({@code bin/crashfree bench e2e}): the node and a bare Netty HTTP server
 * ({@link io.crashfree.bench.e2e.BareHttpServer}, the machine's HTTP ceiling), each in its own JVM, driven by the load
 * generator in the driver's JVM under the same load, alternating node and ceiling leg by leg
 * ({@link io.crashfree.bench.e2e.EndToEndBenchmark}); the report gives node/ceiling pair by pair with the median and
 * the spread ({@link io.crashfree.bench.e2e.PairedStats}).
 * <p>
 * Control plane only: the driver's main thread starts the children ({@link io.crashfree.bench.e2e.ChildJvm}), runs
 * the legs one after another and writes the report; the load generator's event loops do the sending.
 */
package io.crashfree.bench.e2e;
