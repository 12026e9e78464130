package io.crashfree.loadgen.verify;

import io.crashfree.loadgen.truth.GroundTruth;
import io.crashfree.loadgen.truth.KeyTruth;
import io.crashfree.loadgen.workload.Outcome;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares the ground truth with the node's sessions API. Two queries over the run's time range, each asked about the
 * run's releases in batches that fit one page ({@link SessionsQuery#fetchReleases}), so a group the node leaves out is
 * missing from the node, never from a cut answer:
 * <ol>
 *   <li>{@code sum(session)} and {@code count_unique(user)} grouped by release, environment and
 *       {@code session.status}: every status's session count must match exactly; crashed, abnormal and unhandled
 *       users within the users tolerance; healthy and errored users, which Sentry defines as differences of user
 *       counts, within the sum of the tolerances of the counts they are computed from;</li>
 *   <li>the same fields grouped by release and environment: sessions exactly, distinct users within the
 *       tolerance.</li>
 * </ol>
 * Only groups of the run's releases count; a group of a run release that the truth does not have is a difference
 * unless all its values are 0. Every margin is widened by the key's sessions in doubt (requests that got no answer).
 */
public final class Verifier
{
    /** {@code sum(session)}. */
    public static final String SESSIONS = "sum(session)";
    /** {@code count_unique(user)}. */
    public static final String USERS = "count_unique(user)";
    private static final String RELEASE = "release";
    private static final String ENVIRONMENT = "environment";
    private static final String STATUS = "session.status";

    private Verifier()
    {
    }

    /**
     * Queries the node about each project of the run and compares with that project's keys: both queries restricted
     * to the run's releases and asked in batches small enough that no answer is cut at the sessions API's page size
     * ({@link SessionsQuery#fetchReleases}).
     *
     * @param truth        the run's ground truth.
     * @param releases     the run's release names (groups of other releases are never asked for).
     * @param environments environments the run sent per release (to size the batches).
     * @param query        the sessions API client.
     * @param projectIds   the projects the run sent to.
     * @param fromMs       start of the run's range of {@code started}.
     * @param toMs         end of it.
     * @param tolerance    how far user counts may be off.
     * @return the report over all projects.
     * @throws QueryException       when the node cannot be asked.
     * @throws InterruptedException if interrupted.
     */
    public static VerifyReport verify(final GroundTruth truth, final List<String> releases, final int environments,
        final SessionsQuery query, final long[] projectIds, final long fromMs, final long toMs,
        final UsersTolerance tolerance) throws QueryException, InterruptedException
    {
        final List<VerifyReport> reports = new ArrayList<>();
        for (final long projectId : projectIds)
        {
            reports.add(verify(truth.keys(projectId), releases, environments, query, projectId, fromMs, toMs,
                tolerance));
        }
        return VerifyReport.merge(reports);
    }

    /**
     * Queries one project and compares it with the given keys (whatever project they were sent to).
     *
     * @param keys         ground-truth keys.
     * @param releases     the run's release names (groups of other releases are never asked for).
     * @param environments environments the run sent per release (to size the batches).
     * @param query        the sessions API client.
     * @param projectId    the project asked.
     * @param fromMs       start of the run's range of {@code started}.
     * @param toMs         end of it.
     * @param tolerance    how far user counts may be off.
     * @return the report.
     * @throws QueryException       when the node cannot be asked.
     * @throws InterruptedException if interrupted.
     */
    public static VerifyReport verify(final List<KeyTruth> keys, final List<String> releases, final int environments,
        final SessionsQuery query, final long projectId, final long fromMs, final long toMs,
        final UsersTolerance tolerance) throws QueryException, InterruptedException
    {
        final SessionsAnswer byStatus = query.fetchReleases(projectId, List.of(SESSIONS, USERS),
            List.of(RELEASE, ENVIRONMENT, STATUS), releases, environments * Outcome.values().length, fromMs, toMs);
        final SessionsAnswer byKey = query.fetchReleases(projectId, List.of(SESSIONS, USERS),
            List.of(RELEASE, ENVIRONMENT), releases, environments, fromMs, toMs);
        return compare(keys, projectId, new HashSet<>(releases), byStatus, byKey, tolerance);
    }

    /**
     * Compares ground-truth keys with two answers about one project.
     *
     * @param keys      ground-truth keys.
     * @param projectId the project the answers are about (named in differences of groups the truth lacks).
     * @param releases  the run's release names.
     * @param byStatus  answer grouped by release, environment and session.status.
     * @param byKey     answer grouped by release and environment.
     * @param tolerance how far user counts may be off.
     * @return the report.
     */
    public static VerifyReport compare(final List<KeyTruth> keys, final long projectId, final Set<String> releases,
        final SessionsAnswer byStatus, final SessionsAnswer byKey, final UsersTolerance tolerance)
    {
        final List<Difference> differences = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int checked = 0;
        int ignored = 0;

        final Map<List<String>, SessionsAnswer.Group> statusGroups = new HashMap<>();
        for (final SessionsAnswer.Group g : byStatus.groups())
        {
            if (!releases.contains(g.by().get(RELEASE)))
            {
                ignored++;
                continue;
            }
            final String status = g.by().get(STATUS);
            if (Outcome.byStatusName(status) == null)
            {
                if (g.total(SESSIONS) != 0)
                {
                    differences.add(new Difference(projectId, g.by().get(RELEASE), g.by().get(ENVIRONMENT), status,
                        SESSIONS, 0, g.total(SESSIONS), 0));
                }
                continue;
            }
            statusGroups.merge(key(g.by().get(RELEASE), g.by().get(ENVIRONMENT), status), g, Verifier::sum);
        }
        final Map<List<String>, SessionsAnswer.Group> keyGroups = new HashMap<>();
        for (final SessionsAnswer.Group g : byKey.groups())
        {
            if (releases.contains(g.by().get(RELEASE)))
            {
                keyGroups.merge(key(g.by().get(RELEASE), g.by().get(ENVIRONMENT), null), g, Verifier::sum);
            }
        }

        final Set<List<String>> expectedKeys = new HashSet<>();
        long doubt = 0;
        for (final KeyTruth k : keys)
        {
            doubt += k.doubt();
            final double margin = k.doubt();
            for (final Outcome status : Outcome.values())
            {
                final List<String> id = key(k.release(), k.environment(), status.statusName());
                expectedKeys.add(id);
                final SessionsAnswer.Group g = statusGroups.get(id);
                checked++;
                check(differences, k, status.statusName(), SESSIONS, k.sessions(status),
                    g == null ? 0 : g.total(SESSIONS), margin);
                checked++;
                check(differences, k, status.statusName(), USERS, k.users(status), g == null ? 0 : g.total(USERS),
                    usersAllowed(k, status, tolerance) + margin);
            }
            final List<String> id = key(k.release(), k.environment(), null);
            expectedKeys.add(id);
            final SessionsAnswer.Group g = keyGroups.get(id);
            checked += 2;
            check(differences, k, null, SESSIONS, k.sessions(), g == null ? 0 : g.total(SESSIONS), margin);
            check(differences, k, null, USERS, k.users(), g == null ? 0 : g.total(USERS),
                tolerance.allowed(k.users()) + margin);
        }
        unexpected(projectId, statusGroups, expectedKeys, differences);
        unexpected(projectId, keyGroups, expectedKeys, differences);
        if (doubt > 0)
        {
            notes.add(doubt + " sessions were sent in requests that got no answer; each pair's margin includes its " +
                "share of them");
        }
        return new VerifyReport(checked, differences, ignored, notes);
    }

    /**
     * The margin of a status group's users: its own sketch's tolerance, or for the derived groups the sum of the
     * tolerances of the sketches it is computed from (an estimate minus an estimate carries both errors).
     */
    static double usersAllowed(final KeyTruth k, final Outcome status, final UsersTolerance t)
    {
        switch (status)
        {
            case HEALTHY:
                return t.allowed(k.users()) + t.allowed(k.erroredUsers());
            case ERRORED:
                return t.allowed(k.erroredUsers()) + t.allowed(k.crashedUsers()) + t.allowed(k.abnormalUsers()) +
                    t.allowed(k.unhandledUsers());
            case CRASHED:
                return t.allowed(k.crashedUsers());
            case ABNORMAL:
                return t.allowed(k.abnormalUsers());
            default:
                return t.allowed(k.unhandledUsers());
        }
    }

    private static void check(final List<Difference> differences, final KeyTruth k, final String status,
        final String field, final long expected, final double actual, final double allowed)
    {
        if (Math.abs(actual - expected) > allowed + 1e-9)
        {
            differences.add(new Difference(k.project(), k.release(), k.environment(), status, field, expected, actual,
                allowed));
        }
    }

    private static void unexpected(final long projectId, final Map<List<String>, SessionsAnswer.Group> groups,
        final Set<List<String>> expected, final List<Difference> differences)
    {
        for (final Map.Entry<List<String>, SessionsAnswer.Group> e : groups.entrySet())
        {
            if (expected.contains(e.getKey()))
            {
                continue;
            }
            for (final Map.Entry<String, Double> t : e.getValue().totals().entrySet())
            {
                if (t.getValue() != null && t.getValue() != 0)
                {
                    differences.add(new Difference(projectId, e.getKey().get(0), e.getKey().get(1),
                        e.getKey().get(2), t.getKey(), 0, t.getValue(), 0));
                }
            }
        }
    }

    private static List<String> key(final String release, final String environment, final String status)
    {
        final List<String> k = new ArrayList<>(3);
        k.add(release);
        k.add(environment);
        k.add(status);
        return k;
    }

    private static SessionsAnswer.Group sum(final SessionsAnswer.Group a, final SessionsAnswer.Group b)
    {
        // The same group twice (a node that splits one group over pages): add the totals.
        final Map<String, Double> totals = new HashMap<>(a.totals());
        for (final Map.Entry<String, Double> e : b.totals().entrySet())
        {
            totals.merge(e.getKey(), e.getValue(), (x, y) -> Objects.requireNonNullElse(x, 0.0) +
                Objects.requireNonNullElse(y, 0.0));
        }
        return new SessionsAnswer.Group(a.by(), totals);
    }
}
