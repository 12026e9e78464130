package io.crashfree.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.crashfree.edge.Envelopes.JAVA_SESSION;
import static io.crashfree.edge.Envelopes.utf8;
import static io.crashfree.edge.TestNodes.KEY_42;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow clients against the deadlines, over real sockets: a head trickled a byte at a time gets {@code 408} and is
 * closed, so does a body below the minimum rate, a silent or idle connection is closed, a slow but steady body is
 * served; and a few hundred slow connections over a few seconds leave the node's descriptors and memory flat while it
 * goes on serving another client. Each case checks its metric line and that nothing was stored.
 */
@Timeout(90)
class SlowClientTest
{
    private static final String PATH = "/api/42/envelope/";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + KEY_42;

    @TempDir
    Path dataDir;
    private final RecordingSessionSink sink = new RecordingSessionSink();
    private CrashfreeNode node;

    @AfterEach
    void stop() throws InterruptedException
    {
        if (node != null)
        {
            node.close();
        }
        LeakCheck.assertNoLeaks();
    }

    private void start(final Map<String, String> settings) throws InterruptedException
    {
        final Map<String, String> values = new HashMap<>(Map.of(
            "edge.http.header.timeout.seconds", "1",
            "edge.http.body.timeout.seconds", "1",
            "edge.http.body.min.bytes.per.second", "100",
            "edge.http.idle.timeout.seconds", "2"));
        values.putAll(settings);
        node = TestNodes.start(dataDir, sink, values);
    }

    @Test
    void shouldAnswer408AndCloseWhenTheHeadTrickles() throws Exception
    {
        start(Map.of());
        try (RawHttp slow = new RawHttp(node.port()))
        {
            slow.send(ascii("POST " + PATH + " HTTP/1.1\r\nHost: a\r\nX-Slow: "));
            trickleUntilAnswered(slow, 20_000);
            final RawHttp.Response r = slow.read();
            assertEquals(408, r.status(), r.body());
            assertTrue(r.body().contains("edge.http.header.timeout.seconds"), r.body());
            assertTrue(slow.isClosedByServer());
        }
        assertEquals(1, timedOut("header"));
        assertServesOthers();
    }

    @Test
    void shouldCloseAConnectionThatNeverSendsARequest() throws Exception
    {
        start(Map.of());
        try (RawHttp silent = new RawHttp(node.port()))
        {
            assertTrue(silent.isClosedByServer(), "closed without an answer: it never asked anything");
        }
        assertEquals(1, timedOut("header"));
        assertServesOthers();
    }

    @Test
    void shouldAnswer408WhenTheBodyIsSlowerThanTheMinimumRate() throws Exception
    {
        start(Map.of());
        try (RawHttp slow = new RawHttp(node.port()))
        {
            slow.send(ascii("POST " + PATH + " HTTP/1.1\r\nHost: a\r\n" + AUTH + "\r\nContent-Length: 10000\r\n\r\n"));
            trickleUntilAnswered(slow, 20_000);
            final RawHttp.Response r = slow.read();
            assertEquals(408, r.status(), r.body());
            assertTrue(r.body().contains("edge.http.body.min.bytes.per.second"), r.body());
            assertTrue(slow.isClosedByServer());
        }
        assertTrue(sink.isEmpty(), "a body cut off by its deadline stores nothing");
        assertEquals(1, timedOut("body"));
        assertServesOthers();
    }

    @Test
    void shouldServeASlowButSteadyBody() throws Exception
    {
        start(Map.of());
        final byte[] body = utf8(JAVA_SESSION);
        try (RawHttp steady = new RawHttp(node.port()))
        {
            steady.send(ascii("POST " + PATH + " HTTP/1.1\r\nHost: a\r\n" + AUTH + "\r\nContent-Length: " +
                body.length + "\r\n\r\n"));
            // 50 bytes every 100 ms: 500 B/s, past the 1 s body timeout but above the 100 B/s minimum rate.
            for (int i = 0; i < body.length; i += 50)
            {
                steady.send(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + 50)));
                Thread.sleep(100);
            }
            assertEquals(200, steady.read().status());
        }
        assertEquals(1, sink.updates().size());
        assertEquals(0, timedOut("body"));
    }

    @Test
    void shouldCloseAnIdleKeepAliveConnection() throws Exception
    {
        start(Map.of());
        try (RawHttp idle = new RawHttp(node.port()))
        {
            assertEquals(200, idle.exchange(RawHttp.request("GET", "/health", new String[0], null)).status());
            assertTrue(idle.isClosedByServer(), "closed silently after edge.http.idle.timeout.seconds");
        }
        assertEquals(1, timedOut("idle"));
    }

    @Test
    void shouldKeepDescriptorsAndMemoryFlatUnderHundredsOfSlowConnections() throws Exception
    {
        start(Map.of("edge.http.max.connections", "60", "edge.http.max.connections.per.ip", "40"));
        final int port = node.port();
        assertServesOthers(); // warm: the event loops' descriptors and buffers exist before the baseline
        final int descriptorsBefore = NodeResources.openDescriptors();
        final long memoryBefore = NodeResources.nettyUsedBytes();
        final byte[] head = ascii("POST " + PATH + " HTTP/1.1\r\nHost: a\r\nX-Slow: ");

        final List<SocketChannel> open = new ArrayList<>();
        final Map<SocketChannel, Long> nextByteMs = new HashMap<>();
        int opened = 0;
        int maxServerConnections = 0;
        long maxMemory = memoryBefore;
        final long startMs = System.currentTimeMillis();
        final long endMs = startMs + 15_000;
        long nextOtherMs = 0;
        long nextSampleMs = 0;
        final ByteBuffer one = ByteBuffer.allocate(1);
        final ByteBuffer sink = ByteBuffer.allocate(4096);
        while (System.currentTimeMillis() < endMs && (opened < 400 || System.currentTimeMillis() < startMs + 4_000))
        {
            final long now = System.currentTimeMillis();
            // A new slow connection every 10 ms (400 in all, however slow the machine: a few at a time when behind),
            // each sending a head a byte every 300 ms.
            for (int burst = 0; burst < 10 && opened < 400 && opened < (now - startMs) / 10; burst++)
            {
                final SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.configureBlocking(false);
                ch.write(ByteBuffer.wrap(head));
                open.add(ch);
                nextByteMs.put(ch, now + 300);
                opened++;
            }
            for (final Iterator<SocketChannel> it = open.iterator(); it.hasNext(); )
            {
                final SocketChannel c = it.next();
                boolean closed;
                try
                {
                    sink.clear();
                    closed = c.read(sink) != 0; // an answer (408) or the end: the node let it go
                    if (!closed && nextByteMs.get(c) <= now)
                    {
                        one.clear();
                        one.put((byte)'a').flip();
                        c.write(one);
                        nextByteMs.put(c, now + 300);
                    }
                }
                catch (final IOException ex)
                {
                    closed = true;
                }
                if (closed)
                {
                    c.close();
                    nextByteMs.remove(c);
                    it.remove();
                }
            }
            if (now >= nextSampleMs)
            {
                // Reading /proc/net/tcp takes a while when the machine has many sockets: sampled, not every round.
                maxServerConnections = Math.max(maxServerConnections, NodeResources.serverConnections(port));
                maxMemory = Math.max(maxMemory, NodeResources.nettyUsedBytes());
                nextSampleMs = System.currentTimeMillis() + 100;
            }
            if (now >= nextOtherMs)
            {
                // Another client (another address) is served all along.
                try (RawHttp other = new RawHttp(port, "127.0.0.2"))
                {
                    assertEquals(200, other.exchange(RawHttp.request("GET", "/health", new String[0], null))
                        .status());
                }
                nextOtherMs = now + 500;
            }
            Thread.sleep(5);
        }
        for (final SocketChannel c : open)
        {
            c.close();
        }

        System.out.println("SlowClientTest: " + opened + " slow connections opened; at most " + maxServerConnections +
            " open on the node's side; Netty's buffers grew by at most " + (maxMemory - memoryBefore) + " bytes");
        assertTrue(opened >= 400, "opened " + opened);
        // The accept queue may hold a few handshakes the acceptor has not taken yet (established in the kernel, no
        // descriptor in the node yet): some slack over the cap.
        assertTrue(maxServerConnections <= 60 + 20, "server-side connections peaked at " + maxServerConnections);
        assertTrue(maxServerConnections >= 20, "the slow connections were seen on the node's side: " +
            maxServerConnections);
        assertTrue(maxMemory - memoryBefore < 32L << 20,
            "Netty's buffers grew by " + (maxMemory - memoryBefore) + " bytes");
        final Scrape scrape = Scrape.of(port);
        assertTrue(scrape.value("crashfree_connections_refused_total{reason=\"max-connections-per-ip\"}") > 0,
            scrape.lines("crashfree_connections").toString());
        assertTrue(scrape.value("crashfree_connections_timed_out_total{deadline=\"header\"}") > 0,
            scrape.lines("crashfree_connections").toString());
        // Everything given back: descriptors as before (the scrape's own connection may still be closing).
        final long deadline = System.currentTimeMillis() + 20_000;
        int descriptors = NodeResources.openDescriptors();
        while (descriptors > descriptorsBefore + 5 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(50);
            descriptors = NodeResources.openDescriptors();
        }
        assertTrue(descriptors <= descriptorsBefore + 5, descriptorsBefore + " descriptors before, " + descriptors +
            " after");
        while (node.metrics().connections().open() > 0 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(50);
        }
        assertEquals(0, node.metrics().connections().open(), "crashfree_connections_open after the clients left");
        assertTrue(this.sink.isEmpty());
    }

    private void trickleUntilAnswered(final RawHttp http, final long maxMs) throws Exception
    {
        final long end = System.currentTimeMillis() + maxMs;
        while (http.available() == 0 && System.currentTimeMillis() < end)
        {
            try
            {
                http.send(new byte[] { 'a' });
            }
            catch (final IOException ex)
            {
                return; // closed; the read that follows tells what was answered
            }
            Thread.sleep(100);
        }
    }

    private long timedOut(final String deadline) throws IOException
    {
        return (long)Scrape.of(node.port()).value("crashfree_connections_timed_out_total{deadline=\"" + deadline +
            "\"}");
    }

    private void assertServesOthers() throws IOException
    {
        try (RawHttp other = new RawHttp(node.port()))
        {
            assertEquals(200, other.exchange(RawHttp.request("GET", "/health", new String[0], null)).status());
        }
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
