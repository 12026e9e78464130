/**
 * The Netty side of the edge: server bootstrap ({@link io.crashfree.edge.http.EdgeServer}), the acceptor's connection
 * caps ({@code ConnectionLimitHandler}), the pipeline ({@code EdgeChannelInitializer}): per connection a
 * {@code ConnectionHandler} on the raw bytes (back-pressure, request phases for the deadlines), Netty's HTTP codec, and
 * the handler that routes requests (each path's API area decided in one place, {@code ApiRouter}) and writes answers; per event loop a {@code LoopConnections} that sweeps the
 * deadlines and holds the loop's share of the body budget.
 * <p>
 * Everything here runs on Netty event-loop threads, except {@code EdgeServer.start/close} (the main thread) and
 * {@code ConnectionLimitHandler} (the acceptor thread).
 */
package io.crashfree.edge.http;
