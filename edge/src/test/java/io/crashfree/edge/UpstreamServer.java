package io.crashfree.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crashfree.errors.forward.EnvelopeItems;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server standing in for the error tracker a node forwards to (GlitchTip, Sentry): it records every
 * request it gets (decompressed) and answers as the test says. It can be stopped and started again on the same port
 * (an upstream that is down for a while).
 */
final class UpstreamServer implements AutoCloseable
{
    /** One request the upstream got. */
    record Received(long atMs, String path, String auth, String forwardedFor, String userAgent, String encoding,
        byte[] envelope)
    {
        /** @return the envelope's items as (type, payload) pairs. */
        List<Item> items()
        {
            final List<Item> items = new ArrayList<>();
            EnvelopeItems.forEach(envelope, 0, envelope.length, (type, buf, off, len) ->
                items.add(new Item(type, java.util.Arrays.copyOfRange(buf, off, off + len))));
            return items;
        }

        /** @return the envelope header line. */
        String headerLine()
        {
            final String s = new String(envelope, StandardCharsets.UTF_8);
            final int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }

    /** An item: its type and payload bytes. */
    record Item(String type, byte[] payload)
    {
        String text()
        {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** What to answer: status, then header pairs. */
    record Answer(int status, String... headers)
    {
    }

    static
    {
        // The JDK server writes an answer's head and body separately; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK hold each answer ~40 ms (real trackers behind nginx set it).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Answer> answer = r -> new Answer(200);
    private HttpServer server;

    private UpstreamServer(final int port)
    {
        this.port = port;
    }

    /** @return a started upstream on a free port. */
    static UpstreamServer start() throws IOException
    {
        final UpstreamServer s = new UpstreamServer(ChildNode.freePort());
        s.up();
        return s;
    }

    /** @return an upstream on a free port that is not listening yet ({@link #up()} starts it). */
    static UpstreamServer down() throws IOException
    {
        return new UpstreamServer(ChildNode.freePort());
    }

    /** @param project the upstream's project id. @param key its public key. @return the DSN of it. */
    String dsn(final String key, final int project)
    {
        return "http://" + key + "@127.0.0.1:" + port + "/" + project;
    }

    /** @param answer what to answer each request (recorded first). */
    void answer(final Function<Received, Answer> answer)
    {
        this.answer = answer;
    }

    /** Starts listening (again). */
    synchronized void up() throws IOException
    {
        if (server != null)
        {
            return;
        }
        final HttpServer s = HttpServer.create();
        s.bind(new InetSocketAddress("127.0.0.1", port), 64);
        s.createContext("/", this::handle);
        s.start();
        server = s;
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    synchronized void stopListening()
    {
        if (server != null)
        {
            server.stop(0);
            server = null;
        }
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final byte[] raw = exchange.getRequestBody().readAllBytes();
            final String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            final byte[] body = "gzip".equalsIgnoreCase(encoding) ? gunzip(raw) : raw;
            final Received r = new Received(System.currentTimeMillis(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("X-Sentry-Auth"),
                exchange.getRequestHeaders().getFirst("X-Forwarded-For"),
                exchange.getRequestHeaders().getFirst("User-Agent"), encoding, body);
            received.add(r);
            final Answer a = answer.apply(r);
            for (int i = 0; i + 1 < a.headers().length; i += 2)
            {
                exchange.getResponseHeaders().add(a.headers()[i], a.headers()[i + 1]);
            }
            final byte[] out = (a.status() == 200 ? "{}" : "{\"detail\":\"test upstream says " + a.status() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), out.length);
            exchange.getResponseBody().write(out);
        }
    }

    static byte[] gunzip(final byte[] raw) throws IOException
    {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw)))
        {
            return in.readAllBytes();
        }
    }

    /** @return every request so far, in order. */
    List<Received> received()
    {
        return received;
    }

    /** @return the payloads of every {@code event} item received, as text. */
    List<String> events()
    {
        final List<String> events = new ArrayList<>();
        for (final Received r : received)
        {
            for (final Item i : r.items())
            {
                if (i.type().equals("event"))
                {
                    events.add(i.text());
                }
            }
        }
        return events;
    }

    /**
     * Waits until the predicate holds.
     *
     * @param what       what is awaited, for the failure.
     * @param timeoutMs  deadline.
     * @param condition  the predicate.
     */
    void await(final String what, final long timeoutMs, final java.util.function.BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what + "; the upstream got " + received.size() +
                    " request(s)");
            }
            Thread.sleep(20);
        }
    }

    /** @param auth an X-Sentry-Auth value. @return its sentry_key. */
    static String keyOf(final String auth)
    {
        for (final String part : auth.substring(auth.indexOf(' ') + 1).split(","))
        {
            final String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("sentry_key="))
            {
                return p.substring("sentry_key=".length());
            }
        }
        return null;
    }

    @Override
    public void close()
    {
        stopListening();
    }
}
