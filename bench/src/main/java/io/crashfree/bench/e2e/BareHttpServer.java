package io.crashfree.bench.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling of the end-to-end benchmark: a bare Netty HTTP server that reads each request to its end and answers
 * {@code 200} with an empty body, keep-alive or {@code Connection: close} as asked. Same transport, thread layout
 * (one acceptor, N event loops), socket options and codec ({@link HttpServerCodec} with {@code 100-continue}) as the
 * node's edge, and nothing else: no auth, no decompression, no parsing, no aggregation. What the node achieves over
 * what this achieves, under the same load, is the share of the machine's HTTP ceiling the node keeps.
 * <p>
 * {@code main} runs it as a child JVM: {@code --port P} (0 = any) and {@code --threads N}; it prints
 * {@code bare: listening on http://127.0.0.1:<port> (epoll)} and runs until killed.
 */
public final class BareHttpServer implements AutoCloseable
{
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final boolean epoll;

    private BareHttpServer(final EventLoopGroup acceptor, final EventLoopGroup workers, final Channel channel,
        final boolean epoll)
    {
        this.acceptor = acceptor;
        this.workers = workers;
        this.channel = channel;
        this.epoll = epoll;
    }

    /**
     * Starts serving on 127.0.0.1.
     *
     * @param port    port, 0 for any.
     * @param threads event loops (the node's default: one per core).
     * @return the running server.
     * @throws InterruptedException if interrupted while binding.
     */
    public static BareHttpServer start(final int port, final int threads) throws InterruptedException
    {
        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        final Class<? extends ServerChannel> channelClass =
            epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, factory);
        final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, factory);
        try
        {
            final Channel channel = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                            new EmptyOkHandler());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
            return new BareHttpServer(acceptor, workers, channel, epoll);
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw ex;
        }
    }

    /** @return the bound port. */
    public int port()
    {
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    /** @return "epoll" or "nio". */
    public String transport()
    {
        return epoll ? "epoll" : "nio";
    }

    /** Stops accepting and releases the threads. */
    @Override
    public void close()
    {
        channel.close().syncUninterruptibly();
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * @param args {@code --port P --threads N}.
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        int port = 0;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--port":
                    port = Integer.parseInt(args[i + 1]);
                    break;
                case "--threads":
                    threads = Integer.parseInt(args[i + 1]);
                    break;
                default:
                    System.err.println("bare: unknown argument " + args[i] + " (usage: --port P --threads N)");
                    System.exit(2);
            }
        }
        final BareHttpServer server = start(port, threads);
        System.out.println("bare: listening on http://127.0.0.1:" + server.port() + " (" + server.transport() + "), " +
            threads + " event loops");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Answers each request, once its body has been read, with an empty 200. */
    private static final class EmptyOkHandler extends SimpleChannelInboundHandler<HttpObject>
    {
        private boolean keepAlive;

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final HttpObject msg)
        {
            if (msg instanceof HttpRequest)
            {
                keepAlive = HttpUtil.isKeepAlive((HttpRequest)msg);
            }
            if (msg instanceof LastHttpContent)
            {
                final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                if (keepAlive)
                {
                    ctx.writeAndFlush(response, ctx.voidPromise());
                }
                else
                {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
