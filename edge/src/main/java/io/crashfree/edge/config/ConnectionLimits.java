package io.crashfree.edge.config;

/**
 * What one client may hold of the edge, and for how long: deadlines of a request's head and body, caps on open
 * connections, and the request bodies held in memory at once. Built by {@link ConfigLoader}.
 * <p>
 * Without these a slow or greedy client holds a descriptor or memory as long as it likes: a head sent a byte a second,
 * a body trickled to a rejected key, or answers never read. The semantics follow nginx and Apache's mod_reqtimeout.
 *
 * @param headerTimeoutSeconds  {@code edge.http.header.timeout.seconds}: a request's head (request line and headers)
 *                              must arrive within this long of its first byte, and a new connection must send one
 *                              that soon (nginx's {@code client_header_timeout}); else {@code 408} and close.
 * @param bodyTimeoutSeconds    {@code edge.http.body.timeout.seconds}: a request's body gets this long from the end
 *                              of its head, plus a second per {@code bodyMinBytesPerSecond} bytes received (mod_reqtimeout's
 *                              {@code body=20,MinRate=500}); else {@code 408} and close.
 * @param bodyMinBytesPerSecond {@code edge.http.body.min.bytes.per.second}: the slowest body rate kept past the
 *                              body timeout.
 * @param maxConnections        {@code edge.http.max.connections}: open connections at once; a connection past it is
 *                              closed as it is accepted.
 * @param maxConnectionsPerIp   {@code edge.http.max.connections.per.ip}: open connections from one client address.
 * @param bodyBufferBytes       {@code edge.http.body.buffer.megabytes}: request bodies held in memory at once, over
 *                              all connections (each event loop holds its share); past it, {@code 503}.
 */
public record ConnectionLimits(
    int headerTimeoutSeconds,
    int bodyTimeoutSeconds,
    int bodyMinBytesPerSecond,
    int maxConnections,
    int maxConnectionsPerIp,
    long bodyBufferBytes)
{
}
