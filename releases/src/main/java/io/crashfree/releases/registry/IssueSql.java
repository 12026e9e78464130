package io.crashfree.releases.registry;

import io.crashfree.releases.issues.CommitResolutions;
import io.crashfree.releases.model.Commit;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.Issue;
import io.crashfree.releases.model.IssueEvent;
import io.crashfree.releases.model.IssueInRelease;
import io.crashfree.releases.model.SuspectCommit;
import io.crashfree.releases.registry.ReleaseSql.ReleaseRow;
import io.crashfree.releases.version.VersionRule;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.crashfree.releases.registry.ReleaseSql.insert;
import static io.crashfree.releases.registry.ReleaseSql.nullableLong;
import static io.crashfree.releases.registry.ReleaseSql.prepare;
import static io.crashfree.releases.registry.ReleaseSql.queryId;
import static io.crashfree.releases.registry.ReleaseSql.update;

/**
 * The issue tracker's SQL, on the caller's transaction: issues, their events per release, the event ids seen (so an
 * event delivered twice counts once), resolution by commit and regressions.
 */
final class IssueSql
{
    /** How long an event id is remembered for de-duplication. */
    static final long EVENT_ID_RETENTION_MS = 7L * 86_400_000L;
    private static final int SKETCH_LG_K = 12;
    /** The later of {@code last_seen_ms} and a time given twice (SQLite's MAX and PostgreSQL's GREATEST differ). */
    private static final String LATER = "CASE WHEN last_seen_ms > ? THEN last_seen_ms ELSE ? END";
    private static final String ISSUE_COLUMNS = "i.id, i.short_number, p.slug, i.title, i.culprit, i.level, i.status,"
        + " i.first_seen_ms, i.last_seen_ms, i.events, i.users_sketch, fr.version, lr.version, rr.version,"
        + " cm.sha, gr.version, i.in_app_files";
    private static final String ISSUE_FROM = " FROM issues i JOIN projects p ON p.id = i.project_id"
        + " LEFT JOIN releases fr ON fr.id = i.first_release_id LEFT JOIN releases lr ON lr.id = i.last_release_id"
        + " LEFT JOIN releases rr ON rr.id = i.resolved_in_release_id"
        + " LEFT JOIN commits cm ON cm.id = i.resolved_by_commit_id"
        + " LEFT JOIN releases gr ON gr.id = i.regressed_in_release_id";

    private IssueSql()
    {
    }

    /** @return false when the event was counted before (same project and event id). */
    static boolean record(Connection c, long orgId, long projectId, IssueEvent event) throws SQLException
    {
        if (event.eventId() != null)
        {
            if (queryId(c, "SELECT project_id FROM issue_events WHERE project_id = ? AND event_id = ?", projectId,
                event.eventId()) >= 0)
            {
                return false;
            }
            insert(c, "INSERT INTO issue_events (project_id, event_id, seen_ms) VALUES (?, ?, ?)", projectId,
                event.eventId(), event.seenMs());
        }
        Long releaseId = null;
        if (event.release() != null && VersionRule.firstBroken(event.release()) == null)
        {
            ReleaseRow row = ReleaseSql.findRelease(c, orgId, event.release());
            releaseId = row == null ? ReleaseSql.insertRelease(c, orgId, event.release(), event.seenMs()) : row.id();
            ReleaseSql.linkProject(c, releaseId, projectId);
            ReleaseSql.recordEvent(c, releaseId, event.seenMs());
        }
        long issueId = queryId(c, "SELECT id FROM issues WHERE project_id = ? AND hash = ?", projectId, event.hash());
        if (issueId < 0)
        {
            long number = ReleaseSql.count(c, "SELECT COALESCE(MAX(short_number), 0) FROM issues WHERE project_id = ?",
                projectId) + 1;
            issueId = insert(c, "INSERT INTO issues (project_id, short_number, hash, title, culprit, level, status,"
                + " first_seen_ms, last_seen_ms, events, first_release_id, last_release_id, in_app_files)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'unresolved', ?, ?, 0, ?, ?, ?)", projectId, number, event.hash(),
                event.title(), event.culprit(), event.level(), event.seenMs(), event.seenMs(), releaseId, releaseId,
                String.join("\n", event.inAppFiles()));
        }
        else
        {
            regressIfResolvedBefore(c, issueId, releaseId, event.seenMs());
        }
        byte[] users = sketchOf(c, "SELECT users_sketch FROM issues WHERE id = ?", issueId);
        update(c, "UPDATE issues SET events = events + 1, last_seen_ms = " + LATER + ", level = ?,"
            + " title = ?, culprit = COALESCE(?, culprit), first_release_id = COALESCE(first_release_id, ?),"
            + " last_release_id = COALESCE(?, last_release_id), users_sketch = ? WHERE id = ?", event.seenMs(),
            event.seenMs(),
            event.level(), event.title(), event.culprit(), releaseId, releaseId, withUser(users, event.user()),
            issueId);
        if (releaseId != null)
        {
            if (queryId(c, "SELECT issue_id FROM issue_releases WHERE issue_id = ? AND release_id = ?", issueId,
                releaseId) < 0)
            {
                insert(c, "INSERT INTO issue_releases (issue_id, release_id, first_seen_ms, last_seen_ms, events)"
                    + " VALUES (?, ?, ?, ?, 0)", issueId, releaseId, event.seenMs(), event.seenMs());
            }
            byte[] releaseUsers = sketchOf(c, "SELECT users_sketch FROM issue_releases WHERE issue_id = ?"
                + " AND release_id = ?", issueId, releaseId);
            update(c, "UPDATE issue_releases SET events = events + 1, last_seen_ms = " + LATER + ","
                + " users_sketch = ? WHERE issue_id = ? AND release_id = ?", event.seenMs(), event.seenMs(),
                withUser(releaseUsers, event.user()), issueId, releaseId);
        }
        return true;
    }

    /**
     * An event of a resolved issue from a release after the one it was resolved in reopens it as a regression of
     * that release; an event from the resolving release or an earlier one (old clients still running) does not, nor
     * does one without a release (nothing to compare).
     */
    private static void regressIfResolvedBefore(Connection c, long issueId, Long releaseId, long nowMs)
        throws SQLException
    {
        if (releaseId == null)
        {
            return;
        }
        try (PreparedStatement s = prepare(c, "SELECT i.resolved_in_release_id, "
            + ReleaseSql.ORDER_KEY.replace("r.", "rr.") + ", (SELECT " + ReleaseSql.ORDER_KEY
            + " FROM releases r WHERE r.id = ?) FROM issues i LEFT JOIN releases rr"
            + " ON rr.id = i.resolved_in_release_id WHERE i.id = ? AND i.status = 'resolved'", releaseId, issueId);
             ResultSet rows = s.executeQuery())
        {
            if (!rows.next())
            {
                return;
            }
            Long resolvedIn = nullableLong(rows, 1);
            long resolvedKey = rows.getLong(2);
            long eventKey = rows.getLong(3);
            if (resolvedIn != null && (resolvedIn.equals(releaseId) || eventKey <= resolvedKey))
            {
                return;
            }
        }
        update(c, "UPDATE issues SET status = 'unresolved', regressed_in_release_id = ? WHERE id = ?", releaseId,
            issueId);
    }

    /**
     * Resolves the issues that the commits of a release name ({@code Fixes <SHORT-ID>}), in that release. Short ids
     * of other organizations' or unknown issues are ignored.
     */
    static void resolveByCommits(Connection c, long orgId, long releaseId) throws SQLException
    {
        List<long[]> resolutions = new ArrayList<>(); // {issue id, commit id}
        try (PreparedStatement s = prepare(c, "SELECT cm.id, cm.message FROM release_commits rc JOIN commits cm"
            + " ON cm.id = rc.commit_id WHERE rc.release_id = ? ORDER BY rc.position", releaseId);
             ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                for (String shortId : CommitResolutions.shortIds(rows.getString(2)))
                {
                    long issueId = issueByShortId(c, orgId, shortId);
                    if (issueId >= 0)
                    {
                        resolutions.add(new long[] { issueId, rows.getLong(1) });
                    }
                }
            }
        }
        for (long[] r : resolutions)
        {
            update(c, "UPDATE issues SET status = 'resolved', resolved_in_release_id = ?, resolved_by_commit_id = ?,"
                + " regressed_in_release_id = NULL WHERE id = ?", releaseId, r[1], r[0]);
        }
    }

    /** @return the issue with that short id in the organization, or -1. */
    static long issueByShortId(Connection c, long orgId, String shortId) throws SQLException
    {
        int dash = shortId.lastIndexOf('-');
        if (dash <= 0)
        {
            return -1;
        }
        long number;
        try
        {
            number = Long.parseLong(shortId.substring(dash + 1));
        }
        catch (NumberFormatException ex)
        {
            return -1;
        }
        String project = shortId.substring(0, dash);
        try (PreparedStatement s = prepare(c, "SELECT i.id, p.slug FROM issues i JOIN projects p ON p.id = i.project_id"
            + " WHERE p.organization_id = ? AND i.short_number = ?", orgId, number); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                if (rows.getString(2).toUpperCase(Locale.ROOT).equals(project))
                {
                    return rows.getLong(1);
                }
            }
        }
        return -1;
    }

    /** Forgets event ids older than the retention. */
    static void forgetOldEventIds(Connection c, long nowMs) throws SQLException
    {
        update(c, "DELETE FROM issue_events WHERE seen_ms < ?", nowMs - EVENT_ID_RETENTION_MS);
    }

    /** Issues of a project matching a filter, most recently seen first. */
    static List<Issue> issues(Connection c, long projectId, IssueFilter filter) throws SQLException
    {
        StringBuilder sql = new StringBuilder("SELECT ").append(ISSUE_COLUMNS).append(ISSUE_FROM)
            .append(" WHERE i.project_id = ?");
        List<Object> args = new ArrayList<>(List.of(projectId));
        if (filter.status() != null)
        {
            sql.append(" AND i.status = ?");
            args.add(filter.status());
        }
        if (filter.regressed())
        {
            sql.append(" AND i.status = 'unresolved' AND i.regressed_in_release_id IS NOT NULL");
        }
        if (filter.firstRelease() != null)
        {
            sql.append(" AND fr.version = ?");
            args.add(filter.firstRelease());
        }
        if (filter.release() != null)
        {
            sql.append(" AND EXISTS (SELECT 1 FROM issue_releases ir JOIN releases x ON x.id = ir.release_id"
                + " WHERE ir.issue_id = i.id AND x.version = ?)");
            args.add(filter.release());
        }
        sql.append(" ORDER BY i.last_seen_ms DESC, i.id DESC");
        List<Issue> issues = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql.toString(), args.toArray()); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                issues.add(issue(rows));
            }
        }
        return issues;
    }

    /** One issue of an organization by id, or null. */
    static Issue issue(Connection c, long orgId, long issueId) throws SQLException
    {
        try (PreparedStatement s = prepare(c, "SELECT " + ISSUE_COLUMNS + ISSUE_FROM
            + " WHERE i.id = ? AND p.organization_id = ?", issueId, orgId); ResultSet rows = s.executeQuery())
        {
            return rows.next() ? issue(rows) : null;
        }
    }

    /** An issue's events per release, newest release first. */
    static List<IssueInRelease> perRelease(Connection c, long issueId) throws SQLException
    {
        List<IssueInRelease> list = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT r.version, ir.first_seen_ms, ir.last_seen_ms, ir.events,"
            + " ir.users_sketch FROM issue_releases ir JOIN releases r ON r.id = ir.release_id WHERE ir.issue_id = ?"
            + " ORDER BY " + ReleaseSql.ORDER_KEY + " DESC, r.id DESC", issueId); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                list.add(new IssueInRelease(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
                    estimate(rows.getBytes(5))));
            }
        }
        return list;
    }

    /**
     * The commits of the issue's first release whose patch set touches a file of the issue's in-app frames, in the
     * release's commit order (newest first). A frame's file matches a changed path when they are equal or one ends
     * with the other after a {@code /} (a frame often names {@code Checkout.java}, a commit
     * {@code src/main/java/com/acme/Checkout.java}); {@code \} is read as {@code /}.
     */
    static List<SuspectCommit> suspects(Connection c, Issue issue, long orgId) throws SQLException
    {
        if (issue.firstRelease() == null || issue.inAppFiles().isEmpty())
        {
            return List.of();
        }
        ReleaseRow release = ReleaseSql.findRelease(c, orgId, issue.firstRelease());
        if (release == null)
        {
            return List.of();
        }
        List<SuspectCommit> suspects = new ArrayList<>();
        for (Commit commit : ReleaseSql.commits(c, release.id(), Integer.MAX_VALUE))
        {
            List<String> files = new ArrayList<>();
            for (FileChange change : commit.patchSet())
            {
                for (String frameFile : issue.inAppFiles())
                {
                    if (matches(change.path(), frameFile) && !files.contains(change.path()))
                    {
                        files.add(change.path());
                    }
                }
            }
            if (!files.isEmpty())
            {
                suspects.add(new SuspectCommit(commit, List.copyOf(files)));
            }
        }
        return suspects;
    }

    /** New issues per release (first seen in it) and project, for {@code newGroups}. */
    static Map<String, Map<String, Long>> newIssues(Connection c, long orgId, List<String> versions)
        throws SQLException
    {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (String version : versions)
        {
            try (PreparedStatement s = prepare(c, "SELECT p.slug, COUNT(*) FROM issues i JOIN releases r"
                + " ON r.id = i.first_release_id JOIN projects p ON p.id = i.project_id"
                + " WHERE r.organization_id = ? AND r.version = ? GROUP BY p.slug", orgId, version);
                 ResultSet rows = s.executeQuery())
            {
                while (rows.next())
                {
                    counts.computeIfAbsent(version, v -> new LinkedHashMap<>()).put(rows.getString(1),
                        rows.getLong(2));
                }
            }
        }
        return counts;
    }

    static boolean matches(String changedPath, String frameFile)
    {
        String path = normalize(changedPath);
        String file = normalize(frameFile);
        if (path.isEmpty() || file.isEmpty())
        {
            return false;
        }
        return path.equals(file) || path.endsWith("/" + file) || file.endsWith("/" + path);
    }

    private static String normalize(String path)
    {
        String p = path.replace('\\', '/');
        int scheme = p.indexOf("://");
        if (scheme >= 0)
        {
            int slash = p.indexOf('/', scheme + 3);
            p = slash < 0 ? "" : p.substring(slash); // a URL's path
        }
        while (p.startsWith("./") || p.startsWith("/"))
        {
            p = p.substring(p.startsWith("./") ? 2 : 1);
        }
        return p;
    }

    private static Issue issue(ResultSet rows) throws SQLException
    {
        String slug = rows.getString(3);
        String files = rows.getString(17);
        return new Issue(rows.getLong(1), slug.toUpperCase(Locale.ROOT) + "-" + rows.getLong(2), slug,
            rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7), rows.getLong(8),
            rows.getLong(9), rows.getLong(10), estimate(rows.getBytes(11)), rows.getString(12), rows.getString(13),
            rows.getString(14), rows.getString(15), rows.getString(16),
            files == null || files.isEmpty() ? List.of() : Arrays.asList(files.split("\n")));
    }

    private static byte[] sketchOf(Connection c, String sql, Object... args) throws SQLException
    {
        try (PreparedStatement s = prepare(c, sql, args); ResultSet rows = s.executeQuery())
        {
            return rows.next() ? rows.getBytes(1) : null;
        }
    }

    private static byte[] withUser(byte[] sketch, String user)
    {
        if (user == null)
        {
            return sketch;
        }
        HllSketch hll = sketch == null ? new HllSketch(SKETCH_LG_K, TgtHllType.HLL_8) : HllSketch.heapify(sketch);
        hll.update(user);
        return hll.toCompactByteArray();
    }

    private static long estimate(byte[] sketch)
    {
        return sketch == null ? 0 : Math.round(HllSketch.heapify(sketch).getEstimate());
    }

    /**
     * What a list of issues keeps: Sentry's query terms.
     *
     * @param status       {@code unresolved}, {@code resolved}, or null for both
     * @param regressed    only regressions
     * @param release      only issues with events in this release, or null
     * @param firstRelease only issues first seen in this release, or null
     */
    record IssueFilter(String status, boolean regressed, String release, String firstRelease)
    {
    }
}
