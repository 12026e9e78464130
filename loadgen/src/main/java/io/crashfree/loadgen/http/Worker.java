package io.crashfree.loadgen.http;

import io.crashfree.loadgen.truth.TruthRecorder;
import io.crashfree.loadgen.truth.UserSets;
import io.crashfree.loadgen.workload.ByteWriter;
import io.crashfree.loadgen.workload.EnvelopeWriter;
import io.crashfree.loadgen.workload.PlannedSession;
import io.crashfree.loadgen.workload.SdkStyle;
import io.crashfree.loadgen.workload.SessionPlanner;
import io.crashfree.loadgen.workload.UpdateSpec;
import io.crashfree.loadgen.workload.WorkloadSpec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client thread's duty: its event loop, its connections, and everything they need to build requests and record
 * answers (planner, envelope writer, gzip encoder, framer, ground truth). Every method runs on {@link #loop}, so the
 * per-request path takes no lock and, after warm-up, allocates only the pooled request buffer.
 */
final class Worker
{
    private static final long SWEEP_INTERVAL_MS = 100;
    private static final long CLOSE_WAIT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long RETRY_DELAY_MS = 100;

    final int index;
    final EventLoop loop;
    final Bootstrap bootstrap;
    final ClientSettings settings;
    final ClientCounters counters;
    final Recorder latency;
    final TruthRecorder truth;
    private final LoadClient client;
    private final SessionPlanner planner;
    private final EnvelopeWriter envelopes;
    private final GzipEncoder gzip;
    /** By project index and {@link SdkStyle} ordinal; null for SDKs the run does not imitate. */
    private final RequestFramer[][] framers;
    private final boolean[] gzipByStyle;
    private final boolean[] closeByStyle;
    private final ByteWriter body = new ByteWriter(16 * 1024);
    private final ByteWriter request = new ByteWriter(16 * 1024);
    private final List<LoadConnection> connections = new ArrayList<>();
    private final long timeoutNs;
    boolean stopping;

    Worker(final int index, final EventLoop loop, final Bootstrap bootstrap, final ClientSettings settings,
        final ClientCounters counters, final Recorder latency, final UserSets users, final LoadClient client)
    {
        this.index = index;
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.settings = settings;
        this.counters = counters;
        this.latency = latency;
        this.client = client;
        this.truth = new TruthRecorder(settings.workload(), users);
        this.planner = new SessionPlanner(settings.workload(), settings.seed() * 31 + index, settings.runSalt(), index,
            Math.max(8, 4 * settings.connections() / settings.threads()));
        this.envelopes = new EnvelopeWriter(settings.workload());
        final WorkloadSpec spec = settings.workload();
        final int styles = SdkStyle.values().length;
        this.framers = new RequestFramer[spec.projects()][styles];
        this.gzipByStyle = new boolean[styles];
        this.closeByStyle = new boolean[styles];
        boolean anyGzip = false;
        for (final SdkStyle style : SdkStyle.values())
        {
            if (!spec.uses(style))
            {
                continue;
            }
            gzipByStyle[style.ordinal()] = settings.gzip(style);
            closeByStyle[style.ordinal()] = settings.close(style);
            anyGzip |= settings.gzip(style);
            for (int p = 0; p < spec.projects(); p++)
            {
                framers[p][style.ordinal()] = new RequestFramer(style, settings.close(style), settings.gzip(style),
                    settings.host(), settings.address().getPort(), spec.projectId(p), settings.publicKeys().get(p));
            }
        }
        this.gzip = anyGzip ? new GzipEncoder() : null;
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
    }

    void add(final LoadConnection connection)
    {
        connections.add(connection);
    }

    /** Starts the connections and the timeout sweep; runs on the loop. */
    void start(final long[] firstIntendedNs)
    {
        loop.scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
        for (int i = 0; i < connections.size(); i++)
        {
            connections.get(i).start(firstIntendedNs[i]);
        }
    }

    /** Stops sending: idle connections finish now, the others after their answer. Runs on the loop. */
    void stop()
    {
        stopping = true;
        for (final LoadConnection c : connections)
        {
            c.stop();
        }
    }

    /** Closes every channel: requests still waiting for an answer end in doubt. Runs on the loop. */
    void forceClose()
    {
        stopping = true;
        for (final LoadConnection c : connections)
        {
            c.forceClose();
        }
    }

    boolean tryAcquirePermit()
    {
        return client.tryAcquirePermit();
    }

    void releasePermit()
    {
        client.releasePermit();
    }

    void onConnectionDone()
    {
        client.onConnectionDone();
    }

    long retryDelayMs()
    {
        return RETRY_DELAY_MS;
    }

    /**
     * Builds the next request of a connection and remembers on it what the request carries.
     *
     * @param c     the connection.
     * @param alloc its allocator.
     * @return the whole request, ready to write.
     */
    ByteBuf nextRequest(final LoadConnection c, final ByteBufAllocator alloc)
    {
        final long nowMs = System.currentTimeMillis();
        final int project;
        final SdkStyle style;
        if (planner.nextIsAggregate())
        {
            planner.fill(c.batch, nowMs);
            envelopes.writeAggregates(body, c.batch, nowMs);
            c.aggregate = true;
            c.session = null;
            c.update = null;
            project = c.batch.project();
            style = c.batch.style();
        }
        else
        {
            final PlannedSession s;
            if (planner.nextDueTerminal(nowMs, c.terminal))
            {
                counters.terminalsTaken.increment();
                s = c.terminal;
            }
            else
            {
                final int held = planner.pendingTerminals();
                s = planner.nextSession(nowMs);
                counters.terminalsHeld.add(planner.pendingTerminals() - held);
            }
            final UpdateSpec u = s.takeNextUpdate();
            envelopes.writeUpdate(body, s, u, nowMs);
            c.aggregate = false;
            c.session = s;
            c.update = u;
            project = s.project();
            style = s.style();
        }
        c.requestClose = closeByStyle[style.ordinal()];
        final RequestFramer framer = framers[project][style.ordinal()];
        if (gzipByStyle[style.ordinal()])
        {
            final int length = gzip.encode(body.array(), body.length());
            framer.frame(gzip.output(), 0, length, request);
        }
        else
        {
            framer.frame(body.array(), 0, body.length(), request);
        }
        final ByteBuf buf = alloc.ioBuffer(request.length());
        buf.writeBytes(request.array(), 0, request.length());
        counters.bytesSent.add(request.length());
        return buf;
    }

    /**
     * A connection's request got its answer.
     *
     * @param c      the connection, still holding what the request carried.
     * @param status HTTP status.
     * @param detail the answer's body when it is not 200 (else empty).
     */
    void onAnswer(final LoadConnection c, final int status, final CharSequence detail)
    {
        if (status == 200)
        {
            counters.ok.increment();
            if (c.aggregate)
            {
                truth.onAggregatesAcked(c.batch);
                counters.sessionsOk.add(c.batch.totalSessions());
                counters.aggregateEnvelopesOk.increment();
            }
            else
            {
                truth.onUpdateAcked(c.session, c.update);
                counters.sessionsOk.increment();
                counters.updatesOk.increment();
            }
        }
        else
        {
            counters.rejected.increment();
            counters.byStatus.incrementAndGet(Math.min(Math.max(status, 0), ClientCounters.MAX_STATUS));
            final String text = status + " " + detail;
            counters.firstRejection.compareAndSet(null, text);
            if (status == 401 || status == 403)
            {
                if (counters.authRejection.compareAndSet(null, text))
                {
                    client.onFatal();
                }
            }
        }
        if (!c.aggregate)
        {
            sessionAnswered(c);
        }
    }

    private void sessionAnswered(final LoadConnection c)
    {
        if (c.session == c.terminal)
        {
            final int held = planner.pendingTerminals();
            planner.onTerminalAnswered(c.terminal, System.currentTimeMillis());
            counters.terminalsHeld.add(planner.pendingTerminals() - held);
        }
        else
        {
            planner.onAnswered(c.session);
        }
    }

    /**
     * A connection's request will get no answer: the node may or may not have counted it.
     *
     * @param c the connection.
     */
    void onNoAnswer(final LoadConnection c)
    {
        counters.inDoubt.increment();
        if (c.aggregate)
        {
            truth.onAggregatesInDoubt(c.batch);
        }
        else
        {
            truth.onUpdateInDoubt(c.session);
            sessionAnswered(c);
        }
    }

    void noteConnectionError(final Throwable cause)
    {
        counters.firstConnectionError.compareAndSet(null, describe(cause));
    }

    private void sweep()
    {
        final long now = System.nanoTime();
        for (final LoadConnection c : connections)
        {
            c.sweep(now, timeoutNs, CLOSE_WAIT_NS);
        }
    }

    static String describe(final Throwable cause)
    {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t)
        {
            t = t.getCause();
        }
        final String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
