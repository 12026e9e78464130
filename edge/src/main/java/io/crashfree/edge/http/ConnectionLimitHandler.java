package io.crashfree.edge.http;

import io.crashfree.edge.ops.ConnectionMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The listening socket's gatekeeper: caps the connections open at once, in total and per client address, and closes
 * a connection past a cap as it is accepted, before any handler, buffer or timer is made for it (Envoy's connection
 * limit; nginx's {@code limit_conn} without its answer). An SDK sees a connection error and retries with its backoff.
 * <p>
 * Sits in the server channel's pipeline ahead of Netty's acceptor, so it sees each accepted channel first. Its counts
 * have one writer, the acceptor thread: a connection's close hands the decrement back to it.
 */
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter
{
    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final ConnectionMetrics metrics;
    private final HashMap<InetAddress, int[]> openPerIp = new HashMap<>();
    private int open;

    /**
     * @param maxConnections      connections open at once.
     * @param maxConnectionsPerIp connections open at once from one address.
     * @param metrics             where refusals and open connections are counted.
     */
    ConnectionLimitHandler(final int maxConnections, final int maxConnectionsPerIp, final ConnectionMetrics metrics)
    {
        this.maxConnections = maxConnections;
        this.maxConnectionsPerIp = maxConnectionsPerIp;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof Channel child))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        final InetAddress address = addressOf(child.remoteAddress());
        if (open >= maxConnections)
        {
            refuse(child, ConnectionMetrics.Refusal.MAX_CONNECTIONS);
            return;
        }
        int[] fromAddress = openPerIp.get(address);
        if (fromAddress != null && fromAddress[0] >= maxConnectionsPerIp)
        {
            refuse(child, ConnectionMetrics.Refusal.MAX_CONNECTIONS_PER_IP);
            return;
        }
        if (fromAddress == null)
        {
            fromAddress = new int[1];
            openPerIp.put(address, fromAddress);
        }
        fromAddress[0]++;
        open++;
        metrics.onOpen(1);
        final EventExecutor acceptor = ctx.executor();
        child.closeFuture().addListener(f ->
        {
            try
            {
                acceptor.execute(() -> onClosed(address));
            }
            catch (final RejectedExecutionException ex)
            {
                metrics.onOpen(-1); // the listener is shutting down; its counts go with it
            }
        });
        ctx.fireChannelRead(child);
    }

    private void onClosed(final InetAddress address)
    {
        open--;
        metrics.onOpen(-1);
        final int[] fromAddress = openPerIp.get(address);
        if (fromAddress != null && --fromAddress[0] == 0)
        {
            openPerIp.remove(address);
        }
    }

    private void refuse(final Channel child, final ConnectionMetrics.Refusal reason)
    {
        metrics.onRefused(reason);
        // Not registered with an event loop yet: close its descriptor right here (as Netty's acceptor does when a
        // registration fails).
        child.unsafe().closeForcibly();
    }

    private static InetAddress addressOf(final SocketAddress remote)
    {
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null ?
            inet.getAddress() : InetAddress.getLoopbackAddress();
    }
}
