package io.crashfree.filters.config;

/**
 * Node-wide validation limits for session times (reference §3.1).
 *
 * @param startedMaxAgeMs    a session whose {@code started} is older than this (after clock-drift correction) is
 *                           dropped; {@code validation.started.max.age.seconds}, default 5 days.
 * @param startedMaxFutureMs a session whose {@code started} or {@code timestamp} is further ahead than this is
 *                           dropped; {@code validation.started.max.future.seconds}, default 60 s.
 */
public record ValidationSettings(long startedMaxAgeMs, long startedMaxFutureMs)
{
    /** Relay's defaults: 432,000 s (5 days) in the past, 60 s in the future. */
    public static final ValidationSettings DEFAULT = new ValidationSettings(432_000_000L, 60_000L);

    /**
     * Clock drift between the client and this node (receive time minus the envelope's {@code sent_at}) is corrected
     * only when it is at least this large in whole seconds: Relay's {@code MINIMUM_CLOCK_DRIFT}, 55 minutes.
     */
    public static final long MINIMUM_CLOCK_DRIFT_MS = 55 * 60 * 1000L;

    /** Checks the limits. */
    public ValidationSettings
    {
        if (startedMaxAgeMs < 0 || startedMaxFutureMs < 0)
        {
            throw new IllegalArgumentException("validation limits must not be negative");
        }
    }
}
