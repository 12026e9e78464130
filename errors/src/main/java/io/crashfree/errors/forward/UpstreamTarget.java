package io.crashfree.errors.forward;

import java.util.HashMap;
import java.util.Map;

/**
 * One project's upstream as the forwarder sees it: where it is, how long to wait after failures (doubling from one
 * second to {@code forward.retry.max.seconds}), and the rate limits it announced, per data category. Forwarder
 * thread only.
 */
final class UpstreamTarget
{
    private static final long FIRST_RETRY_MS = 1000;
    /** A 429 with neither header: the SDKs' convention. */
    static final long DEFAULT_RETRY_AFTER_MS = 60_000;

    final long projectId;
    final UpstreamDsn dsn;
    private final long retryMaxMs;
    private long backoffUntilMs;
    private int failures;
    private long allLimitedUntilMs;
    private final Map<String, Long> categoryLimitedUntilMs = new HashMap<>();
    long rejectedSinceLog;
    int lastRejectedStatus;
    String lastRejectedDetail;
    long lastRejectLogMs = Long.MIN_VALUE;
    boolean reportedDown;

    UpstreamTarget(final long projectId, final UpstreamDsn dsn, final long retryMaxMs)
    {
        this.projectId = projectId;
        this.dsn = dsn;
        this.retryMaxMs = retryMaxMs;
    }

    /** @return until when nothing may be sent there (backoff after failures, or a limit on every category). */
    long blockedUntilMs()
    {
        return Math.max(backoffUntilMs, allLimitedUntilMs);
    }

    /**
     * @param category a data category.
     * @param nowMs    now.
     * @return until when that category is limited, or 0 when it is not.
     */
    long categoryLimitedUntilMs(final String category, final long nowMs)
    {
        final Long until = categoryLimitedUntilMs.get(category);
        return until != null && until > nowMs ? until : 0;
    }

    /** @return failures in a row (0 after a success). */
    int failures()
    {
        return failures;
    }

    void onSuccess()
    {
        failures = 0;
        backoffUntilMs = 0;
    }

    /**
     * A network error or a 5xx: wait, doubling.
     *
     * @param nowMs now.
     */
    void onFailure(final long nowMs)
    {
        failures++;
        final long wait = Math.min(retryMaxMs, FIRST_RETRY_MS << Math.min(failures - 1, 30));
        backoffUntilMs = nowMs + Math.max(1, wait);
    }

    /**
     * Applies what the upstream said about its rate limits (on a 429, or alongside any answer).
     *
     * @param rateLimits    {@code X-Sentry-Rate-Limits}, or null.
     * @param retryAfter    {@code Retry-After}, or null.
     * @param tooManyRequests whether the answer was 429.
     * @param nowMs         now.
     */
    void onRateLimits(final String rateLimits, final String retryAfter, final boolean tooManyRequests,
        final long nowMs)
    {
        if (rateLimits != null && !rateLimits.isBlank())
        {
            // retry_after:categories:scope[:reason[:namespaces]], comma separated; no categories = all of them
            for (final String limit : rateLimits.split(","))
            {
                final String[] parts = limit.trim().split(":", -1);
                if (parts.length < 2)
                {
                    continue;
                }
                final long seconds = parseSeconds(parts[0].trim(), -1);
                if (seconds < 0)
                {
                    continue;
                }
                final long until = nowMs + seconds * 1000;
                final String categories = parts[1].trim();
                if (categories.isEmpty())
                {
                    allLimitedUntilMs = Math.max(allLimitedUntilMs, until);
                    continue;
                }
                for (final String c : categories.split(";"))
                {
                    if (!c.isBlank())
                    {
                        categoryLimitedUntilMs.merge(c.trim(), until, Math::max);
                    }
                }
            }
            return;
        }
        if (tooManyRequests)
        {
            final long seconds = retryAfter == null ? -1 : parseSeconds(retryAfter.trim(), -1);
            allLimitedUntilMs = Math.max(allLimitedUntilMs,
                nowMs + (seconds >= 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS));
        }
    }

    private static long parseSeconds(final String text, final long otherwise)
    {
        try
        {
            // whole seconds, as Relay writes them; a fraction is rounded up
            return (long)Math.ceil(Double.parseDouble(text));
        }
        catch (final NumberFormatException ex)
        {
            return otherwise; // an HTTP date: callers fall back to the default
        }
    }
}
