package io.crashfree.loadgen.http;

import io.crashfree.loadgen.truth.TruthRecorder;
import io.crashfree.loadgen.truth.UserSets;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client: {@link ClientSettings#threads()} event loops (epoll where available, NIO otherwise), each with a
 * {@link Worker} and its share of the connections (connection {@code i} on worker {@code i % threads}).
 * <p>
 * Open loop: the rate is split evenly over the connections, connection {@code i}'s schedule offset by {@code i / rate},
 * so the requests are evenly spaced overall (wrk2's model). Closed loop: every connection sends its next request as
 * soon as the previous answer arrived.
 * <p>
 * Lifecycle, driven by the main thread: {@link #start}, then wait on {@link #finished()} (all connections out of
 * permits, or the node rejected the key), {@link #stop}, {@link #awaitIdle}, {@link #forceClose}, {@link #close}.
 */
public final class LoadClient implements AutoCloseable
{
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final ClientSettings settings;
    private final EventLoopGroup group;
    private final boolean epoll;
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicLong permits;
    private final boolean limited;
    private final AtomicInteger connectionsDone = new AtomicInteger();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch idle = new CountDownLatch(1);
    private volatile boolean fatal;

    /**
     * @param settings what to do.
     * @param counters where the threads count.
     * @param latency  where the threads record latencies (nanoseconds).
     * @param users    the shared ground-truth user sets.
     */
    public LoadClient(final ClientSettings settings, final ClientCounters counters, final Recorder latency,
        final UserSets users)
    {
        this.settings = settings;
        this.epoll = Epoll.isAvailable();
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(settings.threads(), factory);
        this.limited = settings.maxRequests() > 0;
        this.permits = new AtomicLong(limited ? settings.maxRequests() : Long.MAX_VALUE);
        final Iterator<EventExecutor> loops = group.iterator();
        for (int i = 0; i < settings.threads(); i++)
        {
            final EventLoop loop = (EventLoop)loops.next();
            final Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<Channel>()
                {
                    @Override
                    protected void initChannel(final Channel ch)
                    {
                        // The node's and the ceiling's headers are trusted: no per-header validation on the client.
                        ch.pipeline().addLast(new HttpResponseDecoder(new HttpDecoderConfig().setHeadersFactory(
                            DefaultHttpHeadersFactory.headersFactory().withValidation(false))));
                    }
                });
            workers.add(new Worker(i, loop, bootstrap, settings, counters, latency, users, this));
        }
        final long intervalNs = settings.openLoop() ?
            Math.max(1, Math.round(settings.connections() * 1e9 / settings.ratePerSecond())) : 0;
        for (int c = 0; c < settings.connections(); c++)
        {
            final Worker w = workers.get(c % settings.threads());
            w.add(new LoadConnection(w, intervalNs, settings.addressOf(c)));
        }
    }

    /** @return "epoll" or "nio". */
    public String transport()
    {
        return epoll ? "epoll" : "nio";
    }

    /**
     * Starts sending.
     *
     * @param startNs {@link System#nanoTime()} of the first intended send.
     */
    public void start(final long startNs)
    {
        final double spacingNs = settings.openLoop() ? 1e9 / settings.ratePerSecond() : 0;
        for (int w = 0; w < workers.size(); w++)
        {
            final Worker worker = workers.get(w);
            final int count = (settings.connections() - w + settings.threads() - 1) / settings.threads();
            final long[] first = new long[count];
            for (int i = 0; i < count; i++)
            {
                final int global = i * settings.threads() + w;
                first[i] = startNs + Math.round(global * spacingNs);
            }
            worker.loop.execute(() -> worker.start(first));
        }
    }

    /** @return counted down when every connection ran out of permits, or when the node rejected the key. */
    public CountDownLatch finished()
    {
        return finished;
    }

    /** @return whether the node rejected the key (401/403). */
    public boolean fatal()
    {
        return fatal;
    }

    /** Stops sending; requests in flight still get their answers. */
    public void stop()
    {
        for (final Worker w : workers)
        {
            w.loop.execute(w::stop);
        }
    }

    /**
     * @param timeoutMs how long to wait.
     * @return whether every connection finished (its last answer arrived) within the time.
     * @throws InterruptedException if interrupted.
     */
    public boolean awaitIdle(final long timeoutMs) throws InterruptedException
    {
        return idle.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Closes every connection; requests still in flight end in doubt. */
    public void forceClose()
    {
        if (group.isShuttingDown())
        {
            return;
        }
        for (final Worker w : workers)
        {
            w.loop.execute(w::forceClose);
        }
    }

    /** @return the threads' ground-truth recorders (read them after {@link #close}). */
    public List<TruthRecorder> truth()
    {
        final List<TruthRecorder> list = new ArrayList<>();
        for (final Worker w : workers)
        {
            list.add(w.truth);
        }
        return list;
    }

    /**
     * Shuts the event loops down and waits for them (which also publishes the recorders to the caller). Idempotent.
     */
    @Override
    public void close()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    boolean tryAcquirePermit()
    {
        if (!limited)
        {
            return true;
        }
        while (true)
        {
            final long left = permits.get();
            if (left <= 0)
            {
                return false;
            }
            if (permits.compareAndSet(left, left - 1))
            {
                return true;
            }
        }
    }

    void releasePermit()
    {
        if (limited)
        {
            permits.incrementAndGet();
        }
    }

    void onConnectionDone()
    {
        if (connectionsDone.incrementAndGet() == settings.connections())
        {
            finished.countDown();
            idle.countDown();
        }
    }

    void onFatal()
    {
        fatal = true;
        finished.countDown();
    }
}
