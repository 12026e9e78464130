package io.crashfree.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.crashfree.edge.ops.ConnectionMetrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that pipeline requests and never read the answers (the issue's {@code GET /health} on four connections,
 * with {@code /metrics} scrapes among them, which are answered off the event loop): the node stops reading them, so
 * its memory stays flat; it goes on serving another client; and it closes them once their answers have gone unread
 * for the idle timeout, giving everything back.
 */
@Timeout(90)
class UnreadAnswersTest
{
    @TempDir
    Path dataDir;
    private final RecordingSessionSink sink = new RecordingSessionSink();
    private CrashfreeNode node;
    private final List<SocketChannel> greedy = new ArrayList<>();

    @AfterEach
    void stop() throws Exception
    {
        for (final SocketChannel c : greedy)
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
    void shouldStopReadingAConnectionWhoseAnswersAreNotReadAndKeepMemoryFlat() throws Exception
    {
        node = TestNodes.start(dataDir, sink, Map.of("edge.http.idle.timeout.seconds", "1"));
        final int port = node.port();
        assertHealthy(port);
        final int descriptorsBefore = NodeResources.openDescriptors();
        final long heapBefore = NodeResources.heapAfterGc();
        final long memoryBefore = NodeResources.nettyUsedBytes();

        final ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; burst.size() < 64 * 1024; i++)
        {
            burst.writeBytes((i % 512 == 511 ? "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n" :
                "GET /health HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        final byte[] requests = burst.toByteArray();
        for (int i = 0; i < 4; i++)
        {
            final SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            ch.configureBlocking(false);
            greedy.add(ch);
        }

        long sent = 0;
        long maxMemory = memoryBefore;
        long nextHealthMs = 0;
        final long endMs = System.currentTimeMillis() + 2_000;
        while (System.currentTimeMillis() < endMs)
        {
            for (final SocketChannel ch : greedy)
            {
                final ByteBuffer b = ByteBuffer.wrap(requests);
                int n;
                while (b.hasRemaining() && (n = writeQuietly(ch, b)) > 0)
                {
                    sent += n;
                }
            }
            maxMemory = Math.max(maxMemory, NodeResources.nettyUsedBytes());
            if (System.currentTimeMillis() >= nextHealthMs)
            {
                assertHealthy(port);
                nextHealthMs = System.currentTimeMillis() + 250;
            }
            Thread.sleep(5);
        }
        System.out.println("UnreadAnswersTest: " + sent + " bytes of requests sent on 4 connections; Netty's buffers " +
            "grew by at most " + (maxMemory - memoryBefore) + " bytes");
        assertTrue(maxMemory - memoryBefore < 32L << 20, "Netty's buffers grew by " + (maxMemory - memoryBefore) +
            " bytes while " + sent + " bytes of requests were sent");
        assertTrue(NodeResources.heapAfterGc() - heapBefore < 64L << 20, "heap after GC grew past 64 MiB");
        final Scrape during = Scrape.of(port);
        assertTrue(during.value("crashfree_reads_paused_total") >= 4, during.lines("crashfree_reads").toString());

        // Answers unread for edge.http.idle.timeout.seconds (a clock that restarts whenever the kernel takes some of
        // them, as nginx's send_timeout does): the node lets such a connection go.
        final long stoppedMs = System.currentTimeMillis();
        final long deadline = stoppedMs + 30_000;
        while (node.metrics().connections().timedOut(ConnectionMetrics.Deadline.UNREAD_ANSWERS) == 0 &&
            System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
        }
        final Scrape after = Scrape.of(port);
        System.out.println("UnreadAnswersTest: the first closed " + (System.currentTimeMillis() - stoppedMs) +
            " ms after the writes stopped: " + after.lines("crashfree_connections_timed_out"));
        assertTrue(after.value("crashfree_connections_timed_out_total{deadline=\"unread-answers\"}") >= 1,
            after.lines("crashfree_connections") + " " + after.lines("crashfree_reads"));

        // The clients go: everything is given back.
        for (final SocketChannel c : greedy)
        {
            c.close();
        }
        greedy.clear();
        while (node.metrics().connections().open() > 0 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
        }
        assertEquals(0, node.metrics().connections().open(), "crashfree_connections_open after the clients left");
        int descriptors = NodeResources.openDescriptors();
        while (descriptors > descriptorsBefore + 5 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(50);
            descriptors = NodeResources.openDescriptors();
        }
        assertTrue(descriptors <= descriptorsBefore + 5, descriptorsBefore + " descriptors before, " + descriptors +
            " after");
        assertTrue(NodeResources.nettyUsedBytes() - memoryBefore < 32L << 20, "Netty's buffers after the clients left");
        assertTrue(sink.isEmpty());
    }

    private static int writeQuietly(final SocketChannel ch, final ByteBuffer b)
    {
        try
        {
            return ch.write(b);
        }
        catch (final IOException ex)
        {
            return 0; // closed by the node
        }
    }

    private static void assertHealthy(final int port) throws IOException
    {
        try (RawHttp http = new RawHttp(port, "127.0.0.2"))
        {
            assertEquals(200, http.exchange(RawHttp.request("GET", "/health", new String[0], null)).status());
        }
    }
}
