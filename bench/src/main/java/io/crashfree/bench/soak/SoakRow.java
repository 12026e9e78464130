package io.crashfree.bench.soak;

import io.crashfree.loadgen.LoadSnapshot;

/**
 * One period of the soak (a minute, normally): what the load generator offered and got, and what the node said
 * about itself at the period's end.
 *
 * @param index            period number from 1.
 * @param fromSeconds      start, seconds into the load.
 * @param toSeconds        end, seconds into the load.
 * @param offeredPerSecond the open-loop rate asked for, requests per second.
 * @param sentPerSecond    requests written per second.
 * @param okPerSecond      answers 200 per second: the achieved rate.
 * @param sessionsPerSecond sessions acknowledged per second.
 * @param answered         answers in the period.
 * @param refused          answers other than 200.
 * @param refused429       answers 429.
 * @param refused503       answers 503.
 * @param clientErrors     requests without an answer and failed connection attempts.
 * @param terminalsPending long sessions' terminal updates held by the load generator at the end.
 * @param node             the node at the end of the period.
 * @param earlyFlushes     early flushes in the period (all causes), NaN when not exported.
 * @param nodeErrors       internal faults in the period, NaN when not exported.
 * @param rateLimited      the node's rate-limited count in the period, NaN when not exported.
 */
public record SoakRow(int index, double fromSeconds, double toSeconds, double offeredPerSecond, double sentPerSecond,
    double okPerSecond, double sessionsPerSecond, long answered, long refused, long refused429, long refused503,
    long clientErrors, long terminalsPending, NodeSample node, double earlyFlushes, double nodeErrors,
    double rateLimited)
{
    /**
     * @param index    period number from 1.
     * @param offered  the open-loop rate.
     * @param from     the load generator at the period's start.
     * @param to       the load generator at its end.
     * @param before   the node at the period's start (or null for the first period: its counters start at 0).
     * @param after    the node at its end.
     * @return the row.
     */
    public static SoakRow of(final int index, final double offered, final LoadSnapshot from, final LoadSnapshot to,
        final NodeSample before, final NodeSample after)
    {
        final double seconds = Math.max(1e-9, (to.elapsedNs() - from.elapsedNs()) / 1e9);
        return new SoakRow(index, from.elapsedNs() / 1e9, to.elapsedNs() / 1e9, offered,
            (to.sent() - from.sent()) / seconds, (to.ok() - from.ok()) / seconds,
            (to.sessionsOk() - from.sessionsOk()) / seconds, to.answered() - from.answered(),
            to.rejected() - from.rejected(), to.status429() - from.status429(), to.status503() - from.status503(),
            to.inDoubt() - from.inDoubt() + to.connectFailures() - from.connectFailures(), to.terminalsPending(),
            after, delta(before == null ? 0 : before.earlyFlushes(), after.earlyFlushes()),
            delta(before == null ? 0 : before.errors(), after.errors()),
            delta(before == null ? 0 : before.rateLimited(), after.rateLimited()));
    }

    /** @return refused answers / answers in the period (0 without answers). */
    public double refusedShare()
    {
        return answered == 0 ? 0 : (double)refused / answered;
    }

    /** @return 429 answers / answers. */
    public double share429()
    {
        return answered == 0 ? 0 : (double)refused429 / answered;
    }

    /** @return 503 answers / answers. */
    public double share503()
    {
        return answered == 0 ? 0 : (double)refused503 / answered;
    }

    private static double delta(final double before, final double after)
    {
        // A counter the node started exporting mid-run counts from 0.
        return Double.isNaN(after) ? Double.NaN : after - (Double.isNaN(before) ? 0 : before);
    }
}
