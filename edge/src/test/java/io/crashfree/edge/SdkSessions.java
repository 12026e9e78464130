package io.crashfree.edge;

import io.sentry.Sentry;

/**
 * One session of the official Java SDK against a DSN, as an app would have it: init, start a session, do the body,
 * end the session, flush, close. The tests' frames ({@code io.crashfree.edge}) are in-app, so errors group by them.
 */
final class SdkSessions
{
    private SdkSessions()
    {
    }

    /**
     * @param dsn         where the SDK sends.
     * @param release     the release.
     * @param environment the environment.
     * @param user        the distinct id.
     * @param body        what happens during the session, or null.
     */
    static void session(final String dsn, final String release, final String environment, final String user,
        final Runnable body)
    {
        Sentry.init(options ->
        {
            options.setDsn(dsn);
            options.setRelease(release);
            options.setEnvironment(environment);
            options.setDistinctId(user);
            options.addInAppInclude("io.crashfree.edge");
            options.setFlushTimeoutMillis(5000);
            options.setShutdownTimeoutMillis(5000);
        });
        try
        {
            Sentry.startSession();
            if (body != null)
            {
                body.run();
            }
            Sentry.endSession();
            Sentry.flush(5000);
        }
        finally
        {
            Sentry.close();
        }
    }

    /** A handled exception: the session is errored. */
    static void handled()
    {
        Sentry.captureException(new IllegalStateException("handled"));
    }

    /** An uncaught exception on another thread: the SDK's handler crashes the session. */
    static void crash()
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
    }
}
