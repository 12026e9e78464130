package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.aggregation.session.AbnormalMechanism;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.sentry.Hint;
import io.sentry.Sentry;
import io.sentry.SentryEnvelope;
import io.sentry.SentryEnvelopeItem;
import io.sentry.SentryEvent;
import io.sentry.SentryItemType;
import io.sentry.SentryLevel;
import io.sentry.Session;
import io.sentry.exception.ExceptionMechanismException;
import io.sentry.hints.AbnormalExit;
import io.sentry.protocol.Mechanism;
import io.sentry.util.HintUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compatibility with the official Sentry Java SDK ({@code io.sentry:sentry}): the real SDK, configured with a DSN
 * that points at an in-process node on an ephemeral port, sends its session envelopes over real HTTP (gzip,
 * {@code X-Sentry-Auth}, one connection per envelope), and the node must decode exactly what the SDK sent.
 * <p>
 * Every scenario checks two things:
 * <ul>
 *   <li><b>Nothing lost, nothing invented, nothing altered.</b> Each {@code session} item the SDK hands to its
 *       transport is captured from the SDK itself ({@code beforeEnvelopeCallback}), parsed independently with
 *       Jackson databind and {@link Instant#parse}, and compared field by field, in send order, with what the node
 *       folded into its sink. The SDK's transport sends one envelope at a time and waits for the answer, and the
 *       node folds before it answers, so arrival order is send order.</li>
 *   <li><b>The SDK's session semantics survive.</b> The sid hash equals {@link TestNodes#idHash} of the session id
 *       the SDK holds on its scope, the did hash that of the configured distinct id, release and environment are
 *       the configured ones, the status sequence and error counts are as the SDK's lifecycle dictates, and
 *       terminal updates carry {@code seq} and a {@code duration} matching {@code timestamp - started}.</li>
 * </ul>
 * The SDK keeps global state (its scopes), so the scenarios run one after another in this one class, each with its
 * own node and its own {@code Sentry.init} / {@code Sentry.close()}.
 * <p>
 * What the Java SDK (8.26.0) sends, as these scenarios pin down: the init update ({@code init: true}, {@code ok},
 * no {@code seq}, no {@code duration}) is its own envelope; a handled error sends an {@code ok} update with the
 * error count raised in the same envelope as the event, and the session still ends {@code exited} (the SDK never
 * sends {@code errored}; the error count is what makes it errored); a crash or abnormal exit ends the session at
 * once and is sent again, still crashed/abnormal, when the session is ended.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Execution(ExecutionMode.SAME_THREAD)
class SentryJavaSdkCompatibilityTest
{
    private static final String RELEASE = "crashfree-compat@2.7.1+build.314";
    private static final String ENVIRONMENT = "compat-staging";
    private static final String DISTINCT_ID = "compat-user-7";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long FLUSH_MS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private RecordingSessionSink sink;
    private CrashfreeNode node;
    /** Every session item the SDK handed to its transport, in send order. */
    private final List<SentSession> sent = new CopyOnWriteArrayList<>();
    /** A failure inside the SDK's callback, reported by the test instead of being swallowed by the SDK. */
    private final AtomicReference<Throwable> callbackFailure = new AtomicReference<>();

    /** One {@code session} item as the SDK serialized it, and whether an {@code event} travelled with it. */
    private record SentSession(JsonNode json, boolean withEvent)
    {
    }

    /**
     * The fields of a session update that the node keeps, in one comparable value. Built from the SDK's JSON (the
     * expectation) and from the node's decoded {@link SessionUpdate} (the observation). Hashes are hex strings so a
     * mismatch reads well.
     */
    private record Wire(
        String sidHash,
        String didHash,
        boolean init,
        long startedMs,
        long timestampMs,
        SessionStatus status,
        long errors,
        double durationSeconds,
        Long seq,
        String release,
        String environment,
        AbnormalMechanism abnormalMechanism)
    {
        static Wire sentBySdk(final JsonNode s)
        {
            final JsonNode attrs = s.get("attrs");
            return new Wire(
                hex(TestNodes.idHash(s.get("sid").asText())),
                s.hasNonNull("did") ? hex(TestNodes.idHash(s.get("did").asText())) : null,
                s.path("init").asBoolean(false),
                Instant.parse(s.get("started").asText()).toEpochMilli(),
                s.hasNonNull("timestamp") ? Instant.parse(s.get("timestamp").asText()).toEpochMilli()
                    : SessionUpdate.NO_TIME,
                SessionStatus.valueOf(s.get("status").asText().toUpperCase(Locale.ROOT)),
                s.path("errors").asLong(0),
                s.hasNonNull("duration") ? s.get("duration").asDouble() : Double.NaN,
                s.hasNonNull("seq") ? s.get("seq").asLong() : null,
                attrs.get("release").asText(),
                attrs.hasNonNull("environment") ? attrs.get("environment").asText() : null,
                s.hasNonNull("abnormal_mechanism")
                    ? AbnormalMechanism.valueOf(s.get("abnormal_mechanism").asText().toUpperCase(Locale.ROOT))
                    : AbnormalMechanism.NONE);
        }

        static Wire decodedByNode(final SessionUpdate u)
        {
            return new Wire(
                u.hasSid() ? hex(new long[] { u.sidHashLow(), u.sidHashHigh() }) : null,
                u.hasDid() ? hex(new long[] { u.didHashLow(), u.didHashHigh() }) : null,
                u.init(),
                u.startedMs(),
                u.timestampMs(),
                u.status(),
                u.errors(),
                u.durationSeconds(),
                u.hasSeq() ? u.seq() : null,
                u.attributes().release().toString(),
                u.attributes().environment().toString(),
                u.abnormalMechanism());
        }
    }

    @BeforeEach
    void startNode() throws InterruptedException
    {
        sink = new RecordingSessionSink();
        node = TestNodes.start(dataDir, sink, Map.of(), java.time.Clock.systemUTC()); // the SDK stamps real time
    }

    @AfterEach
    void stopEverything() throws InterruptedException
    {
        try
        {
            Sentry.close(); // idempotent; makes the scenarios independent even when one fails half-way
        }
        finally
        {
            if (node != null)
            {
                node.close();
            }
        }
        LeakCheck.assertNoLeaks();
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    @Order(1)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldDecodeHealthySessionAsInitThenExited() throws Exception
    {
        initSdk(DISTINCT_ID);
        Sentry.startSession();
        final String sid = currentSessionId();
        Sentry.endSession();

        final List<SessionUpdate> updates = flushCloseAndMatch(2);

        assertSession(updates, sid, DISTINCT_ID);
        assertEquals(List.of(SessionStatus.OK, SessionStatus.EXITED), statuses(updates));
        assertEquals(List.of(0L, 0L), errors(updates));
        assertInitUpdate(updates.get(0));
        assertTerminalUpdate(updates.get(1));
        assertFalse(sent.get(0).withEvent() || sent.get(1).withEvent(), "a healthy session sends no event");
    }

    @Test
    @Order(2)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldCountHandledErrorsAndEndSessionExited() throws Exception
    {
        initSdk(DISTINCT_ID);
        Sentry.startSession();
        final String sid = currentSessionId();
        Sentry.captureException(new IllegalStateException("compat: handled error 1"));
        Sentry.captureException(new IllegalArgumentException("compat: handled error 2"));
        Sentry.endSession();

        final List<SessionUpdate> updates = flushCloseAndMatch(4);

        assertSession(updates, sid, DISTINCT_ID);
        assertEquals(List.of(SessionStatus.OK, SessionStatus.OK, SessionStatus.OK, SessionStatus.EXITED),
            statuses(updates));
        assertEquals(List.of(0L, 1L, 2L, 2L), errors(updates));
        assertInitUpdate(updates.get(0));
        for (int i = 1; i <= 2; i++)
        {
            assertFalse(updates.get(i).init(), "update " + i + " is not the init update");
            assertTrue(updates.get(i).hasSeq(), "error updates carry seq");
            assertTrue(sent.get(i).withEvent(), "an error sends its event and the session update in one envelope");
        }
        assertTerminalUpdate(updates.get(3));
        assertTrue(updates.get(3).errors() > 0, "the ended session counts as errored: errors > 0");
    }

    @Test
    @Order(3)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldDecodeCrashedSessionFromUncaughtException() throws Exception
    {
        initSdk(DISTINCT_ID);
        Sentry.startSession();
        final String sid = currentSessionId();

        // A real uncaught exception: the SDK's UncaughtExceptionHandlerIntegration reports it (handled=false).
        final Thread crashing = new Thread(() ->
        {
            throw new IllegalStateException("compat: uncaught crash");
        }, "compat-crashing-thread");
        crashing.start();
        crashing.join();
        Sentry.endSession();

        final List<SessionUpdate> updates = flushCloseAndMatch(3);

        assertSession(updates, sid, DISTINCT_ID);
        assertEquals(List.of(SessionStatus.OK, SessionStatus.CRASHED, SessionStatus.CRASHED), statuses(updates));
        assertEquals(List.of(0L, 1L, 1L), errors(updates));
        assertInitUpdate(updates.get(0));
        assertTerminalUpdate(updates.get(1));
        assertTerminalUpdate(updates.get(2));
        assertTrue(sent.get(1).withEvent(), "the crash event and the crashed update travel in one envelope");
        assertTrue(updates.stream().anyMatch(u -> u.status() == SessionStatus.CRASHED), "crashed arrived");
    }

    @Test
    @Order(4)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldDecodeAbnormalSessionFromAnrExit() throws Exception
    {
        initSdk(DISTINCT_ID);
        Sentry.startSession();
        final String sid = currentSessionId();

        // As the SDK's ANR integrations report an app-not-responding: an unhandled mechanism plus an AbnormalExit
        // hint. Abnormal wins over crashed.
        final Mechanism mechanism = new Mechanism();
        mechanism.setType("ANR");
        mechanism.setHandled(false);
        final SentryEvent event = new SentryEvent(new ExceptionMechanismException(
            mechanism, new IllegalStateException("compat: application not responding"), Thread.currentThread()));
        event.setLevel(SentryLevel.ERROR);
        final Hint hint = HintUtils.createWithTypeCheckHint(new AnrHint("anr_foreground"));
        Sentry.captureEvent(event, hint);
        Sentry.endSession();

        final List<SessionUpdate> updates = flushCloseAndMatch(3);

        assertSession(updates, sid, DISTINCT_ID);
        assertEquals(List.of(SessionStatus.OK, SessionStatus.ABNORMAL, SessionStatus.ABNORMAL), statuses(updates));
        assertEquals(List.of(0L, 1L, 1L), errors(updates));
        assertInitUpdate(updates.get(0));
        assertEquals(AbnormalMechanism.NONE, updates.get(0).abnormalMechanism());
        for (int i = 1; i <= 2; i++)
        {
            assertTerminalUpdate(updates.get(i));
            assertEquals(AbnormalMechanism.ANR_FOREGROUND, updates.get(i).abnormalMechanism(), "update " + i);
        }
        assertTrue(sent.get(1).withEvent(), "the ANR event and the abnormal update travel in one envelope");
    }

    @Test
    @Order(5)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldExitPreviousSessionWhenNewSessionStarts() throws Exception
    {
        initSdk(null); // no distinct id: the SDK sends no did
        Sentry.startSession();
        final String first = currentSessionId();
        Sentry.startSession(); // ends the first session (exited) and starts a second one
        final String second = currentSessionId();
        Sentry.endSession();

        final List<SessionUpdate> updates = flushCloseAndMatch(4);

        assertFalse(first.equals(second), "two distinct sessions");
        assertSession(updates.subList(0, 2), first, null);
        assertSession(updates.subList(2, 4), second, null);
        assertEquals(List.of(SessionStatus.OK, SessionStatus.EXITED, SessionStatus.OK, SessionStatus.EXITED),
            statuses(updates));
        assertEquals(List.of(0L, 0L, 0L, 0L), errors(updates));
        assertInitUpdate(updates.get(0));
        assertTerminalUpdate(updates.get(1));
        assertInitUpdate(updates.get(2));
        assertTerminalUpdate(updates.get(3));
    }

    // ---------------------------------------------------------------- SDK plumbing

    private void initSdk(final String distinctId)
    {
        final String dsn = "http://" + TestNodes.KEY_42 + "@127.0.0.1:" + node.port() + "/42";
        Sentry.init(options ->
        {
            options.setDsn(dsn);
            options.setRelease(RELEASE);
            options.setEnvironment(ENVIRONMENT);
            options.setDistinctId(distinctId);
            options.setFlushTimeoutMillis(FLUSH_MS);
            options.setShutdownTimeoutMillis(FLUSH_MS);
            options.setBeforeEnvelopeCallback((envelope, hint) -> record(envelope));
        });
        assertTrue(Sentry.isEnabled(), "the SDK accepted the DSN " + dsn);
    }

    /** Keeps every session item exactly as the SDK serialized it for the wire. */
    private void record(final SentryEnvelope envelope)
    {
        try
        {
            boolean withEvent = false;
            final List<JsonNode> sessions = new ArrayList<>();
            for (final SentryEnvelopeItem item : envelope.getItems())
            {
                final SentryItemType type = item.getHeader().getType();
                if (type == SentryItemType.Event)
                {
                    withEvent = true;
                }
                else if (type == SentryItemType.Session)
                {
                    sessions.add(JSON.readTree(item.getData()));
                }
            }
            for (final JsonNode s : sessions)
            {
                sent.add(new SentSession(s, withEvent));
            }
        }
        catch (final Throwable t)
        {
            callbackFailure.compareAndSet(null, t);
        }
    }

    /** @return the id of the session the SDK holds on its scope right now. */
    private static String currentSessionId()
    {
        final AtomicReference<String> sid = new AtomicReference<>();
        Sentry.configureScope(scope ->
        {
            final Session session = scope.getSession();
            sid.set(session == null ? null : session.getSessionId());
        });
        assertNotNull(sid.get(), "the SDK has a session on its scope");
        return sid.get();
    }

    /**
     * Flushes the SDK, waits until the node has folded as many updates as the SDK sent, closes the SDK, and checks
     * that the node decoded exactly the SDK's session items: same count (nothing lost, nothing extra), same order,
     * same values.
     *
     * @param expectedCount how many session items the scenario makes the SDK send.
     * @return the decoded updates, in arrival (= send) order.
     */
    private List<SessionUpdate> flushCloseAndMatch(final int expectedCount) throws Exception
    {
        Sentry.flush(FLUSH_MS);
        if (callbackFailure.get() != null)
        {
            throw new AssertionError("could not read what the SDK sent", callbackFailure.get());
        }
        final List<SentSession> sentNow = List.copyOf(sent);
        assertEquals(expectedCount, sentNow.size(), () -> "session items the SDK sent: " + sentNow);

        sink.awaitUpdates(u -> u.size() >= sentNow.size(), WAIT);
        Sentry.close(); // flushes again; anything sent late would show up as an extra update below
        final List<SessionUpdate> updates = sink.updates();

        final List<Wire> expected = new ArrayList<>();
        for (final SentSession s : sent)
        {
            expected.add(Wire.sentBySdk(s.json()));
        }
        final List<Wire> actual = new ArrayList<>();
        for (final SessionUpdate u : updates)
        {
            actual.add(Wire.decodedByNode(u));
        }
        assertEquals(expected, actual, "the node decoded exactly the session items the SDK sent");

        assertEquals(0, node.counters().decodeFailures(), "decode failures");
        assertEquals(0, rejectedRequests(), "requests answered with anything but 200");
        assertEquals(expectedCount, node.counters().sessionUpdates(), "session updates counted by the node");
        assertEquals(0, node.errors().errorCount(), "faults in the node");
        return updates;
    }

    private long rejectedRequests()
    {
        long n = 0;
        for (final int status : new int[] { 400, 401, 403, 404, 405, 413, 429, 500, 503, 599 })
        {
            n += node.counters().requests(status); // 599 stands for "any status not listed"
        }
        return n;
    }

    /** The hint the SDK's ANR integrations attach: the session ends abnormal with this mechanism. */
    private static final class AnrHint implements AbnormalExit
    {
        private final String mechanism;

        AnrHint(final String mechanism)
        {
            this.mechanism = mechanism;
        }

        @Override
        public String mechanism()
        {
            return mechanism;
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

    // ---------------------------------------------------------------- assertions on the decoded updates

    /** All updates belong to one session: its sid, the configured did, release and environment, one start time. */
    private static void assertSession(final List<SessionUpdate> updates, final String sid, final String did)
    {
        final long[] sidHash = TestNodes.idHash(sid);
        final long started = updates.get(0).startedMs();
        for (int i = 0; i < updates.size(); i++)
        {
            final SessionUpdate u = updates.get(i);
            final String at = "update " + i + " of session " + sid;
            assertTrue(u.hasSid(), at);
            assertEquals(sidHash[0], u.sidHashLow(), at + ": sid hash (low)");
            assertEquals(sidHash[1], u.sidHashHigh(), at + ": sid hash (high)");
            if (did == null)
            {
                assertFalse(u.hasDid(), at + ": no did configured, none decoded");
            }
            else
            {
                final long[] didHash = TestNodes.idHash(did);
                assertTrue(u.hasDid(), at + ": did");
                assertEquals(didHash[0], u.didHashLow(), at + ": did hash (low)");
                assertEquals(didHash[1], u.didHashHigh(), at + ": did hash (high)");
            }
            assertEquals(RELEASE, u.attributes().release().toString(), at + ": release");
            assertEquals(ENVIRONMENT, u.attributes().environment().toString(), at + ": environment");
            assertTrue(u.startedMs() != SessionUpdate.NO_TIME, at + ": started");
            assertEquals(started, u.startedMs(), at + ": every update keeps the session's start");
            assertTrue(u.timestampMs() != SessionUpdate.NO_TIME, at + ": timestamp");
            assertTrue(u.startedMs() <= u.timestampMs(), at + ": started <= timestamp");
            assertTrue(Math.abs(u.timestampMs() - System.currentTimeMillis()) < 60_000, at + ": timestamp is now");
        }
        for (int i = 1; i < updates.size(); i++)
        {
            assertTrue(updates.get(i - 1).timestampMs() <= updates.get(i).timestampMs(), "timestamps never go back");
        }
    }

    /** The SDK's first update of a session: init, ok, no errors, no seq, no duration, timestamp at the start. */
    private static void assertInitUpdate(final SessionUpdate u)
    {
        assertTrue(u.init(), "init update has init=true");
        assertEquals(SessionStatus.OK, u.status(), "init update is ok");
        assertEquals(0, u.errors(), "init update has no errors");
        assertFalse(u.hasSeq(), "the SDK sends no seq on the init update");
        assertTrue(Double.isNaN(u.durationSeconds()), "init update has no duration");
        assertTrue(u.timestampMs() - u.startedMs() < 5_000, "init update's timestamp is (about) its start");
    }

    /** A terminal update: not init, seq = timestamp (the SDK's clock), duration = timestamp - started. */
    private static void assertTerminalUpdate(final SessionUpdate u)
    {
        assertFalse(u.init(), "terminal update has init=false");
        assertTrue(u.status() != SessionStatus.OK, "terminal update has a terminal status");
        assertFalse(Double.isNaN(u.durationSeconds()), "terminal update has a duration");
        assertTrue(u.durationSeconds() >= 0, "duration >= 0");
        assertEquals((u.timestampMs() - u.startedMs()) / 1000.0, u.durationSeconds(), 0.0015,
            "duration is timestamp - started");
        assertTrue(u.hasSeq(), "terminal update has seq");
        assertEquals(u.timestampMs(), u.seq(), "the SDK's seq is its timestamp in epoch milliseconds");
    }

    private static List<SessionStatus> statuses(final List<SessionUpdate> updates)
    {
        return updates.stream().map(SessionUpdate::status).toList();
    }

    private static List<Long> errors(final List<SessionUpdate> updates)
    {
        return updates.stream().map(SessionUpdate::errors).toList();
    }

    private static String hex(final long[] hash)
    {
        return String.format("%016x%016x", hash[1], hash[0]);
    }
}
