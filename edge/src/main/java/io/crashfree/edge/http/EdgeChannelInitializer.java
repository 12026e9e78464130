package io.crashfree.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an accepted connection: HTTP/1.1 codec with hard limits, {@code 100-continue}, idle timeout, and the
 * node's {@link EdgeHandler}.
 */
final class EdgeChannelInitializer extends ChannelInitializer<SocketChannel>
{
    private static final int MAX_INITIAL_LINE_LENGTH = 8192;
    private static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final EdgeContext context;

    EdgeChannelInitializer(final EdgeContext context)
    {
        this.context = context;
    }

    @Override
    protected void initChannel(final SocketChannel ch)
    {
        final ChannelPipeline p = ch.pipeline();
        p.addLast(new IdleStateHandler(0, 0, context.config().idleTimeoutSeconds(), TimeUnit.SECONDS));
        p.addLast(new HttpServerCodec(MAX_INITIAL_LINE_LENGTH, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
        p.addLast(new HttpServerExpectContinueHandler());
        p.addLast(new EdgeHandler(context));
    }
}
