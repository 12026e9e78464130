package io.crashfree.edge.http;

import io.crashfree.edge.config.ConnectionLimits;
import io.crashfree.edge.config.OpsSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: epoll where available, NIO otherwise; one acceptor thread and a pool of event loops; the edge
 * listener and, when configured, a separate ops listener for {@code /metrics} and {@code /health}.
 * <p>
 * Every connection is bounded: the acceptor refuses connections past the caps ({@link ConnectionLimitHandler}), a
 * connection stops being read while its answers are not ({@link #WRITE_BUFFER_HIGH_BYTES}, {@link ConnectionHandler}),
 * and each event loop closes connections past their deadlines ({@link LoopConnections}).
 */
public final class EdgeServer implements AutoCloseable
{
    private final EdgeContext context;
    private final boolean epoll;
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup ioGroup;
    private Channel serverChannel;
    private Channel opsChannel;

    /** Answers queued past this are not being read: the connection stops being read (Netty's default marks). */
    static final int WRITE_BUFFER_HIGH_BYTES = 64 * 1024;
    /** Reading resumes once the queued answers drain below this. */
    static final int WRITE_BUFFER_LOW_BYTES = 32 * 1024;
    /**
     * Largest single read: what a paused connection may hold undecoded (a typical envelope is a few KiB; a 1 MiB body
     * takes a few more reads).
     */
    static final int READ_BUFFER_MAX_BYTES = 16 * 1024;
    /** Connections the separate ops listener takes at once (scrapers and supervisors, not clients). */
    static final int OPS_MAX_CONNECTIONS = 64;

    /** @param context what the connections share. */
    public EdgeServer(final EdgeContext context)
    {
        this.context = context;
        this.epoll = Epoll.isAvailable();
    }

    /**
     * Binds and starts accepting.
     *
     * @return the bound address (with the real port when the configured one is 0).
     * @throws InterruptedException if interrupted while binding.
     */
    public InetSocketAddress start() throws InterruptedException
    {
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        final Class<? extends ServerChannel> channelClass =
            epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptorGroup = new MultiThreadIoEventLoopGroup(1, factory);
        ioGroup = new MultiThreadIoEventLoopGroup(context.eventLoops(), factory);
        final ConnectionLimits limits = context.config().connectionLimits();
        serverChannel = bootstrap(channelClass, false,
            new ConnectionLimitHandler(limits.maxConnections(), limits.maxConnectionsPerIp(),
                context.metrics().connections()))
            .bind(context.config().httpHost(), context.config().httpPort()).sync().channel();
        final OpsSettings ops = context.config().ops();
        if (ops.separateListener())
        {
            opsChannel = bootstrap(channelClass, true, new ConnectionLimitHandler(OPS_MAX_CONNECTIONS,
                OPS_MAX_CONNECTIONS, context.metrics().connections()))
                .bind(ops.metricsHost(), ops.metricsPort()).sync().channel();
        }
        return (InetSocketAddress)serverChannel.localAddress();
    }

    private ServerBootstrap bootstrap(final Class<? extends ServerChannel> channelClass, final boolean opsListener,
        final ConnectionLimitHandler limitHandler)
    {
        return new ServerBootstrap()
            .group(acceptorGroup, ioGroup)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .handler(limitHandler)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
            .childOption(ChannelOption.RECVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(64, 2048, READ_BUFFER_MAX_BYTES))
            .childHandler(new EdgeChannelInitializer(context, opsListener));
    }

    /** @return the ops listener's address, or null when {@code /metrics} is served on the edge port. */
    public InetSocketAddress opsAddress()
    {
        return opsChannel == null ? null : (InetSocketAddress)opsChannel.localAddress();
    }

    /**
     * @return whether the acceptor and every event loop still run: a loop whose thread died of an error nothing
     *         caught leaves its connections unanswered ({@code /health} reports it).
     */
    public boolean eventLoopsRunning()
    {
        return running(acceptorGroup) && running(ioGroup);
    }

    private static boolean running(final EventLoopGroup group)
    {
        if (group == null)
        {
            return false;
        }
        for (final EventExecutor loop : group)
        {
            if (loop.isShuttingDown())
            {
                return false;
            }
        }
        return true;
    }

    /** @return "epoll" or "nio". */
    public String transport()
    {
        return epoll ? "epoll" : "nio";
    }

    /** Stops accepting, lets in-flight requests finish, and releases the threads. */
    @Override
    public void close()
    {
        if (serverChannel != null)
        {
            serverChannel.close().syncUninterruptibly();
        }
        if (opsChannel != null)
        {
            opsChannel.close().syncUninterruptibly();
        }
        if (acceptorGroup != null)
        {
            acceptorGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (ioGroup != null)
        {
            ioGroup.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }
}
