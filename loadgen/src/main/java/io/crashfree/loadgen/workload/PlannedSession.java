package io.crashfree.loadgen.workload;

/**
 * One generated session: who, which release and environment, when it started, how it ends, and the updates its SDK
 * sends for it. Owned by one client thread; pooled by its {@link SessionPlanner} and reused once every update has been
 * sent and answered.
 * <p>
 * It also remembers which of its exactly-once facts the node has acknowledged (errored, and the terminal state), so
 * the ground truth counts a session once however many of its updates carry the fact, as the node does.
 */
public final class PlannedSession
{
    int project;
    SdkStyle style;
    int release;
    int environment;
    int user;
    Outcome outcome;
    long sidHigh;
    long sidLow;
    long startedMs;
    UpdateSpec[] plan;
    int nextUpdate;
    int inFlight;
    boolean erroredAcked;
    boolean terminalAcked;
    boolean inRing;
    int sendsLeft;
    long sequence;

    PlannedSession()
    {
    }

    /**
     * A session object a connection fills with each due terminal update of a long session
     * ({@link SessionPlanner#nextDueTerminal}); never pooled.
     *
     * @return an empty session.
     */
    public static PlannedSession reusable()
    {
        return new PlannedSession();
    }

    /** @return project index (into the run's projects). */
    public int project()
    {
        return project;
    }

    /** @return the SDK whose wire format this session's updates use. */
    public SdkStyle style()
    {
        return style;
    }

    /** @return release index. */
    public int release()
    {
        return release;
    }

    /** @return environment index. */
    public int environment()
    {
        return environment;
    }

    /** @return user index in the population ({@code did}). */
    public int user()
    {
        return user;
    }

    /** @return how the session ends. */
    public Outcome outcome()
    {
        return outcome;
    }

    /** @return high 64 bits of the session id. */
    public long sidHigh()
    {
        return sidHigh;
    }

    /** @return low 64 bits of the session id. */
    public long sidLow()
    {
        return sidLow;
    }

    /** @return when the session started, epoch milliseconds. */
    public long startedMs()
    {
        return startedMs;
    }

    /** @return whether every update of the plan has been handed out. */
    public boolean exhausted()
    {
        return nextUpdate >= plan.length;
    }

    /**
     * Hands out the next update to send and counts it in flight until {@link #onAnswered()}.
     *
     * @return the update.
     */
    public UpdateSpec takeNextUpdate()
    {
        inFlight++;
        return plan[nextUpdate++];
    }

    /** Called when an update of this session got its answer (or never will). */
    public void onAnswered()
    {
        inFlight--;
    }

    /** @return whether the session may be reused: all updates sent and answered. */
    public boolean finished()
    {
        return exhausted() && inFlight == 0;
    }

    /**
     * Marks the errored fact acknowledged.
     *
     * @return true only the first time (the node counts an errored session once).
     */
    public boolean tryAckErrored()
    {
        if (erroredAcked)
        {
            return false;
        }
        erroredAcked = true;
        return true;
    }

    /**
     * Marks the terminal error state (crashed, abnormal or unhandled) acknowledged.
     *
     * @return true only the first time (the node counts it once per session id).
     */
    public boolean tryAckTerminal()
    {
        if (terminalAcked)
        {
            return false;
        }
        terminalAcked = true;
        return true;
    }
}
