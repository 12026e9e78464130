package io.crashfree.loadgen.http;

import io.crashfree.loadgen.workload.AggregateBatch;
import io.crashfree.loadgen.workload.PlannedSession;
import io.crashfree.loadgen.workload.UpdateSpec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One client connection slot: at most one request in flight, as an SDK transport sends. A state machine run entirely
 * on its worker's event loop:
 * <pre>
 *            fire (at the intended time)
 *   IDLE ───────────────────────────────▶ CONNECTING ──connected──▶ AWAITING ──answer, keep-alive──▶ IDLE
 *     ▲        (channel open: straight to AWAITING)   │failed (retry later)  │answer, close
 *     │                                               ▼                      ▼
 *     └─────────────────────────────────────────── IDLE         CLOSING ──server closed──▶ IDLE
 *   any state ──stop / out of permits──▶ DONE
 * </pre>
 * Latency is measured from the intended send time (open loop: the schedule's time, so a slow answer delays the next
 * request and that delay is counted, as a real SDK's users would feel it: no coordinated omission), or from the
 * moment the previous answer arrived (closed loop). With {@code Connection: close} the server closes first, so
 * TIME_WAIT stays on its side and the client never runs out of ephemeral ports.
 */
final class LoadConnection implements Runnable, ChannelFutureListener
{
    private static final int IDLE = 0;
    private static final int CONNECTING = 1;
    private static final int AWAITING = 2;
    private static final int CLOSING = 3;
    private static final int DONE = 4;
    private static final int MAX_DETAIL_BYTES = 512;

    private final Worker worker;
    private final long intervalNs;
    private final Runnable retry = this::fire;
    private final StringBuilder detail = new StringBuilder();
    private long nextIntendedNs;
    private long intendedNs;
    private long sentNs;
    private long closingSinceNs;
    private int state = IDLE;
    private Channel channel;
    private ScheduledFuture<?> scheduled;
    private int status;
    private boolean answerKeepAlive;

    /** What the request in flight carries: a session update, or an aggregate batch. */
    final AggregateBatch batch;
    /** Filled with each due terminal update of a long session (never pooled). */
    final PlannedSession terminal = PlannedSession.reusable();
    PlannedSession session;
    UpdateSpec update;
    boolean aggregate;
    /** Whether the request in flight said {@code Connection: close} (its SDK's habit, or the override). */
    boolean requestClose;
    private final java.net.InetSocketAddress address;

    /**
     * @param worker     the owning worker.
     * @param intervalNs open loop: time between this connection's intended sends; 0 for closed loop.
     * @param address    the node it sends to.
     */
    LoadConnection(final Worker worker, final long intervalNs, final java.net.InetSocketAddress address)
    {
        this.worker = worker;
        this.address = address;
        this.intervalNs = intervalNs;
        this.batch = new AggregateBatch(worker.settings.workload().entriesPerEnvelope());
    }

    void start(final long firstIntendedNs)
    {
        nextIntendedNs = firstIntendedNs;
        scheduleNext();
    }

    /** The scheduled send. */
    @Override
    public void run()
    {
        scheduled = null;
        fire();
    }

    private void scheduleNext()
    {
        if (worker.stopping)
        {
            done();
            return;
        }
        state = IDLE;
        final long now = System.nanoTime();
        if (intervalNs == 0)
        {
            intendedNs = now;
            fire();
            return;
        }
        intendedNs = nextIntendedNs;
        nextIntendedNs += intervalNs;
        final long delay = intendedNs - now;
        if (delay <= 0)
        {
            fire();
        }
        else
        {
            scheduled = worker.loop.schedule(this, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void fire()
    {
        if (worker.stopping || state == DONE)
        {
            done();
            return;
        }
        if (!worker.tryAcquirePermit())
        {
            done();
            return;
        }
        if (channel != null && channel.isActive())
        {
            send();
        }
        else
        {
            state = CONNECTING;
            worker.bootstrap.connect(address).addListener(this);
        }
    }

    /** The connect attempt completed. */
    @Override
    public void operationComplete(final ChannelFuture future)
    {
        if (!future.isSuccess())
        {
            worker.counters.connectFailures.increment();
            worker.noteConnectionError(future.cause());
            worker.releasePermit();
            state = IDLE;
            if (worker.stopping)
            {
                done();
            }
            else
            {
                scheduled = worker.loop.schedule(retry, worker.retryDelayMs(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        worker.counters.connectsOk.increment();
        channel = future.channel();
        channel.pipeline().addLast(new AnswerHandler(this, channel));
        if (!channel.isActive())
        {
            // Closed before the handler was there to hear it: nothing was sent, try again.
            channel = null;
            worker.releasePermit();
            state = IDLE;
            if (worker.stopping)
            {
                done();
            }
            else
            {
                scheduled = worker.loop.schedule(retry, worker.retryDelayMs(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (worker.stopping)
        {
            worker.releasePermit();
            done();
            return;
        }
        send();
    }

    private void send()
    {
        final ByteBuf request = worker.nextRequest(this, channel.alloc());
        sentNs = System.nanoTime();
        state = AWAITING;
        status = 0;
        detail.setLength(0);
        worker.counters.sent.increment();
        channel.writeAndFlush(request, channel.voidPromise());
    }

    private void onHead(final HttpResponse response)
    {
        status = response.status().code();
        answerKeepAlive = !requestClose && HttpUtil.isKeepAlive(response);
    }

    private void onContent(final HttpContent content)
    {
        if (status != 200 && detail.length() < MAX_DETAIL_BYTES)
        {
            final ByteBuf c = content.content();
            final int n = Math.min(c.readableBytes(), MAX_DETAIL_BYTES - detail.length());
            detail.append(c.toString(c.readerIndex(), n, StandardCharsets.UTF_8));
        }
    }

    private void onEnd()
    {
        if (state != AWAITING)
        {
            return;
        }
        final long now = System.nanoTime();
        worker.latency.recordValue(Math.max(0, now - intendedNs));
        worker.onAnswer(this, status, detail);
        clearInFlight();
        if (answerKeepAlive)
        {
            scheduleNext();
        }
        else
        {
            state = CLOSING;
            closingSinceNs = now;
        }
    }

    private void onInactive(final Channel closed)
    {
        if (closed != channel)
        {
            return;
        }
        channel = null;
        if (state == AWAITING)
        {
            worker.onNoAnswer(this);
            clearInFlight();
            scheduleNext();
        }
        else if (state == CLOSING)
        {
            scheduleNext();
        }
    }

    private void onFailure(final Channel failed, final Throwable cause)
    {
        worker.noteConnectionError(cause);
        failed.close();
    }

    /** Stop sending: an idle slot is done now; one with a request in flight after its answer. */
    void stop()
    {
        if (state == IDLE)
        {
            if (scheduled != null)
            {
                scheduled.cancel(false);
                scheduled = null;
            }
            done();
        }
    }

    /** Close whatever is open; a request in flight ends in doubt. */
    void forceClose()
    {
        stop();
        final Channel c = channel;
        if (c != null)
        {
            c.close();
            onInactive(c);
        }
    }

    void sweep(final long nowNs, final long timeoutNs, final long closeWaitNs)
    {
        final Channel c = channel;
        if (c == null)
        {
            return;
        }
        // Handled here rather than when the inactive event arrives, so that a channel that died without one (closed
        // before its handler was added) cannot leave the slot waiting forever; the late event is then ignored.
        if (state == AWAITING && nowNs - sentNs > timeoutNs)
        {
            worker.counters.timeouts.increment();
            c.close();
            onInactive(c);
        }
        else if (state == CLOSING && nowNs - closingSinceNs > closeWaitNs)
        {
            c.close();
            onInactive(c);
        }
    }

    private void done()
    {
        if (state == DONE)
        {
            return;
        }
        state = DONE;
        if (channel != null)
        {
            final Channel c = channel;
            channel = null;
            c.close();
        }
        worker.onConnectionDone();
    }

    private void clearInFlight()
    {
        session = null;
        update = null;
    }

    /** Reads one connection's answers; one instance per channel (a close-mode slot opens many). */
    private static final class AnswerHandler extends ChannelInboundHandlerAdapter
    {
        private final LoadConnection connection;
        private final Channel channel;

        AnswerHandler(final LoadConnection connection, final Channel channel)
        {
            this.connection = connection;
            this.channel = channel;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            try
            {
                if (msg instanceof HttpObject && ((HttpObject)msg).decoderResult().isFailure())
                {
                    connection.onFailure(channel, ((HttpObject)msg).decoderResult().cause());
                    return;
                }
                if (msg instanceof HttpResponse)
                {
                    connection.onHead((HttpResponse)msg);
                }
                if (msg instanceof HttpContent)
                {
                    connection.onContent((HttpContent)msg);
                    if (msg instanceof LastHttpContent)
                    {
                        connection.onEnd();
                    }
                }
            }
            finally
            {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            connection.onInactive(channel);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            connection.onFailure(channel, cause);
        }
    }
}
