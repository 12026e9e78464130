package io.crashfree.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;

/**
 * The pipeline of an accepted connection: the {@link ConnectionHandler} (back-pressure and deadlines, on raw bytes),
 * the HTTP/1.1 codec with hard limits, {@code 100-continue}, and the node's {@link EdgeHandler}.
 */
final class EdgeChannelInitializer extends ChannelInitializer<SocketChannel>
{
    /** Longest request line; past it, {@code 414}. */
    static final int MAX_INITIAL_LINE_LENGTH = 8192;
    /** Largest request head (headers); past it, {@code 431}. */
    static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final EdgeContext context;
    private final boolean opsListener;

    /**
     * @param context     what connections share.
     * @param opsListener whether this is the separate ops listener ({@code /metrics} and {@code /health} only).
     */
    EdgeChannelInitializer(final EdgeContext context, final boolean opsListener)
    {
        this.context = context;
        this.opsListener = opsListener;
    }

    @Override
    protected void initChannel(final SocketChannel ch)
    {
        final ChannelPipeline p = ch.pipeline();
        final ConnectionHandler connection = new ConnectionHandler(context.loopConnections());
        connection.loop().startOn(ch.eventLoop());
        p.addLast(connection);
        p.addLast(new HttpServerCodec(MAX_INITIAL_LINE_LENGTH, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
        p.addLast(new HttpServerExpectContinueHandler());
        p.addLast(new EdgeHandler(context, connection, opsListener));
    }
}
