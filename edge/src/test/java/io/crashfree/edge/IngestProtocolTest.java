package io.crashfree.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;

import static io.crashfree.edge.Envelopes.JAVA_SESSION;
import static io.crashfree.edge.Envelopes.utf8;
import static io.crashfree.edge.TestNodes.KEY_42;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1 behaviour over real sockets: keep-alive, pipelining, {@code Connection: close}, chunked bodies,
 * {@code Expect: 100-continue}, CORS preflight, back-pressure.
 */
@Timeout(30)
class IngestProtocolTest
{
    private static final String PATH = "/api/42/envelope/";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + KEY_42;

    @TempDir
    Path dataDir;
    private final RecordingSessionSink sink = new RecordingSessionSink();
    private CrashfreeNode node;

    @BeforeEach
    void start() throws Exception
    {
        node = TestNodes.start(dataDir, sink, Map.of());
    }

    @AfterEach
    void stop() throws InterruptedException
    {
        node.close();
        LeakCheck.assertNoLeaks();
    }

    @Test
    void shouldServeManyRequestsOnOneKeepAliveConnection() throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            for (int i = 0; i < 20; i++)
            {
                final RawHttp.Response r = http.exchange(post(utf8(JAVA_SESSION), AUTH));
                assertEquals(200, r.status(), r.body());
                assertNull(r.header("connection"), "keep-alive is the HTTP/1.1 default");
            }
        }
        assertEquals(20, sink.updates().size());
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder() throws Exception
    {
        final ByteArrayOutputStream burst = new ByteArrayOutputStream();
        burst.writeBytes(post(utf8(JAVA_SESSION), AUTH));
        burst.writeBytes(post(utf8("{nope\n"), AUTH));
        burst.writeBytes(RawHttp.request("GET", "/health", new String[0], null));
        burst.writeBytes(post(utf8(JAVA_SESSION)));
        burst.writeBytes(post(utf8(JAVA_SESSION), AUTH));
        try (RawHttp http = new RawHttp(node.port()))
        {
            http.send(burst.toByteArray());
            assertEquals(200, http.read().status());
            assertEquals(400, http.read().status());
            assertEquals("{\"status\":\"ok\"}", http.read().body());
            assertEquals(401, http.read().status());
            assertEquals(200, http.read().status());
        }
        assertEquals(2, sink.updates().size());
    }

    @Test
    void shouldCloseAfterAnsweringConnectionClose() throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(post(utf8(JAVA_SESSION), AUTH, "Connection: close"));
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(http.isClosedByServer());
        }
        assertEquals(1, sink.updates().size());
    }

    @Test
    void shouldAssembleChunkedBodiesSplitAnywhere() throws Exception
    {
        final byte[] body = utf8(Envelopes.sessions(5));
        for (final int chunk : new int[] { 1, 7, 64, 4096 })
        {
            try (RawHttp http = new RawHttp(node.port()))
            {
                final RawHttp.Response r = http.exchange(RawHttp.chunkedRequest(
                    PATH + "?sentry_key=" + KEY_42 + "&sentry_version=7", new String[0], body, chunk));
                assertEquals(200, r.status(), "chunk size " + chunk + ": " + r.body());
            }
        }
        assertEquals(20, sink.updates().size());
    }

    @Test
    void shouldHonourExpectContinue() throws Exception
    {
        final byte[] body = utf8(JAVA_SESSION);
        try (RawHttp http = new RawHttp(node.port()))
        {
            final byte[] request = RawHttp.request("POST", PATH, new String[] { AUTH, "Expect: 100-continue" }, null);
            final String head = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("\r\n\r\n", "\r\nContent-Length: " + body.length + "\r\n\r\n");
            http.send(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals(100, http.read().status());
            http.send(body);
            assertEquals(200, http.read().status());
        }
        assertEquals(1, sink.updates().size());
    }

    @Test
    void shouldAnswerCorsPreflight() throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("OPTIONS", PATH, new String[] {
                "Origin: https://app.example", "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: content-type" }, null));
            assertEquals(200, r.status());
            assertEquals("*", r.header("access-control-allow-origin"));
            assertTrue(r.header("access-control-allow-methods").contains("POST"));
            assertTrue(r.header("access-control-allow-headers").contains("x-sentry-auth"));
            assertTrue(r.header("access-control-allow-headers").contains("content-encoding"));
            assertEquals("x-sentry-error, x-sentry-rate-limits, retry-after",
                r.header("access-control-expose-headers"));
            assertEquals("3600", r.header("access-control-max-age"));
        }
    }

    @Test
    void shouldAnswer503WhenTheSinkIsFullAndKeepServing() throws Exception
    {
        sink.accepting(false);
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(post(utf8(JAVA_SESSION), AUTH));
            assertEquals(503, r.status());
            assertTrue(r.body().contains("failed to queue envelope"));
            sink.accepting(true);
            assertEquals(200, http.exchange(post(utf8(JAVA_SESSION), AUTH)).status());
        }
        assertEquals(1, sink.updates().size());
        assertEquals(1, node.counters().requests(503));
    }

    @Test
    void shouldCountRequestsAndSessions() throws Exception
    {
        final String aggregates = "{}\n{\"type\":\"sessions\"}\n{\"aggregates\":[{\"started\":\"2026-11-25T11:28:00Z\"," +
            "\"exited\":3,\"crashed\":1}],\"attrs\":{\"release\":\"r@1\"}}\n{\"type\":\"client_report\"}\n{}\n";
        try (RawHttp http = new RawHttp(node.port()))
        {
            assertEquals(200, http.exchange(post(utf8(aggregates), AUTH)).status());
            assertEquals(200, http.exchange(post(utf8(JAVA_SESSION), AUTH)).status());
            assertEquals(401, http.exchange(post(utf8(JAVA_SESSION))).status());
        }
        assertEquals(2, node.counters().requests(200));
        assertEquals(1, node.counters().requests(401));
        assertEquals(1, node.counters().sessionUpdates());
        assertEquals(4, node.counters().aggregateSessions());
        assertEquals(1, node.counters().skippedItems());
    }

    private static byte[] post(final byte[] body, final String... headers)
    {
        return RawHttp.request("POST", PATH, headers, body);
    }
}
