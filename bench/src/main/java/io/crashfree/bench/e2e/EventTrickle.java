package io.crashfree.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Beside the load generator's sessions, a steady trickle of error-event envelopes (an event and its session, as the
 * SDKs send them) to whichever server is being measured, over one keep-alive connection: what a forwarding node spools
 * for its upstream, while a node without an upstream skips it.
 */
final class EventTrickle implements AutoCloseable
{
    /** Event envelopes per second. */
    static final int PER_SECOND = 50;

    private final long project;
    private final String key;
    private final Thread thread;
    private volatile int port;
    private volatile boolean running = true;
    private long sent;

    EventTrickle(final long project, final String key)
    {
        this.project = project;
        this.key = key;
        this.thread = new Thread(this::run, "e2e-event-trickle");
        thread.setDaemon(true);
        thread.start();
    }

    /** @param port the server to send to now, 0 = pause. */
    void target(final int port)
    {
        this.port = port;
    }

    private void run()
    {
        Socket socket = null;
        int connected = 0;
        final byte[] answer = new byte[4096];
        while (running)
        {
            LockSupport.parkNanos(1_000_000_000L / PER_SECOND);
            final int p = port;
            try
            {
                if (p != connected && socket != null)
                {
                    socket.close();
                    socket = null;
                }
                if (p == 0)
                {
                    connected = 0;
                    continue;
                }
                if (socket == null)
                {
                    socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", p), 5000);
                    socket.setSoTimeout(5000);
                    connected = p;
                }
                final byte[] body = envelope(sent++);
                final OutputStream out = socket.getOutputStream();
                out.write(("POST /api/" + project + "/envelope/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sentry-Auth: Sentry " +
                    "sentry_version=7, sentry_key=" + key + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                final InputStream in = socket.getInputStream();
                in.read(answer); // small answers arrive whole; the content is not needed
            }
            catch (final IOException ex)
            {
                try
                {
                    if (socket != null)
                    {
                        socket.close();
                    }
                }
                catch (final IOException ignored)
                {
                    // reconnect next time
                }
                socket = null;
                connected = 0;
            }
        }
    }

    private static byte[] envelope(final long n)
    {
        final String now = java.time.Instant.now().toString();
        final String id = String.format("%032x", n + 1);
        final String event = "{\"event_id\":\"" + id + "\",\"level\":\"error\",\"platform\":\"java\",\"release\":" +
            "\"e2e@1.0\",\"exception\":{\"values\":[{\"type\":\"java.lang.IllegalStateException\",\"value\":\"boom\"," +
            "\"stacktrace\":{\"frames\":[{\"module\":\"com.example.App\",\"function\":\"main\",\"in_app\":true," +
            "\"lineno\":42}]}}]},\"user\":{\"ip_address\":\"{{auto}}\"}}";
        final String session = "{\"sid\":\"ev-" + n + "\",\"did\":\"u" + (n % 1000) + "\",\"init\":true,\"started\":\"" +
            now + "\",\"status\":\"ok\",\"errors\":1,\"attrs\":{\"release\":\"e2e@1.0\",\"environment\":\"production\"}}";
        return ("{\"event_id\":\"" + id + "\",\"sent_at\":\"" + now + "\"}\n{\"type\":\"event\",\"length\":" +
            event.getBytes(StandardCharsets.UTF_8).length + "}\n" + event + "\n{\"type\":\"session\"}\n" + session + "\n")
            .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
    }
}
