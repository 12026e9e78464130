/**
 * The Netty side of the edge: server bootstrap ({@link io.crashfree.edge.http.EdgeServer}), pipeline
 * ({@code EdgeChannelInitializer}) and the per-connection handler that routes requests and writes answers.
 * <p>
 * Everything here runs on Netty event-loop threads, except {@code EdgeServer.start/close} (the main thread).
 */
package io.crashfree.edge.http;
