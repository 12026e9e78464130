package io.crashfree.errors.forward;

import java.util.Map;

/**
 * Forwarding's validated settings (the edge's configuration loader builds it and names a bad key).
 *
 * @param upstreams          {@code project.<id>.upstream.dsn}: project id to its upstream; empty = forwarding off.
 * @param spoolMaxBytes      {@code forward.spool.max.megabytes} in bytes: the spool's files at most.
 * @param upstreamTimeoutMs  {@code forward.upstream.timeout.seconds} in ms: connect and answer deadline of one send.
 * @param retryMaxMs         {@code forward.retry.max.seconds} in ms: the longest wait between retries after a
 *                           network error or a 5xx (the waits double from one second up to it).
 * @param syncIntervalMs     {@code aggregation.sync.interval.ms}: how often the spool's pages are written back to
 *                           disk against power loss, as the live aggregates' are; 0 = never (kill -9 loses nothing).
 */
public record ForwardSettings(Map<Long, UpstreamDsn> upstreams, long spoolMaxBytes, long upstreamTimeoutMs,
    long retryMaxMs, long syncIntervalMs)
{
    /** @return whether any project forwards. */
    public boolean enabled()
    {
        return !upstreams.isEmpty();
    }

    /**
     * @param projectId a project.
     * @return whether the project has an upstream.
     */
    public boolean forwards(final long projectId)
    {
        return upstreams.containsKey(projectId);
    }
}
