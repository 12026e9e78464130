package io.crashfree.loadgen.truth;

import io.crashfree.loadgen.workload.Outcome;
import io.crashfree.loadgen.workload.WorkloadSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the node must answer after a run: one {@link KeyTruth} per (project, release, environment) key that received
 * anything, and the range of {@code started} the run's sessions fall in. Built once, after the client threads stopped.
 */
public final class GroundTruth
{
    private final List<KeyTruth> keys;
    private final long minStartedMs;
    private final long maxStartedMs;
    private final long users;

    private GroundTruth(final List<KeyTruth> keys, final long minStartedMs, final long maxStartedMs, final long users)
    {
        this.keys = Collections.unmodifiableList(keys);
        this.minStartedMs = minStartedMs;
        this.maxStartedMs = maxStartedMs;
        this.users = users;
    }

    /**
     * Merges the threads' recorders; call after they stopped.
     *
     * @param spec      the run's workload.
     * @param recorders one per client thread.
     * @param users     the shared user sets.
     * @return the ground truth.
     */
    public static GroundTruth merge(final WorkloadSpec spec, final List<TruthRecorder> recorders, final UserSets users)
    {
        final List<KeyTruth> keys = new ArrayList<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (final TruthRecorder r : recorders)
        {
            min = Math.min(min, r.minStartedMs());
            max = Math.max(max, r.maxStartedMs());
        }
        final int[] all = new int[spec.keyCount()];
        for (int key = 0; key < spec.keyCount(); key++)
        {
            all[key] = key;
            final long[] c = new long[TruthRecorder.FIELDS];
            for (final TruthRecorder r : recorders)
            {
                for (int f = 0; f < TruthRecorder.FIELDS; f++)
                {
                    c[f] += r.counter(key, f);
                }
            }
            final long userCount = users.count(key, UserSets.USERS);
            boolean any = userCount > 0;
            for (final long v : c)
            {
                any |= v != 0;
            }
            if (!any)
            {
                continue;
            }
            keys.add(new KeyTruth(spec.projectId(spec.projectOf(key)), spec.releases().get(spec.releaseOf(key)),
                spec.environments().get(spec.environmentOf(key)),
                c[TruthRecorder.INITS] + c[TruthRecorder.AGG_TOTAL],
                c[TruthRecorder.ERRORED_SIDS] + c[TruthRecorder.AGG_ERRORS],
                c[TruthRecorder.CRASHED_SIDS] + c[TruthRecorder.AGG_CRASHED],
                c[TruthRecorder.ABNORMAL_SIDS] + c[TruthRecorder.AGG_ABNORMAL],
                c[TruthRecorder.UNHANDLED_SIDS] + c[TruthRecorder.AGG_UNHANDLED],
                userCount, users.count(key, UserSets.ERRORED), users.count(key, UserSets.CRASHED),
                users.count(key, UserSets.ABNORMAL), users.count(key, UserSets.UNHANDLED),
                c[TruthRecorder.DOUBT]));
        }
        return new GroundTruth(keys, min, max, users.countUnion(all, UserSets.USERS));
    }

    /** @return per (project, release, environment) key that received anything, by project, then releases in
     *          popularity order. */
    public List<KeyTruth> keys()
    {
        return keys;
    }

    /**
     * @param projectId a project id.
     * @return the keys of that project.
     */
    public List<KeyTruth> keys(final long projectId)
    {
        final List<KeyTruth> list = new ArrayList<>();
        for (final KeyTruth k : keys)
        {
            if (k.project() == projectId)
            {
                list.add(k);
            }
        }
        return list;
    }

    /** @return the earliest {@code started} of an answered request, or Long.MAX_VALUE when none was. */
    public long minStartedMs()
    {
        return minStartedMs;
    }

    /** @return the latest {@code started} of an answered request, or Long.MIN_VALUE when none was. */
    public long maxStartedMs()
    {
        return maxStartedMs;
    }

    /** @return distinct users over all pairs. */
    public long users()
    {
        return users;
    }

    /**
     * @param status a {@code session.status} group.
     * @return its {@code sum(session)} over all pairs.
     */
    public long sessions(final Outcome status)
    {
        long sum = 0;
        for (final KeyTruth k : keys)
        {
            sum += k.sessions(status);
        }
        return sum;
    }

    /** @return {@code sum(session)} over all pairs. */
    public long sessions()
    {
        long sum = 0;
        for (final KeyTruth k : keys)
        {
            sum += k.sessions();
        }
        return sum;
    }

    /** @return sessions in doubt over all pairs. */
    public long doubt()
    {
        long sum = 0;
        for (final KeyTruth k : keys)
        {
            sum += k.doubt();
        }
        return sum;
    }
}
