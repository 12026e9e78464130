package io.crashfree.edge.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions per second one public key may send ({@code project.<id>.limits.key.sessions.per.second}), as a generic
 * cell rate algorithm: one CAS per envelope on a "theoretical arrival time", a burst of one second's worth, no
 * allocation, no lock. Shared by every event loop.
 */
public final class KeyRateLimiter
{
    private static final long BURST_NS = 1_000_000_000L;

    private final double intervalNs;
    private final AtomicLong theoreticalArrivalNs = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param sessionsPerSecond the sustained rate, above 0.
     */
    public KeyRateLimiter(final int sessionsPerSecond)
    {
        this.intervalNs = 1e9 / sessionsPerSecond;
    }

    /**
     * @param sessions how many sessions the envelope carries.
     * @param nowNs    {@link System#nanoTime()}.
     * @return true when the key may send them now; false leaves the allowance as it was.
     */
    public boolean tryAcquire(final long sessions, final long nowNs)
    {
        final long costNs = (long)(sessions * intervalNs);
        while (true)
        {
            final long tat = theoreticalArrivalNs.get();
            final long next = Math.max(tat, nowNs) + costNs;
            if (next - nowNs > BURST_NS && sessions > 0)
            {
                return false;
            }
            if (theoreticalArrivalNs.compareAndSet(tat, next))
            {
                return true;
            }
        }
    }
}
