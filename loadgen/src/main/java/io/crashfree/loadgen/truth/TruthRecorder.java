package io.crashfree.loadgen.truth;

import io.crashfree.loadgen.workload.AggregateBatch;
import io.crashfree.loadgen.workload.Outcome;
import io.crashfree.loadgen.workload.PlannedSession;
import io.crashfree.loadgen.workload.UpdateSpec;
import io.crashfree.loadgen.workload.WorkloadSpec;

/**
 * One client thread's share of the ground truth: applied when the node answers {@code 200} (a 200 means folded; any
 * other answer changed nothing), counted exactly as the node counts (DESIGN.md §4):
 * <ul>
 *   <li>every acknowledged init update adds a session (a repeated init counts again, as on the node);</li>
 *   <li>a session is errored, crashed, abnormal or unhandled once, however many of its updates say so (the Java SDK
 *       sends a crashed terminal update twice);</li>
 *   <li>aggregate entries add their totals, their errors (pre-aggregated) and their crashed, abnormal and unhandled
 *       counts;</li>
 *   <li>users are the distinct {@code did} values of acknowledged updates and entries.</li>
 * </ul>
 * A request that got no answer (connection lost, timed out) may or may not have been folded: it adds its sessions to
 * the key's doubt, the margin the verifier allows.
 * <p>
 * Single writer: only its thread calls it; the main thread reads it after the run.
 */
public final class TruthRecorder
{
    static final int INITS = 0;
    static final int ERRORED_SIDS = 1;
    static final int CRASHED_SIDS = 2;
    static final int ABNORMAL_SIDS = 3;
    static final int UNHANDLED_SIDS = 4;
    static final int AGG_TOTAL = 5;
    static final int AGG_ERRORS = 6;
    static final int AGG_CRASHED = 7;
    static final int AGG_ABNORMAL = 8;
    static final int AGG_UNHANDLED = 9;
    static final int DOUBT = 10;
    static final int FIELDS = 11;

    private final WorkloadSpec spec;
    private final UserSets users;
    private final long[] counters;
    private long minStartedMs = Long.MAX_VALUE;
    private long maxStartedMs = Long.MIN_VALUE;

    /**
     * @param spec  the run's workload (key layout).
     * @param users the shared user sets.
     */
    public TruthRecorder(final WorkloadSpec spec, final UserSets users)
    {
        this.spec = spec;
        this.users = users;
        this.counters = new long[spec.keyCount() * FIELDS];
    }

    /**
     * The node answered 200 to a session update.
     *
     * @param s      its session.
     * @param update the update.
     */
    public void onUpdateAcked(final PlannedSession s, final UpdateSpec update)
    {
        final int key = spec.key(s.project(), s.release(), s.environment());
        final int at = key * FIELDS;
        if (update.init())
        {
            counters[at + INITS]++;
        }
        final boolean errored = update.errored();
        if (errored && s.tryAckErrored())
        {
            counters[at + ERRORED_SIDS]++;
        }
        final Outcome terminal = update.terminalOutcome();
        if (terminal != null && s.tryAckTerminal())
        {
            counters[at + CRASHED_SIDS + terminal.ordinal() - Outcome.CRASHED.ordinal()]++;
        }
        users.add(key, UserSets.USERS, s.user());
        if (errored)
        {
            users.add(key, UserSets.ERRORED, s.user());
        }
        if (terminal == Outcome.CRASHED)
        {
            users.add(key, UserSets.CRASHED, s.user());
        }
        else if (terminal == Outcome.ABNORMAL)
        {
            users.add(key, UserSets.ABNORMAL, s.user());
        }
        else if (terminal == Outcome.UNHANDLED)
        {
            users.add(key, UserSets.UNHANDLED, s.user());
        }
        started(s.startedMs());
    }

    /**
     * A session update got no answer: it may or may not have been folded.
     *
     * @param s its session.
     */
    public void onUpdateInDoubt(final PlannedSession s)
    {
        counters[spec.key(s.project(), s.release(), s.environment()) * FIELDS + DOUBT]++;
        started(s.startedMs());
    }

    /**
     * The node answered 200 to an aggregate envelope.
     *
     * @param batch its entries.
     */
    public void onAggregatesAcked(final AggregateBatch batch)
    {
        final int key = spec.key(batch.project(), batch.release(), batch.environment());
        final int at = key * FIELDS;
        for (int e = 0, n = batch.entries(); e < n; e++)
        {
            final int crashed = batch.count(e, Outcome.CRASHED);
            final int abnormal = batch.count(e, Outcome.ABNORMAL);
            final int unhandled = batch.count(e, Outcome.UNHANDLED);
            final int errors = batch.count(e, Outcome.ERRORED) + crashed + abnormal + unhandled;
            counters[at + AGG_TOTAL] += batch.total(e);
            counters[at + AGG_ERRORS] += errors;
            counters[at + AGG_CRASHED] += crashed;
            counters[at + AGG_ABNORMAL] += abnormal;
            counters[at + AGG_UNHANDLED] += unhandled;
            final int user = batch.user(e);
            users.add(key, UserSets.USERS, user);
            if (errors > 0)
            {
                users.add(key, UserSets.ERRORED, user);
            }
            if (crashed > 0)
            {
                users.add(key, UserSets.CRASHED, user);
            }
            if (abnormal > 0)
            {
                users.add(key, UserSets.ABNORMAL, user);
            }
            if (unhandled > 0)
            {
                users.add(key, UserSets.UNHANDLED, user);
            }
        }
        if (batch.entries() > 0)
        {
            started(batch.startedMs());
        }
    }

    /**
     * An aggregate envelope got no answer.
     *
     * @param batch its entries.
     */
    public void onAggregatesInDoubt(final AggregateBatch batch)
    {
        counters[spec.key(batch.project(), batch.release(), batch.environment()) * FIELDS + DOUBT] +=
            batch.totalSessions();
        if (batch.entries() > 0)
        {
            started(batch.startedMs());
        }
    }

    long counter(final int key, final int field)
    {
        return counters[key * FIELDS + field];
    }

    long minStartedMs()
    {
        return minStartedMs;
    }

    long maxStartedMs()
    {
        return maxStartedMs;
    }

    private void started(final long startedMs)
    {
        if (startedMs < minStartedMs)
        {
            minStartedMs = startedMs;
        }
        if (startedMs > maxStartedMs)
        {
            maxStartedMs = startedMs;
        }
    }
}
