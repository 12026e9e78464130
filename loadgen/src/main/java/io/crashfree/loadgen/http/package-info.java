/**
 * The load generator's HTTP client, on Netty: one event loop per client thread (epoll where available), each owning a
 * {@link io.crashfree.loadgen.http.Worker} (its connections, session planner, envelope writer, gzip encoder and its
 * share of the ground truth), so nothing on the request path is shared or locked.
 * <p>
 * A {@link io.crashfree.loadgen.http.LoadConnection} has at most one request in flight (as an SDK's transport does): it
 * writes a pre-encoded request ({@link io.crashfree.loadgen.http.RequestFramer}) at its intended send time (open loop)
 * or as soon as the previous answer arrived (closed loop), reads the answer with Netty's response decoder, records the
 * latency from the intended time, and applies the request's ground truth when the answer is {@code 200}. Each request
 * is framed as its SDK frames it, for its project (one framer per project and SDK); a {@code Connection: close}
 * request gets a new connection, which the server closes. A due terminal update of a long session goes before a new
 * session.
 */
package io.crashfree.loadgen.http;
