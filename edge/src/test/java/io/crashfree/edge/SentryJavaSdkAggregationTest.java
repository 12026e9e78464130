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

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;
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

    private static void session(final String dsn, final String user, final Runnable body)
    {
        Sentry.init(options ->
        {
            options.setDsn(dsn);
            options.setRelease("sdk-app@1.0");
            options.setEnvironment("production");
            options.setDistinctId(user);
            options.setFlushTimeoutMillis(5000);
            options.setShutdownTimeoutMillis(5000);
        });
        try
        {
            Sentry.startSession();
            body.run();
            Sentry.endSession();
            Sentry.flush(5000);
        }
        finally
        {
            Sentry.close();
        }
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
