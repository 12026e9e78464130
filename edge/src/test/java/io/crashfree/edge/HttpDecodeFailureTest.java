package io.crashfree.edge;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static io.crashfree.edge.Envelopes.JAVA_SESSION;
import static io.crashfree.edge.Envelopes.utf8;
import static io.crashfree.edge.TestNodes.KEY_42;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way the HTTP decoder can fail, over a real socket: each request gets its status and a JSON {@code detail},
 * nothing of it is stored (a chunked body broken after good chunks included), the connection is closed, the failure
 * is counted on {@code /metrics}, and the node goes on serving other clients.
 */
@Timeout(60)
class HttpDecodeFailureTest
{
    private static final String PATH = "/api/42/envelope/";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + KEY_42;

    @TempDir
    static Path dataDir;
    static final RecordingSessionSink sink = new RecordingSessionSink();
    static CrashfreeNode node;

    @BeforeAll
    static void startNode() throws Exception
    {
        node = TestNodes.start(dataDir, sink, Map.of());
    }

    @AfterAll
    static void stopNode() throws InterruptedException
    {
        node.close();
        LeakCheck.assertNoLeaks();
    }

    @BeforeEach
    void clear()
    {
        sink.clear();
    }

    static Stream<Arguments> failures()
    {
        // Two whole session items, then a chunk-size line that is not hex: before, the two were stored and 200 said.
        final byte[] twoOfThree = utf8(Envelopes.sessions(2));
        final byte[] third = utf8(Envelopes.sessions(3).substring(Envelopes.sessions(2).length()));
        return Stream.of(
            row("bad chunk size after a good chunk", chunked(chunk(twoOfThree), ascii("zz\r\n"), chunk(third),
                ascii("0\r\n\r\n")), 400, "malformed chunked body", "bad-chunk"),
            row("bad first chunk size", chunked(ascii("nope\r\n"), chunk(twoOfThree), ascii("0\r\n\r\n")), 400,
                "malformed chunked body", "bad-chunk"),
            row("chunk longer than its size", chunked(ascii("4\r\n"), ascii("{}\n{\"type\"\r\n"), ascii("0\r\n\r\n")),
                400, "malformed chunked body", "bad-chunk"),
            row("chunk size overflow", chunked(ascii("fffffffff\r\n"), twoOfThree), 400, "malformed chunked body",
                "bad-chunk"),
            row("headers too large", RawHttp.request("POST", PATH, new String[] { AUTH, "X-Pad: " + "a".repeat(20_000) },
                utf8(JAVA_SESSION)), 431, "request headers are larger than 16384 bytes", "headers-too-large"),
            row("request line too long", RawHttp.request("POST", PATH + "?pad=" + "a".repeat(9000),
                new String[] { AUTH }, utf8(JAVA_SESSION)), 414, "request line is longer than 8192 bytes",
                "request-line-too-long"),
            row("malformed version", ascii("POST " + PATH + " HTTP/1.x\r\nHost: a\r\n\r\n"), 505,
                "HTTP version not supported", "bad-version"),
            row("HTTP/2.0 on an HTTP/1.1 port", ascii("GET /health HTTP/2.0\r\nHost: a\r\n\r\n"), 505,
                "HTTP version not supported: HTTP/2.0", "bad-version"),
            row("HTTP/0.9 request line", ascii("GET /health\r\n\r\n"), 505, "HTTP version not supported",
                "bad-version"),
            row("header name with a space", ascii("POST " + PATH + " HTTP/1.1\r\nHost: a\r\nX Bad: 1\r\n" +
                "Content-Length: 2\r\n\r\n{}"), 400, "malformed HTTP request", "bad-request"),
            row("two different content lengths", ascii("POST " + PATH + " HTTP/1.1\r\nHost: a\r\n" + AUTH +
                "\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}\n"), 400, "malformed HTTP request",
                "bad-request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void shouldAnswerAFailedDecodeOnceStoreNothingAndClose(final String name, final byte[] request, final int status,
        final String detail, final String reason) throws Exception
    {
        final String series = "crashfree_http_malformed_total{reason=\"" + reason + "\"}";
        final double before = Scrape.of(node.port()).value(series);
        try (RawHttp http = new RawHttp(node.port()))
        {
            http.send(request);
            final RawHttp.Response response = http.read();
            assertEquals(status, response.status(), name + ": " + response.body());
            assertTrue(response.body().startsWith("{\"detail\":\""), name + ": " + response.body());
            assertTrue(response.body().contains(detail), name + ": expected '" + detail + "' in " + response.body());
            assertEquals("close", response.header("connection"), name);
            assertTrue(http.isClosedByServer(), name + ": the connection must be closed, not left hanging");
        }
        assertTrue(sink.isEmpty(), name + ": nothing may be stored, got " + sink.updates().size());
        assertEquals(before + 1, Scrape.of(node.port()).value(series), name + ": " + series);
        // The node goes on serving everyone else.
        try (RawHttp other = new RawHttp(node.port()))
        {
            assertEquals(200, other.exchange(RawHttp.request("POST", PATH, new String[] { AUTH },
                utf8(JAVA_SESSION))).status(), name);
        }
        assertEquals(1, sink.updates().size(), name);
    }

    private static Arguments row(final String name, final byte[] request, final int status, final String detail,
        final String reason)
    {
        return Arguments.of(name, request, status, detail, reason);
    }

    private static byte[] chunked(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH +
            "\r\nTransfer-Encoding: chunked\r\n\r\n"));
        for (final byte[] p : parts)
        {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] chunk(final byte[] data)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii(Integer.toHexString(data.length) + "\r\n"));
        out.writeBytes(data);
        out.writeBytes(ascii("\r\n"));
        return out.toByteArray();
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
