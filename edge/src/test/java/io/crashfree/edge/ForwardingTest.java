package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentry.Sentry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forwarding to the error tracker behind the node, with real parts: the official Java SDK and the real sentry-cli send
 * through a recording proxy to a node whose upstream is a real HTTP server in the test. The upstream receives every
 * event with its payload byte for byte and the upstream's own key; sessions in the same envelopes are counted as
 * before; an upstream that is down, slow to forgive (429) or refusing (4xx) is handled as documented.
 */
@Timeout(120)
class ForwardingTest
{
    private static final String UPSTREAM_KEY = "f00dfeedf00dfeedf00dfeedf00dfeed";
    private static final String TOKEN = "forwarding-test-read-token";
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + TestNodes.KEY_42;

    @TempDir
    Path dir;

    private CrashfreeNode node(final UpstreamServer upstream, final Map<String, String> extra)
        throws InterruptedException
    {
        final Map<String, String> settings = new HashMap<>();
        settings.put("project.42.upstream.dsn", upstream.dsn(UPSTREAM_KEY, 9));
        settings.put("query.tokens", TOKEN);
        settings.put("forward.retry.max.seconds", "1");
        settings.putAll(extra);
        return TestNodes.startAggregating(dir.resolve("data"), settings);
    }

    @Test
    void shouldForwardTheJavaSdksEventsByteForByteWithTheUpstreamKeyAndStillCountTheirSessions() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.start();
             CrashfreeNode node = node(upstream, Map.of());
             RecordingProxy proxy = new RecordingProxy(node.port()))
        {
            final String dsn = "http://" + TestNodes.KEY_42 + "@127.0.0.1:" + proxy.port() + "/42";
            sdkSession(dsn, "user-a", () -> { });
            sdkSession(dsn, "user-b", () -> Sentry.captureException(new IllegalStateException("handled once")));
            sdkSession(dsn, "user-c", () ->
            {
                Sentry.captureException(new IllegalArgumentException("handled twice, first"));
                Sentry.captureMessage("a message too");
            });

            final List<UpstreamServer.Item> sentEvents = new ArrayList<>();
            for (final UpstreamServer.Received r : proxy.sent())
            {
                for (final UpstreamServer.Item i : r.items())
                {
                    if (!i.type().equals("session") && !i.type().equals("sessions"))
                    {
                        sentEvents.add(i);
                    }
                }
            }
            assertEquals(3, sentEvents.stream().filter(i -> i.type().equals("event")).count(),
                "the SDK sent three events");
            upstream.await("every event", 20_000, () -> upstream.events().size() >= 3);
            Thread.sleep(300); // anything extra would have arrived by now
            assertEquals(3, upstream.events().size(), "each event once");
            assertSamePayloads(sentEvents, upstream.received());
            for (final UpstreamServer.Received r : upstream.received())
            {
                assertEquals("/api/9/envelope/", r.path());
                assertEquals(UPSTREAM_KEY, UpstreamServer.keyOf(r.auth()), r.auth());
                assertEquals("gzip", r.encoding());
                assertEquals("127.0.0.1", r.forwardedFor(), "the client IP, as Relay forwards it");
                assertTrue(r.items().stream().noneMatch(i -> i.type().startsWith("session")), "sessions stay");
                // the original envelope header, unchanged
                assertTrue(proxy.sent().stream().anyMatch(s -> s.headerLine().equals(r.headerLine())),
                    r.headerLine());
            }

            final JsonNode byStatus = query(node, "/api/0/organizations/o/sessions/?project=42&field=sum(session)" +
                "&groupBy=session.status&statsPeriod=1h&interval=1h");
            final Map<String, Long> counts = new HashMap<>();
            byStatus.get("groups").forEach(g -> counts.put(g.get("by").get("session.status").asText(),
                g.get("totals").get("sum(session)").asLong()));
            assertEquals(1L, counts.get("healthy"), counts.toString());
            assertEquals(2L, counts.get("errored"), counts.toString());
            final Scrape metrics = Scrape.of(node.port());
            assertEquals(upstream.received().size(),
                metrics.value("crashfree_forward_envelopes_total{outcome=\"delivered\"}"));
            assertEquals(0, metrics.value("crashfree_forward_spooled_envelopes"));
        }
    }

    @Test
    void shouldForwardSentryCliSendEventByteForByte() throws Exception
    {
        final Path cli = SentryCliReleasesTest.installSentryCli();
        try (UpstreamServer upstream = UpstreamServer.start();
             CrashfreeNode node = node(upstream, Map.of());
             RecordingProxy proxy = new RecordingProxy(node.port()))
        {
            final ProcessBuilder pb = new ProcessBuilder(cli.toString(), "send-event", "-m", "hello from the cli",
                "-r", "cli-app@1.0", "-E", "production", "--no-environ")
                .redirectErrorStream(true).directory(dir.toFile());
            pb.environment().put("SENTRY_DSN", "http://" + TestNodes.KEY_42 + "@127.0.0.1:" + proxy.port() + "/42");
            final Process p = pb.start();
            final String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertEquals(List.of(200), proxy.statuses(), out);
            upstream.await("the cli's event", 20_000, () -> upstream.events().size() >= 1);
            final List<UpstreamServer.Item> sent = new ArrayList<>();
            proxy.sent().forEach(r -> sent.addAll(r.items()));
            if (sent.isEmpty())
            {
                // the store endpoint: the body is the event itself
                sent.add(new UpstreamServer.Item("event", proxy.sent().get(0).envelope()));
            }
            assertSamePayloads(sent, upstream.received());
            assertTrue(upstream.events().get(0).contains("hello from the cli"));
            assertEquals(UPSTREAM_KEY, UpstreamServer.keyOf(upstream.received().get(0).auth()));
        }
    }

    @Test
    void shouldForwardALegacyStoreEventAsAnEnvelope() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.start();
             CrashfreeNode node = node(upstream, Map.of());
             RawHttp http = new RawHttp(node.port()))
        {
            final String id = UUID.randomUUID().toString().replace("-", "");
            final String event = "{\"event_id\":\"" + id + "\",\"message\":\"stored\",\"user\":{\"ip_address\":" +
                "\"{{auto}}\"},\"extra\":{\"nested\":[1,{\"a\":\"b\"}]}}";
            final RawHttp.Response r = http.exchange(RawHttp.request("POST", "/api/42/store/",
                new String[] { AUTH, "X-Forwarded-For: 203.0.113.9" }, utf8(event)));
            assertEquals(200, r.status(), r.body());
            assertEquals("{\"id\":\"" + id + "\"}", r.body());
            upstream.await("the stored event", 20_000, () -> upstream.events().size() == 1);
            final UpstreamServer.Received got = upstream.received().get(0);
            assertEquals("{\"event_id\":\"" + id + "\"}", got.headerLine());
            assertEquals(event, upstream.events().get(0));
            assertEquals("203.0.113.9", got.forwardedFor(), "{{auto}} resolves upstream from the client's address");
        }
    }

    @Test
    void shouldDeliverEveryAcknowledgedEventExactlyOnceWhenTheUpstreamComesBack() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.down();
             CrashfreeNode node = node(upstream, Map.of()))
        {
            final Set<String> acked = new HashSet<>();
            try (RawHttp http = new RawHttp(node.port()))
            {
                for (int i = 0; i < 60; i++)
                {
                    final String id = UUID.randomUUID().toString().replace("-", "");
                    final RawHttp.Response r = http.exchange(RawHttp.request("POST", "/api/42/envelope/",
                        new String[] { AUTH }, utf8(eventEnvelope(id, "s" + i))));
                    assertEquals(200, r.status(), r.body());
                    acked.add(id);
                }
            }
            Thread.sleep(2500); // down for a while: the forwarder retries with backoff meanwhile
            final Scrape down = Scrape.of(node.port());
            assertTrue(down.value("crashfree_forward_retries_total{cause=\"network\"}") >= 2, down.text());
            assertEquals(60, down.value("crashfree_forward_spooled_envelopes"));
            assertTrue(down.value("crashfree_forward_oldest_spooled_age_seconds") >= 2, down.text());
            assertTrue(down.value("crashfree_forward_spooled_bytes") > 60 * 100, down.text());

            upstream.up();
            upstream.await("every acknowledged event", 30_000, () -> upstream.events().size() >= 60);
            Thread.sleep(500);
            final List<String> ids = eventIds(upstream);
            assertEquals(60, ids.size(), "no event twice");
            assertEquals(acked, new HashSet<>(ids));
            final JsonNode sessions = query(node, "/api/0/organizations/o/sessions/?project=42&field=sum(session)" +
                "&statsPeriod=1h&interval=1h");
            assertEquals(60, sessions.get("groups").get(0).get("totals").get("sum(session)").asLong());
            final Scrape after = Scrape.of(node.port());
            assertEquals(0, after.value("crashfree_forward_spooled_envelopes"));
            assertEquals(0, after.value("crashfree_forward_oldest_spooled_age_seconds"));
        }
    }

    @Test
    void shouldRefuseWithA503WhenTheSpoolIsFullAndKeepNothingOfTheRefusedEnvelope() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.down();
             CrashfreeNode node = node(upstream, Map.of("forward.spool.max.megabytes", "8")))
        {
            final String padding = "x".repeat(20_000);
            final List<String> acked = new ArrayList<>();
            final List<String> refused = new ArrayList<>();
            RawHttp.Response refusal = null;
            try (RawHttp http = new RawHttp(node.port()))
            {
                for (int i = 0; i < 2000 && refused.size() < 3; i++)
                {
                    final String id = UUID.randomUUID().toString().replace("-", "");
                    final RawHttp.Response r = http.exchange(RawHttp.request("POST", "/api/42/envelope/",
                        new String[] { AUTH }, utf8(eventEnvelope(id, "s" + i, padding))));
                    if (r.status() == 200)
                    {
                        final RawHttp.Response before = refusal;
                        assertTrue(refused.isEmpty(), () -> "once full, it stays full while the upstream is down; " +
                            "refused before: " + before.body());
                        acked.add(id);
                    }
                    else
                    {
                        assertEquals(503, r.status(), r.body());
                        refusal = r;
                        refused.add(id);
                    }
                }
            }
            assertTrue(acked.size() > 10, "the spool took some first: " + acked.size());
            assertEquals(3, refused.size(), "8 MiB of spool is full after " + acked.size());
            assertEquals("60", refusal.header("Retry-After"));
            assertTrue(refusal.body().contains("forwarding spool is full (forward.spool.max.megabytes)"),
                refusal.body());
            final Scrape full = Scrape.of(node.port());
            assertEquals(3, full.value("crashfree_forward_refused_total{reason=\"spool-full\"}"));
            assertTrue(full.value("crashfree_forward_spool_file_bytes") <= 8 << 20, full.text());
            // the refused envelopes' sessions were not counted either
            final JsonNode sessions = query(node, "/api/0/organizations/o/sessions/?project=42&field=sum(session)" +
                "&statsPeriod=1h&interval=1h");
            assertEquals(acked.size(), sessions.get("groups").get(0).get("totals").get("sum(session)").asLong());

            upstream.up();
            upstream.await("every acknowledged event", 30_000, () -> upstream.events().size() >= acked.size());
            Thread.sleep(500);
            assertEquals(new HashSet<>(acked), new HashSet<>(eventIds(upstream)));
            assertEquals(acked.size(), eventIds(upstream).size());
            final List<UpstreamServer.Received> got = upstream.received();
            System.out.println("forwarding test: " + acked.size() + " events of 20 KB delivered in " +
                (got.get(got.size() - 1).atMs() - got.get(0).atMs()) + " ms after the upstream came back");
        }
    }

    @Test
    void shouldHonourRetryAfterAndTheRateLimitedCategoryOnly() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.start();
             CrashfreeNode node = node(upstream, Map.of()))
        {
            final AtomicInteger calls = new AtomicInteger();
            upstream.answer(r -> calls.getAndIncrement() == 0 ?
                new UpstreamServer.Answer(429, "Retry-After", "3", "X-Sentry-Rate-Limits", "3:error:project") :
                new UpstreamServer.Answer(200));
            try (RawHttp http = new RawHttp(node.port()))
            {
                final String id = UUID.randomUUID().toString().replace("-", "");
                assertEquals(200, http.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { AUTH },
                    utf8(eventEnvelope(id, "s1")))).status());
                upstream.await("the first attempt", 10_000, () -> upstream.received().size() == 1);
                // a transaction is another category: it goes through while errors wait
                assertEquals(200, http.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { AUTH },
                    utf8("{}\n{\"type\":\"transaction\"}\n{\"type\":\"transaction\",\"transaction\":\"t\"}\n")))
                    .status());
                upstream.await("the transaction", 10_000, () -> upstream.received().size() == 2);
                assertEquals("transaction", upstream.received().get(1).items().get(0).type());
                upstream.await("the retried event", 10_000, () -> upstream.received().size() == 3);
            }
            final List<UpstreamServer.Received> got = upstream.received();
            assertEquals("event", got.get(2).items().get(0).type());
            final long waited = got.get(2).atMs() - got.get(0).atMs();
            assertTrue(waited >= 3000, "retried after " + waited + " ms, before the upstream's Retry-After of 3 s");
            assertEquals(1, Scrape.of(node.port()).value("crashfree_forward_retries_total{cause=\"rate-limited\"}"));
        }
    }

    @Test
    void shouldDropWhatTheUpstreamRefusesForGoodAndCountIt() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.start();
             CrashfreeNode node = node(upstream, Map.of()))
        {
            upstream.answer(r -> new UpstreamServer.Answer(400));
            try (RawHttp http = new RawHttp(node.port()))
            {
                for (int i = 0; i < 3; i++)
                {
                    assertEquals(200, http.exchange(RawHttp.request("POST", "/api/42/envelope/",
                        new String[] { AUTH }, utf8(eventEnvelope(UUID.randomUUID().toString(), "s" + i))))
                        .status());
                }
            }
            upstream.await("three attempts", 10_000, () -> upstream.received().size() == 3);
            Thread.sleep(1500); // a retry would come within the 1 s backoff
            assertEquals(3, upstream.received().size(), "a 400 is not retried");
            final Scrape s = Scrape.of(node.port());
            assertEquals(3, s.value("crashfree_forward_rejected_total{status=\"400\"}"));
            assertEquals(3, s.value("crashfree_forward_envelopes_total{outcome=\"rejected\"}"));
            assertEquals(0, s.value("crashfree_forward_spooled_envelopes"));
        }
    }

    @Test
    void shouldNotForwardForAProjectWithoutAnUpstream() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.start();
             CrashfreeNode node = node(upstream, Map.of()))
        {
            try (RawHttp http = new RawHttp(node.port()))
            {
                assertEquals(200, http.exchange(RawHttp.request("POST", "/api/7/envelope/", new String[] {
                    "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_7 }, utf8(eventEnvelope("abc", "s1"))))
                    .status());
            }
            Thread.sleep(300);
            assertEquals(0, upstream.received().size());
            assertEquals(1, Scrape.of(node.port()).value("crashfree_items_skipped_total"));
        }
    }

    // ---------------------------------------------------------------- helpers

    static String eventEnvelope(final String eventId, final String sid)
    {
        return eventEnvelope(eventId, sid, "");
    }

    static String eventEnvelope(final String eventId, final String sid, final String padding)
    {
        final String now = java.time.Instant.now().toString();
        final String event = "{\"event_id\":\"" + eventId + "\",\"level\":\"error\",\"release\":\"fwd@1.0\"," +
            "\"exception\":{\"values\":[{\"type\":\"IllegalStateException\",\"value\":\"boom " + padding + "\"}]}," +
            "\"user\":{\"ip_address\":\"{{auto}}\"}}";
        final String session = "{\"sid\":\"" + sid + "\",\"did\":\"u-" + sid + "\",\"init\":true,\"started\":\"" + now +
            "\",\"status\":\"ok\",\"errors\":1,\"attrs\":{\"release\":\"fwd@1.0\",\"environment\":\"production\"}}";
        return "{\"event_id\":\"" + eventId + "\",\"sent_at\":\"" + now + "\"}\n" +
            "{\"type\":\"event\",\"length\":" + utf8(event).length + "}\n" + event + "\n" +
            "{\"type\":\"session\"}\n" + session + "\n";
    }

    static List<String> eventIds(final UpstreamServer upstream) throws Exception
    {
        final List<String> ids = new ArrayList<>();
        final ObjectMapper json = new ObjectMapper();
        for (final String e : upstream.events())
        {
            ids.add(json.readTree(e).get("event_id").asText());
        }
        return ids;
    }

    private static void assertSamePayloads(final List<UpstreamServer.Item> sent,
        final List<UpstreamServer.Received> received)
    {
        final List<UpstreamServer.Item> got = new ArrayList<>();
        received.forEach(r -> got.addAll(r.items()));
        assertEquals(sent.size(), got.size(), "items sent by the client vs received upstream");
        for (final UpstreamServer.Item s : sent)
        {
            final boolean found = got.stream().anyMatch(g -> g.type().equals(s.type()) &&
                Arrays.equals(g.payload(), s.payload()));
            assertTrue(found, "the upstream did not get this " + s.type() + " byte for byte: " + s.text());
        }
        for (final UpstreamServer.Item g : got)
        {
            assertArrayEquals(g.payload(), sent.stream().filter(s -> Arrays.equals(s.payload(), g.payload()))
                .findFirst().orElseThrow().payload());
        }
    }

    private static JsonNode query(final CrashfreeNode node, final String path) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Bearer " + TOKEN }, null));
            assertEquals(200, r.status(), r.body());
            return new ObjectMapper().readTree(r.body());
        }
    }

    private static void sdkSession(final String dsn, final String user, final Runnable body)
    {
        SdkSessions.session(dsn, "fwd-app@1.0", "production", user, body);
    }

    static boolean exists(final Path p)
    {
        return Files.exists(p);
    }
}
