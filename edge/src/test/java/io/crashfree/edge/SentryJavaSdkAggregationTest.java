package io.crashfree.edge;

import io.crashfree.aggregation.store.AggregateValue;
import io.sentry.Hint;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.exception.ExceptionMechanismException;
import io.sentry.hints.AbnormalExit;
import io.sentry.protocol.Mechanism;
import io.sentry.util.HintUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.crashfree.aggregation.sketch.UserSketches.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The official Java SDK against a node with its real aggregation side: known users with known outcomes, and the
 * aggregates must count each exactly (the SDK sends crashed and abnormal updates twice; they count once).
 */
@Timeout(60)
class SentryJavaSdkAggregationTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldAggregateSdkSessionsExactly() throws Exception
    {
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, Map.of()))
        {
            final String dsn = "http://" + TestNodes.KEY_42 + "@127.0.0.1:" + node.port() + "/42";
            session(dsn, "user-a", () -> { });
            session(dsn, "user-b", () ->
            {
                Sentry.captureException(new IllegalStateException("handled 1"));
                Sentry.captureException(new IllegalStateException("handled 2"));
            });
            session(dsn, "user-c", () ->
            {
                final Thread crashing = new Thread(() ->
                {
                    throw new IllegalStateException("uncaught");
                });
                crashing.start();
                try
                {
                    crashing.join();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            session(dsn, "user-d", () ->
            {
                final Mechanism mechanism = new Mechanism();
                mechanism.setType("ANR");
                mechanism.setHandled(false);
                final SentryEvent event = new SentryEvent(new ExceptionMechanismException(
                    mechanism, new IllegalStateException("not responding"), Thread.currentThread()));
                event.setLevel(SentryLevel.ERROR);
                final Hint hint = HintUtils.createWithTypeCheckHint(new Anr());
                Sentry.captureEvent(event, hint);
            });
            session(dsn, "user-a", () -> { });

            final AggregateValue total = new AggregateValue();
            node.aggregation().view().read(42, 3600, 0, Long.MAX_VALUE, System.currentTimeMillis()).values()
                .forEach(total::merge);
            assertEquals(5, total.sessions(), total.toString());
            assertEquals(1, total.crashed(), total.toString());
            assertEquals(1, total.abnormal(), total.toString());
            assertEquals(3, total.erroredSessions(), total.toString());
            assertEquals(0, total.erroredPreaggr(), total.toString());
            assertEquals(4, Math.round(total.estimate(SKETCH_USERS)), total.toString());
            assertEquals(1, Math.round(total.estimate(SKETCH_CRASHED_USERS)), total.toString());
            assertEquals(1, Math.round(total.estimate(SKETCH_ABNORMAL_USERS)), total.toString());
            assertEquals(3, Math.round(total.estimate(SKETCH_ERRORED_USERS)), total.toString());
            assertEquals(5, total.durationCount(), "one duration per session: " + total);
            assertEquals(0, node.counters().decodeFailures());
        }
    }

    @Test
    void shouldAnswerTheSessionsApiAndReleaseIndexExactlyForSdkSessions() throws Exception
    {
        final String token = "sdk-test-read-token-0000";
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, Map.of("query.tokens", token)))
        {
            final String dsn = "http://" + TestNodes.KEY_42 + "@127.0.0.1:" + node.port() + "/42";
            for (final String release : new String[] { "sdk-app@1.0", "sdk-app@2.0" })
            {
                for (final String environment : new String[] { "production", "staging" })
                {
                    final String prefix = release + "/" + environment + "/";
                    SdkSessions.session(dsn, release, environment, prefix + "healthy", () -> { });
                    SdkSessions.session(dsn, release, environment, prefix + "errored", SdkSessions::handled);
                    SdkSessions.session(dsn, release, environment, prefix + "crashed", SdkSessions::crash);
                    if (release.endsWith("2.0"))
                    {
                        SdkSessions.session(dsn, release, environment, prefix + "abnormal", SentryJavaSdkAggregationTest::anr);
                    }
                }
            }

            final com.fasterxml.jackson.databind.JsonNode byStatus = query(node, token,
                "/api/0/organizations/o/sessions/?project=42&field=sum(session)&field=count_unique(user)" +
                "&groupBy=release&groupBy=environment&groupBy=session.status&statsPeriod=1h&interval=1h");
            int groups = 0;
            for (final com.fasterxml.jackson.databind.JsonNode g : byStatus.get("groups"))
            {
                final String release = g.get("by").get("release").asText();
                final String status = g.get("by").get("session.status").asText();
                final long expected = switch (status)
                {
                    case "healthy", "errored", "crashed" -> 1;
                    case "abnormal" -> release.endsWith("2.0") ? 1 : 0;
                    default -> 0;
                };
                assertEquals(expected, g.get("totals").get("sum(session)").asLong(), g.toString());
                assertEquals(expected, g.get("totals").get("count_unique(user)").asLong(), g.toString());
                groups++;
            }
            assertEquals(2 * 2 * 5, groups, "release × environment × status");

            final com.fasterxml.jackson.databind.JsonNode rates = query(node, token,
                "/api/0/organizations/o/sessions/?project=42&field=crash_free_rate(session)" +
                "&field=crash_free_rate(user)&field=sum(session)&groupBy=release&statsPeriod=1h&interval=1h" +
                "&orderBy=-sum(session)");
            final com.fasterxml.jackson.databind.JsonNode first = rates.get("groups").get(0);
            assertEquals("sdk-app@2.0", first.get("by").get("release").asText(), "ordered by sessions, descending");
            assertEquals(8, first.get("totals").get("sum(session)").asLong());
            assertEquals(1 - 2 / 8.0, first.get("totals").get("crash_free_rate(session)").asDouble(), 1e-9);
            assertEquals(1 - 2 / 8.0, first.get("totals").get("crash_free_rate(user)").asDouble(), 1e-9);
            final com.fasterxml.jackson.databind.JsonNode second = rates.get("groups").get(1);
            assertEquals(1 - 2 / 6.0, second.get("totals").get("crash_free_rate(session)").asDouble(), 1e-9);

            final com.fasterxml.jackson.databind.JsonNode releases = query(node, token,
                "/api/0/organizations/crashfree/releases/?project=42&health=1&summaryStatsPeriod=24h&environment=production");
            assertEquals(2, releases.size());
            for (final com.fasterxml.jackson.databind.JsonNode r : releases)
            {
                final com.fasterxml.jackson.databind.JsonNode h = r.get("projects").get(0).get("healthData");
                final boolean v2 = r.get("version").asText().endsWith("2.0");
                assertEquals(v2 ? 4 : 3, h.get("totalSessions").asLong(), r.toString());
                assertEquals(v2 ? 4 : 3, h.get("totalUsers").asLong(), r.toString());
                assertEquals(1, h.get("sessionsCrashed").asLong(), r.toString());
                assertEquals(1, h.get("sessionsErrored").asLong(), r.toString());
                assertEquals(7, h.get("totalProjectSessions24h").asLong(), "production only: " + r);
                assertEquals(100.0 * (v2 ? 4 : 3) / 7, h.get("sessionsAdoption").asDouble(), 1e-9, r.toString());
                assertEquals(100.0 * (1 - 1.0 / (v2 ? 4 : 3)), h.get("crashFreeSessions").asDouble(), 1e-9);
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode query(final CrashfreeNode node, final String token,
        final String path) throws Exception
    {
        try (RawHttp http = new RawHttp(node.port()))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", path,
                new String[] { "Authorization: Bearer " + token }, null));
            assertEquals(200, r.status(), r.body());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        }
    }

    private static void anr()
    {
        final Mechanism mechanism = new Mechanism();
        mechanism.setType("ANR");
        mechanism.setHandled(false);
        final SentryEvent event = new SentryEvent(new ExceptionMechanismException(
            mechanism, new IllegalStateException("not responding"), Thread.currentThread()));
        event.setLevel(SentryLevel.ERROR);
        Sentry.captureEvent(event, HintUtils.createWithTypeCheckHint(new Anr()));
    }

    private static void session(final String dsn, final String user, final Runnable body)
    {
        SdkSessions.session(dsn, "sdk-app@1.0", "production", user, body);
    }

    /** The hint the SDK's ANR integrations attach. */
    private static final class Anr implements AbnormalExit
    {
        @Override
        public String mechanism()
        {
            return "anr_foreground";
        }

        @Override
        public boolean ignoreCurrentThread()
        {
            return false;
        }

        @Override
        public Long timestamp()
        {
            return null;
        }
    }
}
