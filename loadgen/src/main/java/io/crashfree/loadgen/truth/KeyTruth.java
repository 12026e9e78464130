package io.crashfree.loadgen.truth;

import io.crashfree.loadgen.workload.Outcome;

/**
 * The ground truth of one (project, release, environment) key over the whole run, in the sessions API's terms
 * (reference §6.3): {@code sum(session)} per {@code session.status} and distinct users.
 *
 * @param project       project id.
 * @param release       release name.
 * @param environment   environment name, or null when the sessions carried none.
 * @param sessions      {@code sum(session)}: init updates plus aggregate totals.
 * @param erroredAll    distinct errored session ids plus pre-aggregated errors.
 * @param crashed       crashed sessions (distinct ids plus aggregate counts).
 * @param abnormal      abnormal sessions.
 * @param unhandled     unhandled sessions.
 * @param users         distinct users.
 * @param erroredUsers  distinct users with an error (including crashed and abnormal ones).
 * @param crashedUsers  distinct users with a crash.
 * @param abnormalUsers distinct users with an abnormal end.
 * @param unhandledUsers distinct users with an unhandled end.
 * @param doubt         sessions of requests that got no answer (may or may not have been counted).
 */
public record KeyTruth(long project, String release, String environment, long sessions, long erroredAll, long crashed, long abnormal,
    long unhandled, long users, long erroredUsers, long crashedUsers, long abnormalUsers, long unhandledUsers, long doubt)
{
    /** @return {@code healthy} = max(0, sessions − errored_all). */
    public long healthy()
    {
        return Math.max(0, sessions - erroredAll);
    }

    /** @return {@code errored} = max(0, errored_all − crashed − abnormal − unhandled). */
    public long errored()
    {
        return Math.max(0, erroredAll - crashed - abnormal - unhandled);
    }

    /**
     * @param status a {@code session.status} group.
     * @return its {@code sum(session)}.
     */
    public long sessions(final Outcome status)
    {
        switch (status)
        {
            case HEALTHY:
                return healthy();
            case ERRORED:
                return errored();
            case CRASHED:
                return crashed;
            case ABNORMAL:
                return abnormal;
            default:
                return unhandled;
        }
    }

    /**
     * Distinct users of a status group as the sessions API defines them (reference §6.3, plus unhandled):
     * healthy = max(0, users − errored users); errored = max(0, errored users − crashed − abnormal − unhandled users);
     * crashed, abnormal and unhandled users as counted.
     *
     * @param status a {@code session.status} group.
     * @return its {@code count_unique(user)}.
     */
    public long users(final Outcome status)
    {
        switch (status)
        {
            case HEALTHY:
                return Math.max(0, users - erroredUsers);
            case ERRORED:
                return Math.max(0, erroredUsers - crashedUsers - abnormalUsers - unhandledUsers);
            case CRASHED:
                return crashedUsers;
            case ABNORMAL:
                return abnormalUsers;
            default:
                return unhandledUsers;
        }
    }
}
