package io.crashfree.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.crashfree.edge.Envelopes.JAVA_SESSION;
import static io.crashfree.edge.Envelopes.utf8;
import static io.crashfree.edge.TestNodes.KEY_42;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may read {@code /metrics}, and where: behind a bearer token ({@code ops.metrics.token}) or on a listener of its
 * own ({@code ops.metrics.port}); and a bad {@code %} escape in a query API request is the client's {@code 400}, not
 * an internal error.
 */
@Timeout(60)
class MetricsAccessTest
{
    private static final String METRICS_TOKEN = "scrape-token-0123456789";
    private static final String READ_TOKEN = "test-read-token-0123456789";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + KEY_42;

    @TempDir
    Path dataDir;
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

    @Test
    void shouldAskForTheTokenBeforeAScrape() throws Exception
    {
        node = TestNodes.start(dataDir, new RecordingSessionSink(), Map.of("ops.metrics.token", METRICS_TOKEN));
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response none = http.exchange(get("/metrics"));
            assertEquals(401, none.status(), none.body());
            assertTrue(none.body().contains("ops.metrics.token"), none.body());
            assertEquals(401, http.exchange(get("/metrics", "Authorization: Bearer " + READ_TOKEN)).status());
            final RawHttp.Response ok = http.exchange(get("/metrics", "Authorization: Bearer " + METRICS_TOKEN));
            assertEquals(200, ok.status());
            assertTrue(ok.body().contains("crashfree_requests_total{route=\"metrics\",status=\"401\"} 2"), ok.body());
            assertEquals(200, http.exchange(get("/health")).status(), "/health needs no token");
        }
    }

    @Test
    void shouldServeMetricsOnlyOnTheOpsListenerWhenItHasOne() throws Exception
    {
        final RecordingSessionSink sink = new RecordingSessionSink();
        node = TestNodes.start(dataDir, sink, Map.of("ops.metrics.port", "0"));
        assertNotNull(node.opsAddress());
        final int opsPort = node.opsAddress().getPort();
        try (RawHttp edge = new RawHttp(node.port()); RawHttp ops = new RawHttp(opsPort))
        {
            assertEquals(404, edge.exchange(get("/metrics")).status(), "not on the edge port");
            assertEquals(200, edge.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { AUTH },
                utf8(JAVA_SESSION))).status());
            final RawHttp.Response scrape = ops.exchange(get("/metrics"));
            assertEquals(200, scrape.status());
            assertTrue(scrape.body().contains("crashfree_sessions_accepted_total{kind=\"update\"} 1"), scrape.body());
            assertEquals(200, ops.exchange(get("/health")).status());
            assertEquals(404, ops.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { AUTH },
                utf8(JAVA_SESSION))).status(), "the ops listener takes no envelopes");
        }
        assertEquals(1, sink.updates().size());
    }

    @Test
    void shouldAnswer400ForABadPercentEscapeAndCountNoInternalError() throws Exception
    {
        node = TestNodes.startAggregating(dataDir, Map.of("query.tokens", READ_TOKEN));
        final String[][] rows = {
            { "/api/0/organizations/acme/sessions/?field=sum(session)&query=release:%zz", "query string: '%zz'" },
            { "/api/0/organizations/acme/sessions/?field=sum(session)&query=%", "query string: '%'" },
            { "/api/0/organizations/acme/releases/app%2/", "path: '%2/'" },
        };
        try (RawHttp http = new RawHttp(node.port()))
        {
            for (final String[] row : rows)
            {
                final RawHttp.Response r = http.exchange(get(row[0], "Authorization: Bearer " + READ_TOKEN));
                assertEquals(400, r.status(), row[0] + ": " + r.body());
                assertTrue(r.body().contains("malformed percent-encoding in the " + row[1]), r.body());
            }
            final RawHttp.Response good = http.exchange(get(
                "/api/0/organizations/acme/sessions/?field=sum(session)&query=release:%22a%40b%22",
                "Authorization: Bearer " + READ_TOKEN));
            assertEquals(200, good.status(), good.body());
        }
        assertEquals(0, node.errors().errorCount(), "a client's bad escape is not an internal error");
        final Scrape scrape = Scrape.of(node.port());
        assertEquals(2, (long)scrape.value("crashfree_requests_total{route=\"query\",status=\"400\"}"));
        assertEquals(1, (long)scrape.value("crashfree_requests_total{route=\"releases\",status=\"400\"}"));
        assertEquals(0, (long)scrape.value("crashfree_errors_total"));
    }

    private static byte[] get(final String target, final String... headers)
    {
        return RawHttp.request("GET", target, headers, null);
    }
}
