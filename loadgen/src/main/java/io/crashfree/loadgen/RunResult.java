package io.crashfree.loadgen;

import io.crashfree.loadgen.truth.GroundTruth;
import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * What a run did and measured. Rates and latencies cover the measured window (after the warm-up, until the load
 * stopped); counts cover the whole run.
 *
 * @param options            the run's options.
 * @param transport          "epoll" or "nio".
 * @param wallStartMs        when the load started, epoch milliseconds.
 * @param wallEndMs          when the last answer arrived (or the run gave up waiting).
 * @param measuredSeconds    length of the measured window.
 * @param requestsPerSecond  answers (any status) per second in the window.
 * @param okPerSecond        200 answers per second in the window.
 * @param sessionsPerSecond  sessions acknowledged per second in the window (updates + aggregate entry totals).
 * @param sent               requests written.
 * @param ok                 answered 200.
 * @param rejected           answered otherwise.
 * @param byStatus           non-200 answers by status.
 * @param sessionsOk         sessions acknowledged (updates + aggregate entry totals).
 * @param updatesOk          session updates acknowledged.
 * @param aggregateEnvelopesOk aggregate envelopes acknowledged.
 * @param connectsOk         connections opened.
 * @param connectFailures    connection attempts that failed.
 * @param timeouts           requests abandoned after the timeout.
 * @param inDoubt            requests without an answer (may or may not have counted).
 * @param bytesSent          request bytes written.
 * @param firstRejection     the first non-200 answer, or null.
 * @param firstConnectionError the first connection error, or null.
 * @param terminalsPending   long sessions' terminal updates still held when the run ended: never sent, not counted.
 * @param latencyNs          latency in nanoseconds over the window (from the intended send time in open loop).
 * @param truth              what the node acknowledged.
 */
public record RunResult(LoadgenOptions options, String transport, long wallStartMs, long wallEndMs,
    double measuredSeconds, double requestsPerSecond, double okPerSecond, double sessionsPerSecond, long sent, long ok,
    long rejected, Map<Integer, Long> byStatus, long sessionsOk, long updatesOk, long aggregateEnvelopesOk,
    long connectsOk, long connectFailures, long timeouts, long inDoubt, long bytesSent, String firstRejection,
    String firstConnectionError, long terminalsPending, Histogram latencyNs, GroundTruth truth)
{
    /**
     * @param percentile e.g. 99.0.
     * @return that latency percentile in milliseconds (0 when nothing was recorded).
     */
    public double latencyMs(final double percentile)
    {
        return latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getValueAtPercentile(percentile) / 1e6;
    }

    /** @return the largest latency in milliseconds. */
    public double maxLatencyMs()
    {
        return latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getMaxValue() / 1e6;
    }
}
