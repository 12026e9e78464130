package io.crashfree.aggregation.query;

import io.crashfree.aggregation.AggregateView;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.store.AggregateValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.crashfree.aggregation.sketch.UserSketches.*;

/**
 * The release index with health: every release seen (registered on its first session, with first and last seen),
 * newest first, and per project its health over the summary period and the last 24 hours, as Sentry's releases
 * endpoint reports it ({@code healthData}). Reads the hourly roll-ups merged with live data through the
 * {@link SessionsEngine}, whose stored-part cache keeps what settled hours add up to, so a poll reads only the live
 * records and the buckets not yet settled (exactly what a full read would give).
 */
public final class ReleaseHealthEngine
{
    private static final long HOUR = AggregationSettings.COARSE_WIDTH_SEC;
    private static final long DAY = 86_400;

    /** How old the listed last-seen times may be (the list itself is redone as soon as a name comes or goes). */
    static final long NAMES_REUSE_MS = 1_000;

    private final AggregateView view;
    private final SessionsEngine sessions;
    private volatile Names names;

    /** One release name as the name table lists it. */
    private record SeenName(long project, String name, long firstSeenMs, long lastSeenMs)
    {
    }

    /** The name table's releases, listed once for many requests. */
    private record Names(long changes, long listedAtMs, List<SeenName> releases)
    {
    }

    /**
     * @param view     the read side (the release names).
     * @param sessions the sessions engine whose reads, sketch unions and stored-part cache the index shares: a
     *                 poll re-reads only the live records and the buckets not yet settled.
     */
    public ReleaseHealthEngine(final AggregateView view, final SessionsEngine sessions)
    {
        this.view = view;
        this.sessions = sessions;
    }

    /**
     * Health of one release in one project. Percentages are 0..100; NaN stands for null.
     *
     * @param project                 project id.
     * @param hasHealthData           whether the release has sessions in the summary period.
     * @param crashFreeUsers          100 × (1 − crashed users / users) over the summary period.
     * @param crashFreeSessions       100 × (1 − crashed / sessions) over the summary period.
     * @param totalUsers              users over the summary period (a union, never a sum).
     * @param totalSessions           sessions over the summary period.
     * @param totalUsers24h           users in the last 24 h.
     * @param totalSessions24h        sessions in the last 24 h.
     * @param totalProjectUsers24h    the project's users in the last 24 h (all releases).
     * @param totalProjectSessions24h the project's sessions in the last 24 h.
     * @param adoption                100 × users24h / projectUsers24h.
     * @param sessionsAdoption        100 × sessions24h / projectSessions24h.
     * @param sessionsCrashed         crashed sessions over the summary period.
     * @param sessionsErrored         errored (not crashed, abnormal or unhandled) sessions over the summary period.
     * @param durations               counters and the duration histogram over the summary period (the percentiles are
     *                                computed when asked), or null.
     * @param statsPeriod             the stats period's name ({@code 24h} or {@code 14d}).
     * @param stats                   [bucket start epoch seconds, sessions] per hour (24h) or day (14d).
     */
    public record Health(long project, boolean hasHealthData, double crashFreeUsers, double crashFreeSessions,
        long totalUsers, long totalSessions, long totalUsers24h, long totalSessions24h, long totalProjectUsers24h,
        long totalProjectSessions24h, double adoption, double sessionsAdoption, long sessionsCrashed,
        long sessionsErrored, AggregateValue durations, String statsPeriod, List<long[]> stats)
    {
        /** @return the median session duration in seconds (computed when asked: only a page's releases are). */
        public double durationP50Seconds()
        {
            return durations == null ? Double.NaN : Measures.percentile(durations, 50) / 1000.0;
        }

        /** @return the 90th percentile session duration in seconds. */
        public double durationP90Seconds()
        {
            return durations == null ? Double.NaN : Measures.percentile(durations, 90) / 1000.0;
        }
    }

    /**
     * A release and its health per project.
     *
     * @param version     the release name.
     * @param firstSeenMs first session seen, epoch ms.
     * @param lastSeenMs  last session seen, epoch ms.
     * @param projects    health per project, by project id.
     */
    public record Release(String version, long firstSeenMs, long lastSeenMs, List<Health> projects)
    {
    }

    /**
     * @param projects          project ids to include.
     * @param environments      environments to keep (empty = all).
     * @param version           one release only, or null for all.
     * @param summaryPeriodSec  the summary period ({@code summaryStatsPeriod}).
     * @param healthStatsDaily  whether stats are 14 daily points ({@code healthStatsPeriod=14d}) rather than 24 hourly.
     * @param nowMs             now.
     * @return releases, newest first.
     */
    public List<Release> releases(final List<Long> projects, final Set<String> environments, final String version,
        final long summaryPeriodSec, final boolean healthStatsDaily, final long nowMs)
    {
        final Map<String, long[]> seen = new LinkedHashMap<>(); // version -> {first, last}
        final Map<String, List<Long>> projectsOf = new HashMap<>();
        for (final SeenName seenName : releaseNames(nowMs))
        {
            final long project = seenName.project();
            final String name = seenName.name();
            final long firstSeenMs = seenName.firstSeenMs();
            final long lastSeenMs = seenName.lastSeenMs();
            if (!projects.contains(project) || (version != null && !version.equals(name)))
            {
                continue;
            }
            seen.merge(name, new long[] { firstSeenMs, lastSeenMs },
                (a, b) -> new long[] { Math.min(a[0], b[0]), Math.max(a[1], b[1]) });
            final List<Long> list = projectsOf.computeIfAbsent(name, n -> new ArrayList<>());
            if (!list.contains(project))
            {
                list.add(project);
            }
        }

        final long nowSec = nowMs / 1000;
        final long endSec = Math.floorDiv(nowSec, HOUR) * HOUR + HOUR;
        final long statsSpan = healthStatsDaily ? 14 * DAY : DAY;
        final long summaryStart = Math.floorDiv(nowSec - summaryPeriodSec, HOUR) * HOUR + HOUR;
        final long dayStart = endSec - DAY;
        final long statsStart = healthStatsDaily ? Math.floorDiv(nowSec, DAY) * DAY + DAY - statsSpan : dayStart;

        final Map<Long, Map<String, Health>> health = new HashMap<>();
        for (final long project : projects)
        {
            health.put(project, projectHealth(project, environments, endSec, summaryStart, dayStart,
                statsStart, healthStatsDaily, nowMs));
        }

        final List<Release> releases = new ArrayList<>();
        for (final Map.Entry<String, long[]> e : seen.entrySet())
        {
            final List<Health> perProject = new ArrayList<>();
            for (final long project : projectsOf.get(e.getKey()))
            {
                final Health h = health.get(project).get(e.getKey());
                perProject.add(h != null ? h : health.get(project).get(null)); // seen, but no sessions in range
            }
            releases.add(new Release(e.getKey(), e.getValue()[0], e.getValue()[1], perProject));
        }
        releases.sort(Comparator.comparingLong(Release::firstSeenMs).reversed().thenComparing(Release::version));
        return releases;
    }

    /**
     * One project's health per release, from four sessions queries grouped by release (the summary period; the last
     * 24 hours, hourly; the project's last 24 hours; and, for {@code 14d} stats, 14 days daily), each answered by the
     * {@link SessionsEngine} with its stored-part cache.
     */
    private Map<String, Health> projectHealth(final long project, final Set<String> environments,
        final long endSec, final long summaryStart, final long dayStart, final long statsStart, final boolean daily,
        final long nowMs)
    {
        final List<Long> projects = List.of(project);
        final List<GroupBy> byRelease = List.of(GroupBy.RELEASE);
        final Map<String, SessionsEngine.GroupTotals> period = byRelease(sessions.groupTotals(query(projects,
            environments, summaryStart, endSec, endSec - summaryStart, List.of(SessionField.SUM_SESSION,
                SessionField.COUNT_UNIQUE_USER, SessionField.CRASH_FREE_RATE_USER), byRelease, false), nowMs));
        final Map<String, SessionsEngine.GroupTotals> day = byRelease(sessions.groupTotals(query(projects,
            environments, dayStart, endSec, HOUR, List.of(SessionField.SUM_SESSION, SessionField.COUNT_UNIQUE_USER),
            byRelease, !daily), nowMs));
        final List<SessionsEngine.GroupTotals> projectDay = sessions.groupTotals(query(projects, environments,
            dayStart, endSec, endSec - dayStart, List.of(SessionField.SUM_SESSION, SessionField.COUNT_UNIQUE_USER),
            List.of(), false), nowMs);
        final Map<String, SessionsEngine.GroupTotals> dailyStats = daily ? byRelease(sessions.groupTotals(query(
            projects, environments, statsStart, statsStart + 14 * DAY, DAY, List.of(SessionField.SUM_SESSION),
            byRelease, true), nowMs)) : Map.of();

        final long projectUsers = projectDay.isEmpty() ? 0 : Math.round(projectDay.get(0).estimates()[SKETCH_USERS]);
        final long projectSessions = projectDay.isEmpty() ? 0 : projectDay.get(0).total().sessions();
        final int points = daily ? 14 : 24;
        final long step = daily ? DAY : HOUR;
        final Map<String, Health> result = new HashMap<>();
        final java.util.Set<String> releases = new java.util.HashSet<>(period.keySet());
        releases.addAll(day.keySet());
        releases.addAll(dailyStats.keySet());
        for (final String release : releases)
        {
            final SessionsEngine.GroupTotals pt = period.get(release);
            final SessionsEngine.GroupTotals dt = day.get(release);
            final AggregateValue p = pt == null ? new AggregateValue() : pt.total();
            final long users = pt == null ? 0 : Math.round(pt.estimates()[SKETCH_USERS]);
            final long crashedUsers = pt == null ? 0 : Math.round(pt.estimates()[SKETCH_CRASHED_USERS]);
            final long users24h = dt == null ? 0 : Math.round(dt.estimates()[SKETCH_USERS]);
            final long sessions24h = dt == null ? 0 : dt.total().sessions();
            final SessionsEngine.GroupTotals st = daily ? dailyStats.get(release) : dt;
            final long[] counts = new long[points];
            if (st != null && st.series() != null)
            {
                for (int i = 0; i < points && i < st.series().length; i++)
                {
                    counts[i] = st.series()[i] == null ? 0 : st.series()[i].sessions();
                }
            }
            result.put(release, new Health(project, p.sessions() > 0,
                users == 0 ? Double.NaN : 100.0 * (1 - (double)crashedUsers / users),
                p.sessions() == 0 ? Double.NaN : 100.0 * (1 - (double)p.crashed() / p.sessions()),
                users, p.sessions(), users24h, sessions24h, projectUsers, projectSessions,
                projectUsers == 0 ? Double.NaN : 100.0 * users24h / projectUsers,
                projectSessions == 0 ? Double.NaN : 100.0 * sessions24h / projectSessions,
                p.crashed(), Measures.erroredOnly(p), p, daily ? "14d" : "24h", series(counts, statsStart, step,
                points)));
        }
        result.put(null, new Health(project, false, Double.NaN, Double.NaN, 0, 0, 0, 0, projectUsers,
            projectSessions, Double.NaN, Double.NaN, 0, 0, null, daily ? "14d" : "24h",
            series(null, statsStart, step, points)));
        return result;
    }

    /**
     * The release names of every project: walking the whole name table (its 131,072 slots are 40 MiB apart in
     * memory) for every poll was a third of a cached index read, so the list is kept while no name came or went and
     * for at most {@value #NAMES_REUSE_MS} ms (the last-seen times it carries may be that old).
     */
    private List<SeenName> releaseNames(final long nowMs)
    {
        final NameTable table = view.names();
        final long changes = table.changes();
        final Names cached = names;
        if (cached != null && cached.changes() == changes && nowMs - cached.listedAtMs() < NAMES_REUSE_MS &&
            nowMs >= cached.listedAtMs())
        {
            return cached.releases();
        }
        final List<SeenName> listed = new ArrayList<>();
        table.forEach(NameTable.KIND_RELEASE, (project, kind, hash, name, firstSeenMs, lastSeenMs) ->
            listed.add(new SeenName(project, name, firstSeenMs, lastSeenMs)));
        final List<SeenName> releases = List.copyOf(listed);
        names = new Names(changes, nowMs, releases);
        return releases;
    }

    private static SessionsQuery query(final List<Long> projects, final Set<String> environments,
        final long startSec, final long endSec, final long intervalSec, final List<SessionField> fields,
        final List<GroupBy> groupBy, final boolean series)
    {
        return new SessionsQuery(projects, environments, Set.of(), Set.of(), startSec, endSec, intervalSec, fields,
            groupBy, null, true, Integer.MAX_VALUE, true, series);
    }

    private static Map<String, SessionsEngine.GroupTotals> byRelease(final List<SessionsEngine.GroupTotals> groups)
    {
        final Map<String, SessionsEngine.GroupTotals> map = new HashMap<>();
        for (final SessionsEngine.GroupTotals g : groups)
        {
            final Object release = g.by().get(GroupBy.RELEASE.apiName());
            if (release != null)
            {
                map.put(release.toString(), g);
            }
        }
        return map;
    }

    private static List<long[]> series(final long[] counts, final long start, final long step, final int points)
    {
        final List<long[]> out = new ArrayList<>(points);
        for (int i = 0; i < points; i++)
        {
            out.add(new long[] { start + i * step, counts == null ? 0 : counts[i] });
        }
        return out;
    }
}
