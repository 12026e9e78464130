package io.crashfree.edge.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: epoll where available, NIO otherwise; one acceptor thread and a pool of event loops.
 */
public final class EdgeServer implements AutoCloseable
{
    private final EdgeContext context;
    private final boolean epoll;
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup ioGroup;
    private Channel serverChannel;

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
        final int threads = context.config().eventLoopThreads() == 0 ?
            Runtime.getRuntime().availableProcessors() : context.config().eventLoopThreads();
        acceptorGroup = new MultiThreadIoEventLoopGroup(1, factory);
        ioGroup = new MultiThreadIoEventLoopGroup(threads, factory);
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(acceptorGroup, ioGroup)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new EdgeChannelInitializer(context));
        serverChannel = bootstrap.bind(context.config().httpHost(), context.config().httpPort()).sync().channel();
        return (InetSocketAddress)serverChannel.localAddress();
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
