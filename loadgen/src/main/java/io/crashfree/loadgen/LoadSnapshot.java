package io.crashfree.loadgen;

/**
 * A run's counts since it started, taken once a second: differences of two snapshots give a period's rates.
 *
 * @param second           seconds of load so far.
 * @param elapsedNs        nanoseconds since the load started, when the snapshot was taken.
 * @param sent             requests written.
 * @param ok               answered 200.
 * @param rejected         answered otherwise.
 * @param status429        answered 429 (rate limited).
 * @param status503        answered 503 (the node could not take more).
 * @param sessionsOk       sessions acknowledged (updates + aggregate entry totals).
 * @param inDoubt          requests without an answer.
 * @param connectFailures  connection attempts that failed.
 * @param timeouts         requests abandoned after the timeout.
 * @param terminalsPending long sessions' terminal updates held, not sent yet.
 */
public record LoadSnapshot(int second, long elapsedNs, long sent, long ok, long rejected, long status429,
    long status503, long sessionsOk, long inDoubt, long connectFailures, long timeouts, long terminalsPending)
{
    /** @return answers received (any status). */
    public long answered()
    {
        return ok + rejected;
    }
}
