package io.crashfree.edge.http;

import io.crashfree.edge.config.ConnectionLimits;
import io.crashfree.edge.ops.ConnectionMetrics;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * One event loop's connections and their deadlines: an agent that runs every {@link #SWEEP_INTERVAL_MS} on the loop,
 * reads the clock once, and closes each connection past its deadline (head too slow, body too slow, idle, answers not
 * read); and the loop's share of the memory that request bodies may hold.
 * <p>
 * Why a sweep and not a timer per request: scheduling a timer allocates, and a request would need one or two; the
 * sweep costs a pass over the loop's connections four times a second and nothing per request. Connections stamp their
 * phase changes with {@link #nowMs()}, the time of the last sweep, so deadlines are exact to a sweep interval.
 * <p>
 * Confined to its event loop (plain fields, no locks): connections register, unregister and reserve body bytes on the
 * loop that owns them.
 */
final class LoopConnections implements Runnable
{
    /** How often deadlines are checked; deadlines are exact to this. */
    static final long SWEEP_INTERVAL_MS = 250;

    private final ConnectionLimits limits;
    private final long idleTimeoutMs;
    private final ConnectionMetrics metrics;
    private final long bodyBudgetBytes;
    private long bodyBytesHeld;
    private long nowMs = clockMs();
    private boolean started;
    private ConnectionHandler head;

    /**
     * @param limits             deadlines and the body budget.
     * @param idleTimeoutSeconds {@code edge.http.idle.timeout.seconds}.
     * @param loops              event loops sharing the body budget.
     * @param metrics            where closed connections are counted.
     */
    LoopConnections(final ConnectionLimits limits, final int idleTimeoutSeconds, final int loops,
        final ConnectionMetrics metrics)
    {
        this.limits = limits;
        this.idleTimeoutMs = idleTimeoutSeconds * 1000L;
        this.metrics = metrics;
        this.bodyBudgetBytes = Math.max(1, limits.bodyBufferBytes() / loops);
    }

    /**
     * Starts the sweep on this loop, once.
     *
     * @param loop the event loop this instance belongs to.
     */
    void startOn(final EventExecutor loop)
    {
        if (!started)
        {
            started = true;
            nowMs = clockMs();
            loop.scheduleAtFixedRate(this, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** @return the time of the last sweep, milliseconds of a monotonic clock. */
    long nowMs()
    {
        return nowMs;
    }

    /** @return the connection limits in force. */
    ConnectionLimits limits()
    {
        return limits;
    }

    /** @return what connections are counted in. */
    ConnectionMetrics metrics()
    {
        return metrics;
    }

    void register(final ConnectionHandler connection)
    {
        connection.next = head;
        connection.prev = null;
        if (head != null)
        {
            head.prev = connection;
        }
        head = connection;
        connection.registered = true;
    }

    void unregister(final ConnectionHandler connection)
    {
        if (!connection.registered)
        {
            return;
        }
        connection.registered = false;
        if (connection.prev != null)
        {
            connection.prev.next = connection.next;
        }
        else
        {
            head = connection.next;
        }
        if (connection.next != null)
        {
            connection.next.prev = connection.prev;
        }
        connection.prev = null;
        connection.next = null;
    }

    /**
     * Reserves room for request body bytes about to be held in memory.
     *
     * @param bytes bytes to hold.
     * @return false when this loop's share of {@code edge.http.body.buffer.megabytes} would be passed.
     */
    boolean tryReserveBody(final int bytes)
    {
        if (bodyBytesHeld + bytes > bodyBudgetBytes)
        {
            return false;
        }
        bodyBytesHeld += bytes;
        return true;
    }

    /** @param bytes body bytes no longer held (as reserved). */
    void releaseBody(final long bytes)
    {
        bodyBytesHeld -= bytes;
    }

    /** @return body bytes this loop holds now. */
    long bodyBytesHeld()
    {
        return bodyBytesHeld;
    }

    @Override
    public void run()
    {
        doWork(clockMs());
    }

    /**
     * Closes the connections past a deadline.
     *
     * @param nowMs the clock, read once for the sweep.
     * @return connections closed.
     */
    int doWork(final long nowMs)
    {
        this.nowMs = nowMs;
        int closed = 0;
        ConnectionHandler c = head;
        while (c != null)
        {
            // Closing may unlink c (now or later); its successor is taken first.
            final ConnectionHandler next = c.next;
            final ConnectionMetrics.Deadline missed = c.missedDeadline(nowMs, idleTimeoutMs,
                limits.headerTimeoutSeconds() * 1000L, limits.bodyTimeoutSeconds() * 1000L,
                limits.bodyMinBytesPerSecond());
            if (missed != null)
            {
                metrics.onTimedOut(missed);
                c.closeAtDeadline(missed);
                closed++;
            }
            c = next;
        }
        return closed;
    }

    private static long clockMs()
    {
        return System.nanoTime() / 1_000_000;
    }
}
