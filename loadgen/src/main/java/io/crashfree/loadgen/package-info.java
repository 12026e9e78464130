/**
 * The load generator and verifier: sends realistic Sentry SDK session traffic to a node over HTTP, records the ground
 * truth of what the node acknowledged, and with {@code --verify} compares it with the node's sessions query API.
 * <p>
 * {@link io.crashfree.loadgen.LoadgenMain} is the command line ({@code bin/crashfree loadgen}); {@link
 * io.crashfree.loadgen.Loadgen#run} is the same run as a library call (the end-to-end benchmark drives it in-process).
 * The main thread parses options, runs a preflight request, starts the client's event loops
 * ({@link io.crashfree.loadgen.http}), prints one progress line per second and writes the final report. Depends on
 * nothing of ours: it talks to a node only over HTTP.
 */
package io.crashfree.loadgen;
