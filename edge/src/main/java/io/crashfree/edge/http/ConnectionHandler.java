package io.crashfree.edge.http;

import io.crashfree.edge.ops.ConnectionMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * The first handler of a connection, ahead of the HTTP decoder: it decides when the connection's bytes are read, and
 * knows which phase its current request is in, so that {@link LoopConnections} can close it at a deadline.
 * <p>
 * <b>Back-pressure.</b> Reading stops (auto-read off, {@code read()} requests held back) while the connection is not
 * writable (its answers pile up past the write-buffer high-water mark because the client does not read them) or while
 * a query for it runs off the event loop. Bytes already read when reading stops are held here, undecoded, and fed on
 * when it resumes. Bytes are fed to the decoder at most {@link #FEED_QUANTUM_BYTES} at a time, so one read of
 * pipelined requests cannot produce more than a quantum's worth of answers before writability is looked at again.
 * What a connection holds is therefore bounded whatever the client does: one read buffer here, the decoder's limits,
 * a quantum's answers past the high-water mark, and its request body (bounded by {@link LoopConnections}).
 * <p>
 * <b>Deadlines.</b> A connection is in one {@link Phase} at a time, stamped with the loop's sweep clock; the sweep
 * asks {@link #missedDeadline} and closes it when it answers.
 * <p>
 * Runs on the connection's event loop; the fields are confined to it.
 */
final class ConnectionHandler extends ChannelDuplexHandler
{
    /** Bytes handed to the decoder at once; a read larger than this is fed in slices (it only happens for bodies). */
    static final int FEED_QUANTUM_BYTES = 4096;
    /** Undecoded bytes held while paused; reads are held back then, so only a read in progress adds to them. */
    static final int MAX_HELD_BYTES = 1 << 20;

    /** Reading is paused: the client does not read its answers. */
    static final int PAUSED_UNWRITABLE = 1;
    /** Reading is paused: the current request's answer is being computed off the event loop. */
    static final int PAUSED_ANSWERING = 2;

    private static final long NOT_STALLED = Long.MIN_VALUE;

    /** Where the connection's current request stands. */
    enum Phase
    {
        /** Between requests: no byte of the next one yet (the idle deadline runs). */
        AWAITING_REQUEST,
        /** A new connection, or the next request's first bytes came: its head must complete (the header deadline). */
        READING_HEAD,
        /** The head is decoded; its body must come at the minimum rate (the body deadline). */
        READING_BODY
    }

    private final LoopConnections loop;
    private final ConnectionMetrics metrics;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.READING_HEAD;
    private long phaseStartMs;
    private long bodyBytes;
    private boolean requestBytesSeen;
    private long unwritableSinceMs = NOT_STALLED;
    private long closingSinceMs;
    private boolean closing;
    private int pauses;
    private ByteBuf held;
    private final Runnable resumeWritable = () -> resume(PAUSED_UNWRITABLE);

    /** {@link LoopConnections}'s intrusive list. */
    ConnectionHandler prev;
    /** {@link LoopConnections}'s intrusive list. */
    ConnectionHandler next;
    /** Whether it is on {@link LoopConnections}'s list. */
    boolean registered;

    /**
     * @param loop the connections of the event loop this connection is registered on.
     */
    ConnectionHandler(final LoopConnections loop)
    {
        this.loop = loop;
        this.metrics = loop.metrics();
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        phaseStartMs = loop.nowMs();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        loop.register(this);
        phaseStartMs = loop.nowMs();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        loop.unregister(this);
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        loop.unregister(this);
        releaseHeld();
    }

    /** @return the event loop's connections (the sweep clock, the body budget). */
    LoopConnections loop()
    {
        return loop;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf in))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing)
        {
            in.release();
            return;
        }
        if (phase == Phase.AWAITING_REQUEST)
        {
            phase = Phase.READING_HEAD;
            phaseStartMs = loop.nowMs();
        }
        requestBytesSeen = true;
        if (held != null)
        {
            hold(in);
            return;
        }
        feed(in);
    }

    private void feed(final ByteBuf in)
    {
        while (true)
        {
            if (pauses != 0)
            {
                hold(in);
                return;
            }
            if (closing)
            {
                in.release();
                return;
            }
            if (in.readableBytes() <= FEED_QUANTUM_BYTES)
            {
                ctx.fireChannelRead(in);
                return;
            }
            ctx.fireChannelRead(in.readRetainedSlice(FEED_QUANTUM_BYTES));
        }
    }

    private void hold(final ByteBuf in)
    {
        if (held == null)
        {
            held = in;
            return;
        }
        final CompositeByteBuf all;
        if (held instanceof CompositeByteBuf c)
        {
            all = c;
        }
        else
        {
            all = ctx.alloc().compositeBuffer();
            all.addComponent(true, held);
        }
        all.addComponent(true, in);
        held = all;
        if (all.readableBytes() > MAX_HELD_BYTES)
        {
            // Cannot happen while reads are held back; if a transport read anyway, stop rather than grow.
            beginClose();
            ctx.close();
        }
    }

    @Override
    public void read(final ChannelHandlerContext ctx)
    {
        // The decoder asks for more when it decoded nothing; while paused, nothing more is read.
        if (pauses == 0)
        {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            unwritableSinceMs = NOT_STALLED;
            // Not now: this may run inside a flush that the handlers after us started; feeding them again from
            // within it would nest a read inside their read-complete.
            ctx.executor().execute(resumeWritable);
        }
        else if (unwritableSinceMs == NOT_STALLED)
        {
            unwritableSinceMs = loop.nowMs();
            if ((pauses & PAUSED_UNWRITABLE) == 0)
            {
                metrics.onReadsPaused();
            }
            pause(PAUSED_UNWRITABLE);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Stops reading for a reason; bytes of a read in progress are held.
     *
     * @param reason {@link #PAUSED_UNWRITABLE} or {@link #PAUSED_ANSWERING}.
     */
    void pause(final int reason)
    {
        if (pauses == 0)
        {
            ctx.channel().config().setAutoRead(false);
        }
        pauses |= reason;
    }

    /**
     * Lifts a reason to pause; when none is left, feeds the held bytes on and reads again.
     *
     * @param reason {@link #PAUSED_UNWRITABLE} or {@link #PAUSED_ANSWERING}.
     */
    void resume(final int reason)
    {
        if ((pauses & reason) == 0 || (reason == PAUSED_UNWRITABLE && !ctx.channel().isWritable()))
        {
            return;
        }
        pauses &= ~reason;
        if (pauses != 0 || closing || !ctx.channel().isActive())
        {
            return;
        }
        if (held != null)
        {
            final ByteBuf bytes = held;
            held = null;
            feed(bytes);
            // What was fed is a read's worth: let the handlers after us finish it (the edge flushes its answers).
            ctx.fireChannelReadComplete();
        }
        if (pauses == 0 && !closing)
        {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releaseHeld()
    {
        if (held != null)
        {
            held.release();
            held = null;
        }
    }

    // ---------------------------------------------------------------- phases (told by the edge handler)

    /** The current request's head was decoded: its body deadline starts. */
    void onHead()
    {
        phase = Phase.READING_BODY;
        phaseStartMs = loop.nowMs();
        bodyBytes = 0;
    }

    /** @param bytes body bytes of the current request received. */
    void onBodyBytes(final int bytes)
    {
        bodyBytes += bytes;
    }

    /** The current request was read to its end: the idle deadline runs until the next one starts. */
    void onRequestRead()
    {
        phase = Phase.AWAITING_REQUEST;
        phaseStartMs = loop.nowMs();
        requestBytesSeen = false;
    }

    /** The connection is being closed after its last answer: nothing more is read or decoded. */
    void beginClose()
    {
        if (!closing)
        {
            closing = true;
            closingSinceMs = loop.nowMs();
            releaseHeld();
        }
    }

    // ---------------------------------------------------------------- deadlines (the loop's sweep)

    /**
     * @param nowMs                 the sweep's clock.
     * @param idleTimeoutMs         between requests, and for answers not read.
     * @param headerTimeoutMs       for a request's head.
     * @param bodyTimeoutMs         for a body, before the rate is counted.
     * @param bodyMinBytesPerSecond each of these bytes received extends the body deadline by a second.
     * @return the deadline missed, or null.
     */
    ConnectionMetrics.Deadline missedDeadline(final long nowMs, final long idleTimeoutMs, final long headerTimeoutMs,
        final long bodyTimeoutMs, final int bodyMinBytesPerSecond)
    {
        if (closing)
        {
            // Its last answer is on the way; a client that never takes it does not keep the descriptor.
            if (nowMs - closingSinceMs > idleTimeoutMs)
            {
                ctx.channel().close();
            }
            return null;
        }
        if (unwritableSinceMs != NOT_STALLED)
        {
            return nowMs - unwritableSinceMs > idleTimeoutMs ? ConnectionMetrics.Deadline.UNREAD_ANSWERS : null;
        }
        if ((pauses & PAUSED_ANSWERING) != 0)
        {
            return null; // the node is computing the answer: not the client's time
        }
        final long elapsedMs = nowMs - phaseStartMs;
        return switch (phase)
        {
            case AWAITING_REQUEST -> elapsedMs > idleTimeoutMs ? ConnectionMetrics.Deadline.IDLE : null;
            case READING_HEAD -> elapsedMs > headerTimeoutMs ? ConnectionMetrics.Deadline.HEADER : null;
            case READING_BODY -> elapsedMs > bodyTimeoutMs + bodyBytes * 1000 / bodyMinBytesPerSecond ?
                ConnectionMetrics.Deadline.BODY : null;
        };
    }

    /**
     * Closes the connection at a missed deadline: a request that had started gets {@code 408} first (as nginx and
     * Apache answer), a connection that never sent a byte of its next request is closed silently.
     *
     * @param missed the deadline.
     */
    void closeAtDeadline(final ConnectionMetrics.Deadline missed)
    {
        beginClose();
        final boolean answer = missed == ConnectionMetrics.Deadline.BODY ||
            (missed == ConnectionMetrics.Deadline.HEADER && requestBytesSeen);
        if (!answer)
        {
            ctx.channel().close();
            return;
        }
        final String detail = missed == ConnectionMetrics.Deadline.BODY ?
            "request body arrived slower than " + loop.limits().bodyMinBytesPerSecond() +
                " bytes per second after " + loop.limits().bodyTimeoutSeconds() +
                " s (edge.http.body.min.bytes.per.second, edge.http.body.timeout.seconds)" :
            "request head not received within " + loop.limits().headerTimeoutSeconds() +
                " s (edge.http.header.timeout.seconds)";
        HttpResponses.closeWith(ctx.channel(), 408, detail);
    }
}
