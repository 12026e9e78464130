package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's files over real HTTP: pages and assets with their types, a strict Content-Security-Policy,
 * {@code nosniff}, an ETag that a revalidation answers with {@code 304}, {@code 404} for an unknown asset; its
 * settings endpoint behind a read token; and the ingest, health and API routes as before.
 */
@Timeout(60)
class DashboardServingTest
{
    private static final String TOKEN = "dashboard-serving-read-token";
    private static final String API_TOKEN = "dashboard-serving-api-token";

    @TempDir
    static Path dataDir;
    private static CrashfreeNode node;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception
    {
        node = TestNodes.start(dataDir, new RecordingSessionSink(), Map.of(
            "query.tokens", TOKEN,
            "auth.token.viewer.value", API_TOKEN, "auth.token.viewer.scopes", "project:read",
            "registry.organization", "acme",
            "project.7.dashboard.crash.free.users.threshold", "99.9",
            "dashboard.crash.free.sessions.threshold", "97.5"));
    }

    @AfterAll
    static void stop()
    {
        node.close();
    }

    @Test
    void shouldServeThePagesWithTheirSecurityAndCachingHeaders() throws Exception
    {
        for (final String path : new String[] { "/", "/releases/app%401.0?project=42", "/releases/app@2.0" })
        {
            final HttpResponse<String> page = get(path, Map.of());
            assertEquals(200, page.statusCode(), path);
            assertEquals("text/html; charset=utf-8", header(page, "content-type"), path);
            final String csp = header(page, "content-security-policy");
            assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") &&
                csp.contains("style-src 'self'") && csp.contains("connect-src 'self'") &&
                csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline") && !csp.contains("http"),
                csp);
            assertEquals("nosniff", header(page, "x-content-type-options"));
            assertEquals("no-cache", header(page, "cache-control"));
            assertNotNull(header(page, "etag"));
            assertTrue(page.body().contains("<meta name=\"crashfree-organization\" content=\"acme\">"), path);
            assertFalse(page.body().contains("<script>") || page.body().contains(" style="), "no inline script");
        }
        assertTrue(get("/", Map.of()).body().contains("/dashboard/index.js"));
        assertTrue(get("/releases/x", Map.of()).body().contains("/dashboard/release.js"));
    }

    @Test
    void shouldServeAssetsAndUplotFromItsWebJar() throws Exception
    {
        final Object[][] rows = {
            { "/dashboard/app.css", "text/css; charset=utf-8" },
            { "/dashboard/index.js", "text/javascript; charset=utf-8" },
            { "/dashboard/release.js", "text/javascript; charset=utf-8" },
            { "/dashboard/favicon.svg", "image/svg+xml" },
            { "/dashboard/vendor/uPlot.esm.js", "text/javascript; charset=utf-8" },
            { "/dashboard/vendor/uPlot.min.css", "text/css; charset=utf-8" },
        };
        for (final Object[] row : rows)
        {
            final HttpResponse<String> r = get((String)row[0], Map.of());
            assertEquals(200, r.statusCode(), (String)row[0]);
            assertEquals(row[1], header(r, "content-type"), (String)row[0]);
            assertFalse(r.body().isEmpty(), (String)row[0]);
        }
        assertTrue(get("/dashboard/vendor/uPlot.esm.js", Map.of()).body().contains("export { uPlot as default }"));
    }

    @Test
    void shouldAnswerNotModifiedWhileTheBrowsersCopyIsCurrent() throws Exception
    {
        final HttpResponse<String> first = get("/dashboard/app.css", Map.of());
        final String etag = header(first, "etag");
        assertTrue(etag.matches("\"[A-Za-z0-9_-]{22}\""), etag);
        final HttpResponse<String> again = get("/dashboard/app.css", Map.of("If-None-Match", etag));
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertEquals(etag, header(again, "etag"));
        assertEquals(304, get("/dashboard/app.css", Map.of("If-None-Match", "\"other\", W/" + etag)).statusCode());
        assertEquals(200, get("/dashboard/app.css", Map.of("If-None-Match", "\"other\"")).statusCode());
        assertFalse(etag.equals(header(get("/dashboard/index.js", Map.of()), "etag")), "one tag per content");
    }

    @Test
    void shouldAnswerUnknownAssetsAndOtherMethodsWithJsonErrors() throws Exception
    {
        final HttpResponse<String> missing = get("/dashboard/nope.js", Map.of());
        assertEquals(404, missing.statusCode());
        assertEquals("not found: /dashboard/nope.js", json(missing).get("detail").asText());
        assertEquals(404, get("/dashboard/../conf/crashfree.properties", Map.of()).statusCode());
        assertEquals(404, get("/releases/", Map.of()).statusCode());
        assertEquals(404, get("/index.htm", Map.of()).statusCode());
        final HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri("/"))
            .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertTrue(json(post).get("detail").asText().contains("POST"));
        final HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(uri("/"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
    }

    @Test
    void shouldGiveTheSettingsToReadTokensOnly() throws Exception
    {
        for (final String token : new String[] { TOKEN, API_TOKEN })
        {
            final HttpResponse<String> r = get("/api/0/organizations/acme/dashboard/",
                Map.of("Authorization", "Bearer " + token));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("no-store", header(r, "cache-control"));
            final JsonNode settings = json(r);
            assertEquals("acme", settings.get("organization").asText());
            final JsonNode p7 = settings.get("projects").get(0);
            final JsonNode p42 = settings.get("projects").get(1);
            assertEquals(7, p7.get("id").asLong(), settings.toString());
            assertEquals(42, p42.get("id").asLong(), settings.toString());
            assertEquals(99.5, p42.get("thresholds").get("crashFreeUsers").asDouble(), "Sentry's default");
            assertEquals(97.5, p42.get("thresholds").get("crashFreeSessions").asDouble(), "the node's default");
            assertEquals(99.9, p7.get("thresholds").get("crashFreeUsers").asDouble(), "the project's own");
            assertEquals("http://" + TestNodes.KEY_42 + "@127.0.0.1:" + node.port() + "/42",
                p42.get("dsn").asText());
        }
        assertEquals(401, get("/api/0/organizations/acme/dashboard/", Map.of()).statusCode());
        assertEquals(401, get("/api/0/organizations/acme/dashboard/",
            Map.of("Authorization", "Bearer not-a-token-of-this-node")).statusCode());
        final HttpResponse<String> ingestKey = get("/api/0/organizations/acme/dashboard/",
            Map.of("Authorization", "Bearer " + TestNodes.KEY_42));
        assertEquals(403, ingestKey.statusCode());
        assertTrue(json(ingestKey).get("detail").asText().contains("ingest keys cannot read"));
    }

    @Test
    void shouldLeaveTheIngestAndOpsRoutesAsTheyWere() throws Exception
    {
        assertEquals(200, get("/health", Map.of()).statusCode());
        final String envelope = "{}\n{\"type\":\"session\"}\n{\"sid\":\"s1\",\"did\":\"u1\",\"init\":true," +
            "\"started\":\"2026-11-25T11:00:00Z\",\"attrs\":{\"release\":\"app@1.0\"}}\n";
        final HttpResponse<String> ingest = HTTP.send(HttpRequest.newBuilder(
            uri("/api/42/envelope/?sentry_key=" + TestNodes.KEY_42))
            .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ingest.statusCode(), ingest.body());
        assertEquals(405, get("/api/42/store/", Map.of()).statusCode(), "the store endpoint takes POST only");
        assertEquals(404, get("/api/42/minidump/", Map.of()).statusCode());
        assertEquals(404, get("/favicon.ico", Map.of()).statusCode());
    }

    private static URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + node.port() + path);
    }

    private static HttpResponse<String> get(final String path, final Map<String, String> headers) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String header(final HttpResponse<?> r, final String name)
    {
        return r.headers().firstValue(name).orElse(null);
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception
    {
        return new ObjectMapper().readTree(r.body());
    }
}
