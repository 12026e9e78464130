package io.crashfree.edge;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static io.crashfree.edge.Envelopes.JAVA_SESSION;
import static io.crashfree.edge.Envelopes.gzip;
import static io.crashfree.edge.Envelopes.utf8;
import static io.crashfree.edge.TestNodes.KEY_42;
import static io.crashfree.edge.TestNodes.KEY_7;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input, over a real socket: each gets its status and a JSON {@code detail} naming the problem, and
 * nothing of it reaches the sink. The last rows are good inputs, to prove the table can pass.
 */
@Timeout(60)
class IngestBadInputTest
{
    private static final String PATH = "/api/42/envelope/";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + KEY_42;
    private static final int MAX_COMPRESSED = 64 * 1024;
    private static final int MAX_DECOMPRESSED = 256 * 1024;

    @TempDir
    static Path dataDir;
    static RecordingSessionSink sink = new RecordingSessionSink();
    static CrashfreeNode node;

    @BeforeAll
    static void startNode() throws Exception
    {
        node = TestNodes.start(dataDir, sink, Map.of(
            "limits.body.compressed.max.bytes", String.valueOf(MAX_COMPRESSED),
            "limits.body.decompressed.max.bytes", String.valueOf(MAX_DECOMPRESSED)));
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

    static Stream<Arguments> badInputs()
    {
        final byte[] session = utf8(JAVA_SESSION);
        final byte[] gz = gzip(session);
        return Stream.of(
            row("empty body", post(PATH, new byte[0], AUTH), 400, "empty request body"),
            row("malformed JSON in payload", post(PATH, utf8("{}\n{\"type\":\"session\"}\n{\"sid\":\"x\",}\n"), AUTH),
                400, "malformed JSON"),
            row("malformed envelope header", post(PATH, utf8("{nope\n"), AUTH), 400, "malformed JSON"),
            row("payload is not an object", post(PATH, utf8("{}\n{\"type\":\"session\"}\n[1,2]\n"), AUTH),
                400, "not a JSON object"),
            row("truncated JSON", post(PATH, Arrays.copyOf(session, session.length - 40), AUTH), 400, "item 1"),
            row("two JSON values in one payload",
                post(PATH, utf8("{}\n{\"type\":\"session\"}\n" + Envelopes.session("a", "ok", true, "r") + " {}\n"),
                    AUTH), 400, "unexpected data after the session payload"),
            row("missing started", post(PATH, utf8("{}\n{\"type\":\"session\"}\n{\"attrs\":{\"release\":\"r\"}}\n"),
                AUTH), 400, "'started' is required"),
            row("missing release", post(PATH, utf8(
                "{}\n{\"type\":\"session\"}\n{\"started\":\"2026-11-25T11:28:35Z\",\"attrs\":{}}\n"), AUTH),
                400, "'attrs.release' is required"),
            row("absurd timestamp", post(PATH, utf8(JAVA_SESSION.replace("2026-11-25T11:28:35.179Z",
                "2026-13-45T99:28:35.179Z")), AUTH), 400, "RFC 3339"),
            row("negative errors", post(PATH, utf8(JAVA_SESSION.replace("\"errors\":0", "\"errors\":-1")
                .replace("\"length\":239", "\"length\":240")), AUTH), 400, "'errors'"),
            row("duplicated sent_at", post(PATH, utf8(
                "{\"sent_at\":\"2026-11-25T11:28:35Z\",\"sent_at\":\"2026-11-25T11:28:35Z\"}\n"), AUTH),
                400, "repeats 'sent_at'"),
            row("item length past the end", post(PATH, utf8(JAVA_SESSION.replace("\"length\":239", "\"length\":999")),
                AUTH), 400, "length 999 exceeds"),
            row("item without type", post(PATH, utf8("{}\n{\"length\":2}\n{}\n"), AUTH), 400, "no 'type'"),
            row("101 session items", post(PATH, utf8(Envelopes.sessions(101)), AUTH), 413, "more than 100 session items"),
            row("101 aggregate entries", post(PATH, utf8(aggregates(101)), AUTH), 413, "more than 100 aggregate"),
            row("truncated gzip", post(PATH, Arrays.copyOf(gz, gz.length - 12), AUTH, "Content-Encoding: gzip"),
                400, "truncated"),
            row("corrupt gzip", post(PATH, corrupt(gz), AUTH, "Content-Encoding: gzip"), 400, "gzip"),
            row("gzip declared, plain sent", post(PATH, session, AUTH, "Content-Encoding: gzip"), 400,
                "not a gzip stream"),
            row("gzip bomb", post(PATH, Envelopes.gzipBomb(64 * 1024 * 1024), AUTH, "Content-Encoding: gzip"), 413,
                "limits.body.decompressed.max.bytes"),
            row("zstd bomb", post(PATH, Zstd.compress(new byte[4 * MAX_DECOMPRESSED]), AUTH,
                "Content-Encoding: zstd"), 413, "limits.body.decompressed.max.bytes"),
            row("unknown encoding", post(PATH, session, AUTH, "Content-Encoding: lzma"), 400,
                "unsupported Content-Encoding"),
            row("oversized body", post(PATH, new byte[MAX_COMPRESSED + 1], AUTH), 413,
                "limits.body.compressed.max.bytes"),
            row("oversized chunked body", RawHttp.chunkedRequest(PATH, new String[] { AUTH },
                new byte[MAX_COMPRESSED + 10], 8192), 413, "limits.body.compressed.max.bytes"),
            row("missing auth", post(PATH, session), 401, "missing authorization information"),
            row("duplicated auth header", post(PATH, session, AUTH, AUTH), 401, "multiple authorization payloads"),
            row("header and query auth", post(PATH + "?sentry_key=" + KEY_42, session, AUTH), 401,
                "multiple authorization payloads"),
            row("duplicated query key", post(PATH + "?sentry_key=" + KEY_42 + "&sentry_key=" + KEY_42, session), 401,
                "multiple authorization payloads"),
            row("auth header without key", post(PATH, session, "X-Sentry-Auth: Sentry sentry_version=7"), 401,
                "bad x-sentry-auth header"),
            row("malformed key", post(PATH, session, "X-Sentry-Auth: Sentry sentry_key=not-a-key"), 400,
                "bad sentry DSN public key"),
            row("unknown key", post(PATH, session, "X-Sentry-Auth: Sentry sentry_key=" + "f".repeat(32)), 403,
                "ProjectKey"),
            row("key of another project", post(PATH, session, "X-Sentry-Auth: Sentry sentry_key=" + KEY_7), 403,
                "ProjectId"),
            row("unknown project", post("/api/99/envelope/", session, AUTH), 403, "ProjectId"),
            row("non-numeric project", post("/api/abc/envelope/", session, AUTH), 400, "bad project path parameter"),
            row("dsn of another project", post(PATH, utf8(JAVA_SESSION.replace("{\"sdk\"",
                "{\"dsn\":\"http://" + KEY_42 + "@127.0.0.1/7\",\"sdk\""))), 403, "ProjectId"),
            row("GET on the envelope route", RawHttp.request("GET", PATH, new String[] { AUTH }, null), 405, "POST"),
            row("unknown route", post("/api/42/minidump/", session, AUTH), 404, "not found"),
            row("store: no auth", post("/api/42/store/", utf8("{\"message\":\"x\"}")), 401,
                "missing authorization"),
            row("store: not an event object", post("/api/42/store/", utf8("[1,2]"), AUTH), 400, "invalid event"),
            row("store: malformed JSON", post("/api/42/store/", utf8("{\"message\":"), AUTH), 400, "invalid event"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void shouldRejectBadInputWithStatusAndDetailAndRecordNothing(
        final String name, final byte[] request, final int status, final String detail) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response response = http.exchange(request);
            assertEquals(status, response.status(), name + ": " + response.body());
            assertTrue(response.body().startsWith("{\"detail\":\""), name + ": " + response.body());
            assertTrue(response.body().contains(detail), name + ": expected '" + detail + "' in " + response.body());
            assertEquals("application/json", response.header("content-type"), name);
        }
        assertTrue(sink.isEmpty(), name + ": nothing may be recorded, got " + sink.updates().size());
    }

    static Stream<Arguments> goodInputs() throws Exception
    {
        final byte[] session = utf8(JAVA_SESSION);
        Brotli4jLoader.ensureAvailability();
        return Stream.of(
            row("plain", post(PATH, session, AUTH), 200, "{}"),
            row("gzip", post(PATH, gzip(session), AUTH, "Content-Encoding: gzip"), 200, "{}"),
            row("deflate (zlib)", post(PATH, Envelopes.deflate(session, false), AUTH, "Content-Encoding: deflate"),
                200, "{}"),
            row("deflate (raw)", post(PATH, Envelopes.deflate(session, true), AUTH, "Content-Encoding: deflate"),
                200, "{}"),
            row("br", post(PATH, Encoder.compress(session), AUTH, "Content-Encoding: br"), 200, "{}"),
            row("zstd", post(PATH, Zstd.compress(session), AUTH, "Content-Encoding: zstd"), 200, "{}"),
            row("Authorization: Sentry", post(PATH, session, "Authorization: Sentry sentry_key=" + KEY_42 +
                ", sentry_version=7"), 200, "{}"),
            row("query auth, no trailing slash", post("/api/42/envelope?sentry_key=" + KEY_42 +
                "&sentry_version=7", session), 200, "{}"),
            row("dsn auth", post(PATH, utf8(JAVA_SESSION.replace("{\"sdk\"",
                "{\"dsn\":\"https://" + KEY_42 + "@o1.ingest.example/42\",\"sdk\""))), 200, "{}"),
            row("100 session items", post(PATH, utf8(Envelopes.sessions(100)), AUTH), 200, "{}"),
            row("event id answered", post(PATH, utf8(JAVA_SESSION.replace("{\"sdk\"",
                "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\",\"sdk\"")), AUTH), 200,
                "{\"id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodInputs")
    void shouldAcceptGoodInputAndRecordIt(final String name, final byte[] request, final int status,
        final String body) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response response = http.exchange(request);
            assertEquals(status, response.status(), name + ": " + response.body());
            assertEquals(body, response.body(), name);
            assertEquals("*", response.header("access-control-allow-origin"), name);
        }
        final int expected = name.startsWith("100 ") ? 100 : 1;
        assertEquals(expected, sink.updates().size(), name + ": every session must be recorded");
        assertEquals(expected == 1 ? "java-app@1.1.0" : "app@1.0",
            sink.updates().get(0).attributes().release().toString(), name);
    }

    private static Arguments row(final String name, final byte[] request, final int status, final String detail)
    {
        return Arguments.of(name, request, status, detail);
    }

    private static byte[] post(final String target, final byte[] body, final String... headers)
    {
        return RawHttp.request("POST", target, headers, body);
    }

    private static byte[] corrupt(final byte[] gz)
    {
        final byte[] copy = gz.clone();
        for (int i = 12; i < copy.length - 8; i++)
        {
            copy[i] = (byte)(copy[i] ^ 0x5A);
        }
        return copy;
    }

    private static String aggregates(final int n)
    {
        final StringBuilder sb = new StringBuilder("{}\n{\"type\":\"sessions\"}\n{\"aggregates\":[");
        for (int i = 0; i < n; i++)
        {
            sb.append(i == 0 ? "" : ",").append("{\"started\":\"2026-11-25T11:28:00Z\",\"exited\":1}");
        }
        return sb.append("],\"attrs\":{\"release\":\"r@1\"}}\n").toString();
    }
}
