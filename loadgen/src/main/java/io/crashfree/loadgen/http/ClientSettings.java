package io.crashfree.loadgen.http;

import io.crashfree.loadgen.workload.WorkloadSpec;

import java.net.InetSocketAddress;

/**
 * How the client drives the node, validated by the caller.
 *
 * @param host          host name as given (goes in the {@code Host} header).
 * @param address       resolved loopback address to connect to.
 * @param projectId     project id of the ingest path.
 * @param publicKey     the DSN's public key.
 * @param workload      what to send.
 * @param close         {@code Connection: close}: a new connection per request.
 * @param gzip          gzip-encode request bodies.
 * @param connections   concurrent connections (each with at most one request in flight).
 * @param threads       client event loops.
 * @param ratePerSecond open loop at this many requests per second over all connections; 0 = closed loop (max rate).
 * @param maxRequests   stop after this many requests; 0 = no limit (the duration bounds the run).
 * @param timeoutMs     a request without an answer after this long is abandoned (counted in doubt).
 * @param seed          seed of the workload's random choices.
 * @param runSalt       differs per run, so session ids never repeat across runs.
 */
public record ClientSettings(String host, InetSocketAddress address, long projectId, String publicKey,
    WorkloadSpec workload, boolean close, boolean gzip, int connections, int threads, double ratePerSecond,
    long maxRequests, long timeoutMs, long seed, long runSalt)
{
    /** @return whether requests are paced at a fixed rate (open loop). */
    public boolean openLoop()
    {
        return ratePerSecond > 0;
    }
}
