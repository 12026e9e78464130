package io.crashfree.edge.ops;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the edge did to protect itself from its clients: connections refused at accept, closed at a deadline, reads
 * paused because answers were not read, malformed requests, bodies refused for want of buffer memory.
 * <p>
 * Written by the acceptor and the event loops ({@link LongAdder}s: striped, no allocation once warm), rendered by
 * {@link NodeMetrics#render}.
 */
public final class ConnectionMetrics
{
    /** Why a connection was refused as it was accepted. */
    public enum Refusal
    {
        /** {@code edge.http.max.connections} were open. */
        MAX_CONNECTIONS("max-connections"),
        /** {@code edge.http.max.connections.per.ip} were open from the client's address. */
        MAX_CONNECTIONS_PER_IP("max-connections-per-ip");

        private final String label;

        Refusal(final String label)
        {
            this.label = label;
        }
    }

    /** Which deadline closed a connection. */
    public enum Deadline
    {
        /** The request's head did not arrive within {@code edge.http.header.timeout.seconds}. */
        HEADER("header"),
        /** The body arrived slower than {@code edge.http.body.min.bytes.per.second} past its timeout. */
        BODY("body"),
        /** No request for {@code edge.http.idle.timeout.seconds}. */
        IDLE("idle"),
        /** The client did not read its answers for {@code edge.http.idle.timeout.seconds}. */
        UNREAD_ANSWERS("unread-answers");

        private final String label;

        Deadline(final String label)
        {
            this.label = label;
        }
    }

    /** Why the HTTP decoder failed (the request is answered and the connection closed). */
    public enum Malformed
    {
        /** A bad request line, method or header. */
        BAD_REQUEST("bad-request"),
        /** A request line longer than the decoder's limit ({@code 414}). */
        REQUEST_LINE_TOO_LONG("request-line-too-long"),
        /** Headers larger than the decoder's limit ({@code 431}). */
        HEADERS_TOO_LARGE("headers-too-large"),
        /** A missing, malformed or unsupported HTTP version ({@code 505}). */
        BAD_VERSION("bad-version"),
        /** A bad chunk size, chunk terminator or trailer in a chunked body. */
        BAD_CHUNK("bad-chunk");

        private final String label;

        Malformed(final String label)
        {
            this.label = label;
        }
    }

    private final LongAdder[] refused = adders(Refusal.values().length);
    private final LongAdder[] timedOut = adders(Deadline.values().length);
    private final LongAdder[] malformed = adders(Malformed.values().length);
    private final LongAdder readsPaused = new LongAdder();
    private final LongAdder bodyBufferRefused = new LongAdder();
    private final AtomicLong open = new AtomicLong();

    private static LongAdder[] adders(final int n)
    {
        final LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** @param reason why a connection was closed as it was accepted. */
    public void onRefused(final Refusal reason)
    {
        refused[reason.ordinal()].increment();
    }

    /** @param deadline the deadline that closed a connection. */
    public void onTimedOut(final Deadline deadline)
    {
        timedOut[deadline.ordinal()].increment();
    }

    /** @param reason why a request could not be decoded. */
    public void onMalformed(final Malformed reason)
    {
        malformed[reason.ordinal()].increment();
    }

    /** Counts a connection whose reading stopped because its answers were not being read. */
    public void onReadsPaused()
    {
        readsPaused.increment();
    }

    /** Counts a request body refused because the bodies held in memory reached their budget. */
    public void onBodyBufferRefused()
    {
        bodyBufferRefused.increment();
    }

    /** @param delta connections opened (+1) or closed (-1). */
    public void onOpen(final int delta)
    {
        open.addAndGet(delta);
    }

    /** @return connections open now. */
    public long open()
    {
        return open.get();
    }

    /** @return connections refused for that reason since start. */
    public long refused(final Refusal reason)
    {
        return refused[reason.ordinal()].sum();
    }

    /** @return connections closed at that deadline since start. */
    public long timedOut(final Deadline deadline)
    {
        return timedOut[deadline.ordinal()].sum();
    }

    /** @return requests that could not be decoded for that reason since start. */
    public long malformed(final Malformed reason)
    {
        return malformed[reason.ordinal()].sum();
    }

    /** @return times a connection's reading stopped because its answers were not read. */
    public long readsPaused()
    {
        return readsPaused.sum();
    }

    /** @return request bodies refused for want of buffer memory. */
    public long bodyBufferRefused()
    {
        return bodyBufferRefused.sum();
    }

    /**
     * Appends the metrics in the Prometheus text format.
     *
     * @param out where.
     */
    void render(final StringBuilder out)
    {
        NodeMetrics.header(out, "crashfree_connections_open", "gauge", "Client connections open.");
        out.append("crashfree_connections_open ").append(open()).append('\n');
        NodeMetrics.header(out, "crashfree_connections_refused_total", "counter",
            "Connections closed as they were accepted, by the cap they met.");
        for (final Refusal r : Refusal.values())
        {
            out.append("crashfree_connections_refused_total{reason=\"").append(r.label).append("\"} ")
                .append(refused(r)).append('\n');
        }
        NodeMetrics.header(out, "crashfree_connections_timed_out_total", "counter",
            "Connections closed at a deadline: head, body rate, idle, answers not read.");
        for (final Deadline d : Deadline.values())
        {
            out.append("crashfree_connections_timed_out_total{deadline=\"").append(d.label).append("\"} ")
                .append(timedOut(d)).append('\n');
        }
        NodeMetrics.header(out, "crashfree_http_malformed_total", "counter",
            "Requests the HTTP decoder could not read (answered 400, 414, 431 or 505; the connection closed).");
        for (final Malformed m : Malformed.values())
        {
            out.append("crashfree_http_malformed_total{reason=\"").append(m.label).append("\"} ")
                .append(malformed(m)).append('\n');
        }
        NodeMetrics.header(out, "crashfree_reads_paused_total", "counter",
            "Times a connection stopped being read because its answers were not being read.");
        out.append("crashfree_reads_paused_total ").append(readsPaused()).append('\n');
        NodeMetrics.header(out, "crashfree_body_buffer_refused_total", "counter",
            "Request bodies answered 503 because the bodies held in memory reached edge.http.body.buffer.megabytes.");
        out.append("crashfree_body_buffer_refused_total ").append(bodyBufferRefused()).append('\n');
    }
}
