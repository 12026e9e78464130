package io.crashfree.loadgen.workload;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * Draws sessions and aggregate batches for one client thread: project, SDK, environment and outcome from their
 * weights, release from the Zipf distribution, user uniformly from the population, a fresh session id per session.
 * <p>
 * A ring of open sessions interleaves their updates, as many SDK instances would: each call takes the next slot's
 * session, so consecutive requests belong to different sessions and a session's updates travel on different
 * connections (and may arrive out of order, as they do in practice). Sessions are pooled: one whose updates have all
 * been sent and answered is reused.
 * <p>
 * Long sessions ({@link WorkloadSpec#longSessions()}): a new session's only immediate update is its init; its terminal
 * update goes to {@link PendingTerminals} with a delay drawn uniformly from the session length, and comes back
 * through {@link #nextDueTerminal} once due. The Java SDK's crashed, abnormal and unhandled ends are sent twice: the
 * second send is held again when the first got its answer, remembering whether the first was acknowledged (then the
 * second counts nothing). Terminal updates still held when the run ends are never sent.
 */
public final class SessionPlanner
{
    private static final int OUTCOMES = 5;

    private final WorkloadSpec spec;
    private final SplittableRandom random;
    private final Zipf releases;
    private final WeightedChoice environments;
    private final WeightedChoice outcomes;
    private final WeightedChoice projects;
    private final WeightedChoice styles;
    private final PendingTerminals terminals;
    private final long sessionMinMs;
    private final long sessionSpanMs;
    private final double aggregateShare;
    private final long sidHigh;
    private final long sidLowBase;
    private long sessionsPlanned;
    private final PlannedSession[] ring;
    private int cursor;
    private final ArrayDeque<PlannedSession> pool = new ArrayDeque<>();
    private final int[] entryCounts = new int[OUTCOMES];

    /**
     * @param spec         what to send.
     * @param seed         seed of this thread's generator.
     * @param runSalt      differs per run, so session ids never repeat across runs.
     * @param workerIndex  this thread's index, so session ids never repeat across threads.
     * @param openSessions sessions interleaved at a time (at least 1).
     */
    public SessionPlanner(final WorkloadSpec spec, final long seed, final long runSalt, final int workerIndex,
        final int openSessions)
    {
        this.spec = spec;
        this.random = new SplittableRandom(seed);
        this.releases = new Zipf(spec.releases().size(), spec.zipfExponent());
        this.environments = new WeightedChoice(spec.environmentWeights());
        this.outcomes = new WeightedChoice(spec.outcomeWeights());
        this.projects = new WeightedChoice(spec.projectWeights());
        this.styles = new WeightedChoice(spec.styleWeights());
        this.terminals = spec.longSessions() ? new PendingTerminals(spec.sessionMaxMs() + 1000) : null;
        this.sessionMinMs = spec.sessionMinMs();
        this.sessionSpanMs = spec.sessionMaxMs() - spec.sessionMinMs();
        this.aggregateShare = spec.aggregateShare();
        this.sidHigh = mix(runSalt);
        this.sidLowBase = ((long)workerIndex) << 48;
        this.ring = new PlannedSession[Math.max(1, openSessions)];
    }

    /** @return whether the next envelope should be an aggregate (per the envelope kind and share). */
    public boolean nextIsAggregate()
    {
        if (aggregateShare <= 0)
        {
            return false;
        }
        return aggregateShare >= 1 || random.nextDouble() < aggregateShare;
    }

    /**
     * Picks the session whose update goes next; the caller sends {@link PlannedSession#takeNextUpdate()}.
     *
     * @param nowMs now, the {@code started} of a new session.
     * @return a session with at least one update left.
     */
    public PlannedSession nextSession(final long nowMs)
    {
        final int slot = cursor;
        cursor = cursor + 1 == ring.length ? 0 : cursor + 1;
        PlannedSession s = ring[slot];
        if (s == null || s.exhausted())
        {
            if (s != null)
            {
                s.inRing = false;
                if (s.finished())
                {
                    pool.addLast(s);
                }
            }
            s = newSession(nowMs);
            ring[slot] = s;
        }
        return s;
    }

    /**
     * Long sessions: takes the next terminal update that is due, if any.
     *
     * @param nowMs now.
     * @param into  the connection's reusable session ({@link PlannedSession#reusable()}), filled with the due
     *              session; the caller sends {@link PlannedSession#takeNextUpdate()} and reports the answer through
     *              {@link #onTerminalAnswered}.
     * @return whether one was due.
     */
    public boolean nextDueTerminal(final long nowMs, final PlannedSession into)
    {
        if (terminals == null)
        {
            return false;
        }
        final int key = terminals.pollDue(nowMs, into);
        if (key < 0)
        {
            return false;
        }
        into.project = spec.projectOf(key);
        into.release = spec.releaseOf(key);
        into.environment = spec.environmentOf(key);
        into.sidHigh = sidHigh;
        into.sidLow = mix(sidLowBase | into.sequence);
        into.plan = terminalPlan(into.style, into.outcome);
        into.nextUpdate = 0;
        into.inFlight = 0;
        into.inRing = false;
        return true;
    }

    /**
     * A terminal update from {@link #nextDueTerminal} has its answer (or never will): a second send of it, if the SDK
     * makes one, is held for a second from now. Call after the ground truth saw the answer (so the session's counted
     * flags say whether this send was counted).
     *
     * @param s     the connection's reusable session.
     * @param nowMs now.
     */
    public void onTerminalAnswered(final PlannedSession s, final long nowMs)
    {
        s.onAnswered();
        if (s.sendsLeft > 1)
        {
            terminals.add(nowMs, nowMs + 1000, s, spec.key(s.project, s.release, s.environment), s.sendsLeft - 1);
        }
    }

    /** @return terminal updates held, not yet sent (0 without long sessions). */
    public int pendingTerminals()
    {
        return terminals == null ? 0 : terminals.size();
    }

    /** @return heap bytes holding the pending terminal updates. */
    public long pendingTerminalBytes()
    {
        return terminals == null ? 0 : terminals.bytes();
    }

    /**
     * Called when one update of the session has its answer (or never will); returns the session to the pool when it
     * is done.
     *
     * @param s the session.
     */
    public void onAnswered(final PlannedSession s)
    {
        s.onAnswered();
        if (!s.inRing && s.finished())
        {
            pool.addLast(s);
        }
    }

    /**
     * Fills an aggregate batch: one release and environment, {@code started} at the current minute (SDKs round it),
     * one entry per user drawn.
     *
     * @param batch the batch to fill.
     * @param nowMs now.
     */
    public void fill(final AggregateBatch batch, final long nowMs)
    {
        final int project = projects.sample(random);
        final SdkStyle style = SdkStyle.of(styles.sample(random));
        batch.clear(project, style, releases.sample(random), environments.sample(random),
            Math.floorDiv(nowMs, 60_000L) * 60_000L);
        final int n = Math.min(spec.entriesPerEnvelope(), batch.users.length);
        for (int e = 0; e < n; e++)
        {
            java.util.Arrays.fill(entryCounts, 0);
            for (int k = 0; k < spec.sessionsPerEntry(); k++)
            {
                entryCounts[outcomes.sample(random)]++;
            }
            batch.add(random.nextInt(spec.users()), entryCounts);
        }
    }

    /** @return sessions planned so far by this thread. */
    public long sessionsPlanned()
    {
        return sessionsPlanned;
    }

    private PlannedSession newSession(final long nowMs)
    {
        PlannedSession s = pool.pollFirst();
        if (s == null)
        {
            s = new PlannedSession();
        }
        s.project = projects.sample(random);
        s.style = SdkStyle.of(styles.sample(random));
        s.release = releases.sample(random);
        s.environment = environments.sample(random);
        s.user = random.nextInt(spec.users());
        s.outcome = Outcome.of(outcomes.sample(random));
        s.sequence = sessionsPlanned;
        s.sidHigh = sidHigh;
        s.sidLow = mix(sidLowBase | sessionsPlanned);
        s.startedMs = nowMs;
        s.nextUpdate = 0;
        s.inFlight = 0;
        s.erroredAcked = false;
        s.terminalAcked = false;
        s.inRing = true;
        sessionsPlanned++;
        if (terminals == null)
        {
            s.plan = UpdateSpec.plan(s.style, s.outcome);
            return s;
        }
        s.plan = UpdateSpec.initOnly(s.style);
        final long lengthMs = sessionMinMs + (sessionSpanMs == 0 ? 0 : random.nextLong(sessionSpanMs + 1));
        terminals.add(nowMs, nowMs + lengthMs, s, spec.key(s.project, s.release, s.environment),
            UpdateSpec.terminalSends(s.style, s.outcome));
        return s;
    }

    private static final UpdateSpec[][][] TERMINAL_PLANS = terminalPlans();

    private static UpdateSpec[] terminalPlan(final SdkStyle style, final Outcome outcome)
    {
        return TERMINAL_PLANS[style.ordinal()][outcome.ordinal()];
    }

    private static UpdateSpec[][][] terminalPlans()
    {
        final UpdateSpec[][][] plans = new UpdateSpec[SdkStyle.values().length][Outcome.values().length][];
        for (final SdkStyle style : SdkStyle.values())
        {
            for (final Outcome outcome : Outcome.values())
            {
                plans[style.ordinal()][outcome.ordinal()] = new UpdateSpec[] {UpdateSpec.terminal(style, outcome)};
            }
        }
        return plans;
    }

    /** A bijective 64-bit mixer (Stafford variant 13), so distinct inputs give distinct ids. */
    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
