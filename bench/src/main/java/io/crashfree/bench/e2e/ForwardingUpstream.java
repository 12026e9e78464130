package io.crashfree.bench.e2e;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The upstream error tracker of {@code --versus forwarding-down|forwarding-slow}: a closed port (down), or a real HTTP
 * server in this JVM that answers each envelope {@code 200} after 200 ms (slow).
 */
final class ForwardingUpstream implements AutoCloseable
{
    private static final int SLOW_MS = 200;

    private final HttpServer server;
    private final int port;

    private ForwardingUpstream(final HttpServer server, final int port)
    {
        this.server = server;
        this.port = port;
    }

    /**
     * @param versus {@code forwarding-down} or {@code forwarding-slow}.
     * @return the upstream.
     */
    static ForwardingUpstream start(final String versus) throws IOException
    {
        if (versus.equals("forwarding-down"))
        {
            try (ServerSocket socket = new ServerSocket(0))
            {
                return new ForwardingUpstream(null, socket.getLocalPort()); // closed again: connections refused
            }
        }
        final HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        s.createContext("/", exchange ->
        {
            try (exchange)
            {
                exchange.getRequestBody().readAllBytes();
                Thread.sleep(SLOW_MS);
                exchange.sendResponseHeaders(200, -1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        s.start();
        return new ForwardingUpstream(s, s.getAddress().getPort());
    }

    /** @return the DSN the forwarding node is given. */
    String dsn()
    {
        return "http://0123456789abcdef0123456789abcdef@127.0.0.1:" + port + "/1";
    }

    /** @return what it does. */
    String description()
    {
        return server == null ? "down: connections refused" : "slow: 200 after " + SLOW_MS + " ms";
    }

    @Override
    public void close()
    {
        if (server != null)
        {
            server.stop(0);
        }
    }
}
