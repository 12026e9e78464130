package io.crashfree.loadgen.http;

import io.crashfree.loadgen.workload.SdkStyle;
import io.crashfree.loadgen.workload.WorkloadSpec;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * How the client drives the node, validated by the caller.
 *
 * @param host          host name as given (goes in the {@code Host} header).
 * @param address       resolved loopback address to connect to.
 * @param publicKeys    the DSNs' public keys, by project index of the workload.
 * @param workload      what to send (projects, SDKs, sessions).
 * @param closeOverride {@code Connection: close} (true) or keep-alive (false) for every request; null = each SDK's
 *                      habit.
 * @param gzipOverride  gzip every body (true) or none (false); null = each SDK's habit.
 * @param connections   concurrent connections (each with at most one request in flight).
 * @param threads       client event loops.
 * @param ratePerSecond open loop at this many requests per second over all connections; 0 = closed loop (max rate).
 * @param maxRequests   stop after this many requests; 0 = no limit (the duration bounds the run).
 * @param timeoutMs     a request without an answer after this long is abandoned (counted in doubt).
 * @param seed          seed of the workload's random choices.
 * @param runSalt       differs per run, so session ids never repeat across runs.
 */
public record ClientSettings(String host, InetSocketAddress address, List<String> publicKeys, WorkloadSpec workload,
    Boolean closeOverride, Boolean gzipOverride, int connections, int threads, double ratePerSecond,
    long maxRequests, long timeoutMs, long seed, long runSalt, List<InetSocketAddress> nodes, double[] nodeWeights)
{
    /**
     * The address connection {@code c} of {@code connections} goes to: the nodes' weights cut the connections into
     * consecutive shares (without {@code --nodes}, every connection goes to {@link #address()}).
     *
     * @param c a connection's index.
     * @return its address.
     */
    public InetSocketAddress addressOf(final int c)
    {
        if (nodes == null || nodes.isEmpty())
        {
            return address;
        }
        double total = 0;
        for (final double w : nodeWeights)
        {
            total += w;
        }
        final double at = (c + 0.5) / connections * total;
        double sum = 0;
        for (int n = 0; n < nodes.size(); n++)
        {
            sum += nodeWeights[n];
            if (at < sum)
            {
                return nodes.get(n);
            }
        }
        return nodes.get(nodes.size() - 1);
    }

    /** Checks there is one key per project. */
    public ClientSettings
    {
        publicKeys = List.copyOf(publicKeys);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        if (publicKeys.size() != workload.projects())
        {
            throw new IllegalArgumentException("one public key per project is needed: " + publicKeys.size() +
                " keys, " + workload.projects() + " projects");
        }
    }

    /** @return whether requests are paced at a fixed rate (open loop). */
    public boolean openLoop()
    {
        return ratePerSecond > 0;
    }

    /**
     * @param style an SDK.
     * @return whether its requests carry {@code Connection: close} (the override, else the SDK's habit).
     */
    public boolean close(final SdkStyle style)
    {
        return closeOverride != null ? closeOverride : style.defaultClose();
    }

    /**
     * @param style an SDK.
     * @return whether its bodies are gzip-encoded (the override, else the SDK's habit).
     */
    public boolean gzip(final SdkStyle style)
    {
        return gzipOverride != null ? gzipOverride : style.defaultGzip();
    }
}
