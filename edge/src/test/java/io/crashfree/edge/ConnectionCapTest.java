package io.crashfree.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.crashfree.edge.ops.ConnectionMetrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.crashfree.edge.Envelopes.JAVA_SESSION;
import static io.crashfree.edge.Envelopes.utf8;
import static io.crashfree.edge.TestNodes.KEY_42;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy clients against the caps, over real sockets: connections past the per-address or the total cap are closed as
 * they are accepted (and counted), a slot freed is usable again, other addresses are served meanwhile; bodies past the
 * memory budget for bodies get {@code 503} with {@code Retry-After} and store nothing.
 */
@Timeout(60)
class ConnectionCapTest
{
    private static final String PATH = "/api/42/envelope/";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + KEY_42;
    private static final byte[] HEALTH = RawHttp.request("GET", "/health", new String[0], null);

    @TempDir
    Path dataDir;
    private final RecordingSessionSink sink = new RecordingSessionSink();
    private CrashfreeNode node;
    private final List<RawHttp> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception
    {
        for (final RawHttp c : clients)
        {
            c.close();
        }
        if (node != null)
        {
            node.close();
        }
        LeakCheck.assertNoLeaks();
    }

    @Test
    void shouldRefuseConnectionsPastThePerAddressCapAndServeOtherAddresses() throws Exception
    {
        node = TestNodes.start(dataDir, sink, Map.of("edge.http.max.connections", "10",
            "edge.http.max.connections.per.ip", "3"));
        for (int i = 0; i < 3; i++)
        {
            clients.add(served("127.0.0.1"));
        }
        assertRefused("127.0.0.1");
        try (RawHttp other = served("127.0.0.2"))
        {
            assertEquals(200, other.exchange(HEALTH).status());
        }
        assertEquals(1, refused("max-connections-per-ip"));
        assertEquals(0, refused("max-connections"));

        clients.remove(0).close();
        awaitServed("127.0.0.1");
        clients.remove(0).close();
        assertMetricLine("max-connections-per-ip", 1);
    }

    @Test
    void shouldRefuseConnectionsPastTheTotalCap() throws Exception
    {
        node = TestNodes.start(dataDir, sink, Map.of("edge.http.max.connections", "3",
            "edge.http.max.connections.per.ip", "3"));
        clients.add(served("127.0.0.1"));
        clients.add(served("127.0.0.2"));
        clients.add(served("127.0.0.3"));
        assertRefused("127.0.0.4");
        assertEquals(1, refused("max-connections"));
        assertEquals(3, node.metrics().connections().open());
        clients.remove(0).close();
        awaitServed("127.0.0.4");
        clients.remove(0).close();
        assertMetricLine("max-connections", 1);
    }

    @Test
    void shouldAnswer503WhenTheBodiesHeldReachTheirBudget() throws Exception
    {
        // 1 MiB over two event loops: 512 KiB each. Four bodies of 300 KB, the connections alternating between the
        // loops: the third and fourth do not fit beside the first two.
        node = TestNodes.start(dataDir, sink, Map.of("edge.http.body.buffer.megabytes", "1",
            "edge.http.event.loop.threads", "2"));
        final byte[] part = new byte[300_000];
        int refused = 0;
        for (int i = 0; i < 4; i++)
        {
            final RawHttp c = new RawHttp(node.port());
            clients.add(c);
            c.send(("POST " + PATH + " HTTP/1.1\r\nHost: a\r\n" + AUTH + "\r\nContent-Length: 400000\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            try
            {
                for (int off = 0; off < part.length && c.available() == 0; off += 20_000)
                {
                    c.send(java.util.Arrays.copyOfRange(part, off, off + 20_000));
                    Thread.sleep(5);
                }
            }
            catch (final IOException ex)
            {
                // refused and closed while sending: the answer is read below
            }
            final long until = System.currentTimeMillis() + 500;
            while (c.available() == 0 && System.currentTimeMillis() < until)
            {
                Thread.sleep(10);
            }
            if (c.available() > 0)
            {
                final RawHttp.Response r = c.read();
                assertEquals(503, r.status(), r.body());
                assertEquals("1", r.header("retry-after"));
                assertTrue(r.body().contains("edge.http.body.buffer.megabytes"), r.body());
                assertTrue(c.isClosedByServer());
                refused++;
            }
        }
        assertEquals(2, refused, "the third and fourth body do not fit");
        assertEquals(2, (long)Scrape.of(node.port()).value("crashfree_body_buffer_refused_total"));
        // The held bodies go with their connections; then there is room again.
        for (final RawHttp c : clients)
        {
            c.close();
        }
        clients.clear();
        final long deadline = System.currentTimeMillis() + 10_000;
        int status = 0;
        while (status != 200 && System.currentTimeMillis() < deadline)
        {
            try (RawHttp c = new RawHttp(node.port()))
            {
                status = c.exchange(RawHttp.request("POST", PATH, new String[] { AUTH }, utf8(JAVA_SESSION))).status();
            }
        }
        assertEquals(200, status);
        assertEquals(1, sink.updates().size());
    }

    private RawHttp served(final String from) throws IOException
    {
        final RawHttp c = new RawHttp(node.port(), from);
        assertEquals(200, c.exchange(HEALTH).status(), "from " + from);
        return c;
    }

    private void assertRefused(final String from) throws IOException
    {
        try (RawHttp c = new RawHttp(node.port(), from))
        {
            // The connect itself succeeds (the kernel completes it); the node closes it before reading a byte.
            assertThrows(IOException.class, () -> c.exchange(HEALTH), "from " + from);
        }
    }

    private void awaitServed(final String from) throws Exception
    {
        // The freed slot is given back on the acceptor thread a moment after the close: wait for it (a connection
        // tried before would be refused, and counted), then the address is served again.
        final long deadline = System.currentTimeMillis() + 10_000;
        while (node.metrics().connections().open() > clients.size() && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        served(from).close();
    }

    private long refused(final String reason)
    {
        return node.metrics().connections().refused(reason.equals("max-connections") ?
            ConnectionMetrics.Refusal.MAX_CONNECTIONS : ConnectionMetrics.Refusal.MAX_CONNECTIONS_PER_IP);
    }

    private void assertMetricLine(final String reason, final long expected) throws Exception
    {
        // Slots are given back a moment after a close; the scrape waits for them so that it is not refused itself.
        final long deadline = System.currentTimeMillis() + 10_000;
        while (node.metrics().connections().open() > 1 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, (long)Scrape.of(node.port()).value(
            "crashfree_connections_refused_total{reason=\"" + reason + "\"}"), reason);
    }
}
