package io.crashfree.releases.registry;

import io.crashfree.releases.model.AdoptionStage;
import io.crashfree.releases.model.Author;
import io.crashfree.releases.model.ChangeType;
import io.crashfree.releases.model.Commit;
import io.crashfree.releases.model.CommitFile;
import io.crashfree.releases.model.Deploy;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.ProjectRef;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.model.ReleaseStatus;
import io.crashfree.releases.model.ReleaseSummary;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.version.VersionInfoParser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The registry's SQL: every statement the registry issues, on the caller's transaction. Plain SQL that SQLite and
 * PostgreSQL both accept. The order of releases is {@code COALESCE(date_released_ms, date_created_ms)} then id.
 */
final class ReleaseSql
{

    /** A release's own columns. */
    record ReleaseRow(long id, String version, long dateCreatedMs, Long dateStartedMs, Long dateReleasedMs,
                      Long firstEventMs, Long lastEventMs, String url, String ref, ReleaseStatus status, String owner)
    {
        long orderKeyMs()
        {
            return dateReleasedMs != null ? dateReleasedMs : dateCreatedMs;
        }
    }

    private static final String RELEASE_COLUMNS = "r.id, r.version, r.date_created_ms, r.date_started_ms,"
            + " r.date_released_ms, r.first_event_ms, r.last_event_ms, r.url, r.ref, r.status, r.owner";
    static final String ORDER_KEY = "COALESCE(r.date_released_ms, r.date_created_ms)";

    private ReleaseSql()
    {
    }

    // ---- configuration ----

    static long ensureOrganization(Connection c, String slug) throws SQLException
    {
        long id = organizationId(c, slug);
        if (id >= 0)
        {
            return id;
        }
        return insert(c, "INSERT INTO organizations (slug) VALUES (?)", slug);
    }

    static long organizationId(Connection c, String slug) throws SQLException
    {
        return queryId(c, "SELECT id FROM organizations WHERE slug = ?", slug);
    }

    static void ensureProject(Connection c, long orgId, String slug) throws SQLException
    {
        if (projectId(c, orgId, slug) < 0)
        {
            insert(c, "INSERT INTO projects (organization_id, slug) VALUES (?, ?)", orgId, slug);
        }
    }

    static long projectId(Connection c, long orgId, String slug) throws SQLException
    {
        return queryId(c, "SELECT id FROM projects WHERE organization_id = ? AND slug = ?", orgId, slug);
    }

    static List<ProjectRef> projects(Connection c, long orgId) throws SQLException
    {
        List<ProjectRef> projects = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT id, slug FROM projects WHERE organization_id = ? ORDER BY slug",
                orgId); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                projects.add(new ProjectRef(rows.getLong(1), rows.getString(2)));
            }
        }
        return projects;
    }

    static void replaceRepositories(Connection c, long orgId, List<Repository> repositories) throws SQLException
    {
        update(c, "DELETE FROM repositories WHERE organization_id = ?", orgId);
        for (Repository repository : repositories)
        {
            insert(c, "INSERT INTO repositories (organization_id, config_id, name, url) VALUES (?, ?, ?, ?)",
                    orgId, repository.id(), repository.name(), repository.url());
        }
    }

    static List<Repository> repositories(Connection c, long orgId) throws SQLException
    {
        List<Repository> repositories = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT config_id, name, url FROM repositories"
                + " WHERE organization_id = ? ORDER BY name", orgId); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                repositories.add(new Repository(rows.getString(1), rows.getString(2), rows.getString(3)));
            }
        }
        return repositories;
    }

    // ---- releases ----

    static ReleaseRow findRelease(Connection c, long orgId, String version) throws SQLException
    {
        List<ReleaseRow> rows = releaseRows(c, "SELECT " + RELEASE_COLUMNS + " FROM releases r"
                + " WHERE r.organization_id = ? AND r.version = ?", orgId, version);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static long insertRelease(Connection c, long orgId, String version, long dateCreatedMs) throws SQLException
    {
        return insert(c, "INSERT INTO releases (organization_id, version, date_created_ms, status) VALUES (?, ?, ?, ?)",
                orgId, version, dateCreatedMs, ReleaseStatus.OPEN.wireName());
    }

    static void setColumn(Connection c, long releaseId, String column, Object value) throws SQLException
    {
        // column names come only from the registry's own constants, never from input
        update(c, "UPDATE releases SET " + column + " = ? WHERE id = ?", value, releaseId);
    }

    static void linkProject(Connection c, long releaseId, long projectId) throws SQLException
    {
        if (queryId(c, "SELECT project_id FROM release_projects WHERE release_id = ? AND project_id = ?",
                releaseId, projectId) < 0)
        {
            insert(c, "INSERT INTO release_projects (release_id, project_id) VALUES (?, ?)", releaseId, projectId);
        }
    }

    static void deleteRelease(Connection c, long releaseId) throws SQLException
    {
        update(c, "DELETE FROM deploys WHERE release_id = ?", releaseId);
        update(c, "DELETE FROM release_environments WHERE release_id = ?", releaseId);
        update(c, "DELETE FROM issue_releases WHERE release_id = ?", releaseId);
        for (String column : List.of("first_release_id", "last_release_id", "resolved_in_release_id",
                "regressed_in_release_id"))
        {
            update(c, "UPDATE issues SET " + column + " = NULL WHERE " + column + " = ?", releaseId);
        }
        update(c, "DELETE FROM release_commits WHERE release_id = ?", releaseId);
        update(c, "DELETE FROM release_projects WHERE release_id = ?", releaseId);
        update(c, "DELETE FROM releases WHERE id = ?", releaseId);
    }

    /** Releases of an organization, optionally of one project, newest first by the release order. */
    static List<ReleaseRow> listReleases(Connection c, long orgId, Long projectId, ReleaseStatus status)
            throws SQLException
    {
        StringBuilder sql = new StringBuilder("SELECT ").append(RELEASE_COLUMNS)
                .append(" FROM releases r WHERE r.organization_id = ?");
        List<Object> args = new ArrayList<>(List.of(orgId));
        if (projectId != null)
        {
            sql.append(" AND EXISTS (SELECT 1 FROM release_projects rp WHERE rp.release_id = r.id AND rp.project_id = ?)");
            args.add(projectId);
        }
        if (status != null)
        {
            sql.append(" AND r.status = ?");
            args.add(status.wireName());
        }
        sql.append(" ORDER BY ").append(ORDER_KEY).append(" DESC, r.id DESC");
        return releaseRows(c, sql.toString(), args.toArray());
    }

    /**
     * Every release of an organization (optionally of one project, of one status, whose version contains a text in
     * any case) with its projects' slugs, in the release order: two queries whatever the count.
     */
    static List<ReleaseSummary> summaries(Connection c, long orgId, Long projectId, ReleaseStatus status,
                                          String versionContains) throws SQLException
    {
        StringBuilder where = new StringBuilder(" WHERE r.organization_id = ?");
        List<Object> args = new ArrayList<>(List.of(orgId));
        if (projectId != null)
        {
            where.append(" AND EXISTS (SELECT 1 FROM release_projects rp WHERE rp.release_id = r.id AND rp.project_id = ?)");
            args.add(projectId);
        }
        if (status != null)
        {
            where.append(" AND r.status = ?");
            args.add(status.wireName());
        }
        Map<Long, List<String>> projectsOf = new HashMap<>();
        try (PreparedStatement s = prepare(c, "SELECT rp.release_id, p.slug FROM releases r JOIN release_projects rp"
                + " ON rp.release_id = r.id JOIN projects p ON p.id = rp.project_id" + where + " ORDER BY p.slug",
                args.toArray()); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                projectsOf.computeIfAbsent(rows.getLong(1), id -> new ArrayList<>()).add(rows.getString(2));
            }
        }
        String needle = versionContains == null || versionContains.isEmpty() ? null :
                versionContains.toLowerCase(Locale.ROOT);
        List<ReleaseSummary> summaries = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT r.id, r.version, r.date_created_ms, r.date_released_ms, r.status"
                + " FROM releases r" + where + " ORDER BY " + ORDER_KEY + " DESC, r.id DESC", args.toArray());
             ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                String version = rows.getString(2);
                if (needle != null && !version.toLowerCase(Locale.ROOT).contains(needle))
                {
                    continue; // in Java, not LIKE: '%' and '_' in a search are plain characters
                }
                summaries.add(new ReleaseSummary(version, rows.getLong(3), nullableLong(rows, 4),
                        ReleaseStatus.fromWireName(rows.getString(5)), List.copyOf(projectsOf.getOrDefault(
                        rows.getLong(1), List.of()))));
            }
        }
        return summaries;
    }

    // ---- adoption ----

    /**
     * Records one look at an environment's adoption: releases in {@code adopted} are adopted now (kept from the first
     * time; a release adopted again after falling below is adopted again), releases adopted before and not in it
     * fell below now.
     */
    static void recordAdoption(Connection c, long orgId, long projectId, String environment, Set<String> adopted,
                               long nowMs) throws SQLException
    {
        for (String version : adopted)
        {
            ReleaseRow row = findRelease(c, orgId, version);
            if (row == null)
            {
                continue; // not registered yet: the next look finds it
            }
            if (queryId(c, "SELECT release_id FROM release_environments WHERE release_id = ? AND project_id = ?"
                    + " AND environment = ?", row.id(), projectId, environment) < 0)
            {
                insert(c, "INSERT INTO release_environments (release_id, project_id, environment, adopted_ms)"
                        + " VALUES (?, ?, ?, ?)", row.id(), projectId, environment, nowMs);
            }
            else
            {
                update(c, "UPDATE release_environments SET adopted_ms = COALESCE(adopted_ms, ?), unadopted_ms = NULL"
                        + " WHERE release_id = ? AND project_id = ? AND environment = ?",
                        nowMs, row.id(), projectId, environment);
            }
        }
        List<Long> fell = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT re.release_id, r.version FROM release_environments re"
                + " JOIN releases r ON r.id = re.release_id WHERE re.project_id = ? AND re.environment = ?"
                + " AND re.adopted_ms IS NOT NULL AND re.unadopted_ms IS NULL", projectId, environment);
             ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                if (!adopted.contains(rows.getString(2)))
                {
                    fell.add(rows.getLong(1));
                }
            }
        }
        for (long releaseId : fell)
        {
            update(c, "UPDATE release_environments SET unadopted_ms = ? WHERE release_id = ? AND project_id = ?"
                    + " AND environment = ?", nowMs, releaseId, projectId, environment);
        }
    }

    /** The adoption records of some releases of an organization, by version. */
    static Map<String, List<AdoptionStage>> adoption(Connection c, long orgId, Collection<String> versions)
            throws SQLException
    {
        Map<String, List<AdoptionStage>> stages = new HashMap<>();
        for (String version : versions)
        {
            try (PreparedStatement s = prepare(c, "SELECT p.slug, re.environment, re.adopted_ms, re.unadopted_ms"
                    + " FROM release_environments re JOIN releases r ON r.id = re.release_id JOIN projects p"
                    + " ON p.id = re.project_id WHERE r.organization_id = ? AND r.version = ?"
                    + " ORDER BY p.slug, re.environment", orgId, version); ResultSet rows = s.executeQuery())
            {
                while (rows.next())
                {
                    stages.computeIfAbsent(version, v -> new ArrayList<>()).add(new AdoptionStage(rows.getString(1),
                            rows.getString(2), nullableLong(rows, 3), nullableLong(rows, 4)));
                }
            }
        }
        return stages;
    }

    /**
     * The release just before {@code release} in the release order among releases sharing a project with it (any
     * release of the organization when it has no project), optionally only those with commits in a repository.
     */
    static ReleaseRow previousRelease(Connection c, long orgId, ReleaseRow release, boolean withCommits,
                                      String repository) throws SQLException
    {
        StringBuilder sql = new StringBuilder("SELECT ").append(RELEASE_COLUMNS).append(" FROM releases r")
                .append(" WHERE r.organization_id = ? AND r.id <> ?")
                .append(" AND (").append(ORDER_KEY).append(" < ? OR (").append(ORDER_KEY).append(" = ? AND r.id < ?))")
                .append(" AND (NOT EXISTS (SELECT 1 FROM release_projects mine WHERE mine.release_id = ?)")
                .append(" OR EXISTS (SELECT 1 FROM release_projects theirs JOIN release_projects mine")
                .append(" ON mine.project_id = theirs.project_id WHERE theirs.release_id = r.id AND mine.release_id = ?))");
        List<Object> args = new ArrayList<>(List.of(orgId, release.id(), release.orderKeyMs(), release.orderKeyMs(),
                release.id(), release.id(), release.id()));
        if (withCommits)
        {
            sql.append(" AND EXISTS (SELECT 1 FROM release_commits rc JOIN commits cm ON cm.id = rc.commit_id")
                    .append(" WHERE rc.release_id = r.id");
            if (repository != null)
            {
                sql.append(" AND cm.repository = ?");
                args.add(repository);
            }
            sql.append(')');
        }
        sql.append(" ORDER BY ").append(ORDER_KEY).append(" DESC, r.id DESC LIMIT 1");
        List<ReleaseRow> rows = releaseRows(c, sql.toString(), args.toArray());
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The newest commit of a release in one repository, or {@code null}. */
    static String lastCommitIn(Connection c, long releaseId, String repository) throws SQLException
    {
        try (PreparedStatement s = prepare(c, "SELECT cm.sha FROM release_commits rc JOIN commits cm"
                + " ON cm.id = rc.commit_id WHERE rc.release_id = ? AND cm.repository = ?"
                + " ORDER BY rc.position LIMIT 1", releaseId, repository); ResultSet rows = s.executeQuery())
        {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    static void recordEvent(Connection c, long releaseId, long seenMs) throws SQLException
    {
        update(c, "UPDATE releases SET first_event_ms = ? WHERE id = ? AND (first_event_ms IS NULL"
                + " OR first_event_ms > ?)", seenMs, releaseId, seenMs);
        update(c, "UPDATE releases SET last_event_ms = ? WHERE id = ? AND (last_event_ms IS NULL"
                + " OR last_event_ms < ?)", seenMs, releaseId, seenMs);
    }

    // ---- commits ----

    /** Replaces the release's commits with {@code commits}, in that order (position 0 = newest). */
    static void replaceCommits(Connection c, long orgId, long releaseId, List<CommitInput> commits)
            throws SQLException
    {
        update(c, "DELETE FROM release_commits WHERE release_id = ?", releaseId);
        int position = 0;
        for (CommitInput commit : commits)
        {
            Long authorId = commit.authorEmail() == null ? null
                    : ensureAuthor(c, orgId, commit.authorEmail(), commit.authorName());
            long commitId = queryId(c, "SELECT id FROM commits WHERE organization_id = ? AND repository = ? AND sha = ?",
                    orgId, commit.repository(), commit.id());
            if (commitId < 0)
            {
                commitId = insert(c, "INSERT INTO commits (organization_id, repository, sha, message, timestamp_ms,"
                                + " author_id) VALUES (?, ?, ?, ?, ?, ?)", orgId, commit.repository(), commit.id(),
                        commit.message(), commit.timestampMs(), authorId);
            }
            else
            {
                update(c, "UPDATE commits SET message = COALESCE(?, message), timestamp_ms = COALESCE(?, timestamp_ms),"
                                + " author_id = COALESCE(?, author_id) WHERE id = ?", commit.message(),
                        commit.timestampMs(), authorId, commitId);
            }
            if (commit.patchSet() != null)
            {
                update(c, "DELETE FROM commit_files WHERE commit_id = ?", commitId);
                for (FileChange file : commit.patchSet())
                {
                    insert(c, "INSERT INTO commit_files (commit_id, path, change_type) VALUES (?, ?, ?)", commitId,
                            file.path(), file.type().name());
                }
            }
            insert(c, "INSERT INTO release_commits (release_id, commit_id, position) VALUES (?, ?, ?)", releaseId,
                    commitId, position++);
        }
    }

    private static long ensureAuthor(Connection c, long orgId, String email, String name) throws SQLException
    {
        String key = email.trim().toLowerCase(Locale.ROOT);
        long id = queryId(c, "SELECT id FROM commit_authors WHERE organization_id = ? AND email = ?", orgId, key);
        if (id < 0)
        {
            return insert(c, "INSERT INTO commit_authors (organization_id, email, name) VALUES (?, ?, ?)", orgId, key,
                    name);
        }
        if (name != null)
        {
            update(c, "UPDATE commit_authors SET name = ? WHERE id = ?", name, id);
        }
        return id;
    }

    static List<Commit> commits(Connection c, long releaseId, int limit) throws SQLException
    {
        Map<Long, Commit> byId = new LinkedHashMap<>();
        try (PreparedStatement s = prepare(c, "SELECT cm.id, cm.sha, cm.repository, cm.message, cm.timestamp_ms,"
                + " a.name, a.email FROM release_commits rc JOIN commits cm ON cm.id = rc.commit_id"
                + " LEFT JOIN commit_authors a ON a.id = cm.author_id WHERE rc.release_id = ?"
                + " ORDER BY rc.position LIMIT ?", releaseId, limit); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                String email = rows.getString(7);
                byId.put(rows.getLong(1), new Commit(rows.getString(2), rows.getString(3), rows.getString(4),
                        nullableLong(rows, 5), email == null ? null : new Author(rows.getString(6), email),
                        new ArrayList<>()));
            }
        }
        for (Map.Entry<Long, Commit> entry : byId.entrySet())
        {
            try (PreparedStatement s = prepare(c, "SELECT path, change_type FROM commit_files WHERE commit_id = ?"
                    + " ORDER BY path", entry.getKey()); ResultSet rows = s.executeQuery())
            {
                while (rows.next())
                {
                    entry.getValue().patchSet().add(new FileChange(rows.getString(1),
                            ChangeType.valueOf(rows.getString(2))));
                }
            }
        }
        List<Commit> commits = new ArrayList<>(byId.size());
        for (Commit commit : byId.values())
        {
            commits.add(new Commit(commit.id(), commit.repository(), commit.message(), commit.timestampMs(),
                    commit.author(), List.copyOf(commit.patchSet())));
        }
        return commits;
    }

    static List<CommitFile> commitFiles(Connection c, long releaseId) throws SQLException
    {
        List<CommitFile> files = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT cm.sha, cm.repository, cm.message, a.name, a.email, f.path,"
                + " f.change_type FROM release_commits rc JOIN commits cm ON cm.id = rc.commit_id"
                + " JOIN commit_files f ON f.commit_id = cm.id LEFT JOIN commit_authors a ON a.id = cm.author_id"
                + " WHERE rc.release_id = ? ORDER BY rc.position, f.path", releaseId);
             ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                String email = rows.getString(5);
                files.add(new CommitFile(rows.getString(1), rows.getString(2), rows.getString(3),
                        email == null ? null : new Author(rows.getString(4), email), rows.getString(6),
                        ChangeType.valueOf(rows.getString(7))));
            }
        }
        return files;
    }

    static List<Author> authors(Connection c, long releaseId) throws SQLException
    {
        List<Author> authors = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT a.name, a.email, MIN(rc.position) AS first_position"
                + " FROM release_commits rc JOIN commits cm ON cm.id = rc.commit_id"
                + " JOIN commit_authors a ON a.id = cm.author_id WHERE rc.release_id = ?"
                + " GROUP BY a.id, a.name, a.email ORDER BY first_position", releaseId);
             ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                authors.add(new Author(rows.getString(1), rows.getString(2)));
            }
        }
        return authors;
    }

    // ---- deploys ----

    static long insertDeploy(Connection c, long releaseId, String environment, String name, String url,
                             Long dateStartedMs, long dateFinishedMs) throws SQLException
    {
        return insert(c, "INSERT INTO deploys (release_id, environment, name, url, date_started_ms, date_finished_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?)", releaseId, environment, name, url, dateStartedMs, dateFinishedMs);
    }

    static List<Deploy> deploys(Connection c, long releaseId) throws SQLException
    {
        List<Deploy> deploys = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT id, environment, name, url, date_started_ms, date_finished_ms"
                + " FROM deploys WHERE release_id = ? ORDER BY date_finished_ms DESC, id DESC", releaseId);
             ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                deploys.add(new Deploy(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        nullableLong(rows, 5), rows.getLong(6)));
            }
        }
        return deploys;
    }

    // ---- the whole release ----

    static Release load(Connection c, ReleaseRow row) throws SQLException
    {
        List<ProjectRef> projects = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT p.id, p.slug FROM release_projects rp JOIN projects p"
                + " ON p.id = rp.project_id WHERE rp.release_id = ? ORDER BY p.slug", row.id());
             ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                projects.add(new ProjectRef(rows.getLong(1), rows.getString(2)));
            }
        }
        int commitCount = (int) count(c, "SELECT COUNT(*) FROM release_commits WHERE release_id = ?", row.id());
        List<Commit> last = commits(c, row.id(), 1);
        List<Deploy> deploys = deploys(c, row.id());
        return new Release(row.id(), row.version(), VersionInfoParser.parse(row.version()), row.dateCreatedMs(),
                row.dateStartedMs(), row.dateReleasedMs(), row.firstEventMs(), row.lastEventMs(), row.url(), row.ref(),
                row.status(), row.owner(), List.copyOf(projects), commitCount, last.isEmpty() ? null : last.get(0),
                authors(c, row.id()), deploys.size(), deploys.isEmpty() ? null : deploys.get(0));
    }

    // ---- plumbing ----

    private static List<ReleaseRow> releaseRows(Connection c, String sql, Object... args) throws SQLException
    {
        List<ReleaseRow> releases = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, args); ResultSet rows = s.executeQuery())
        {
            while (rows.next())
            {
                releases.add(new ReleaseRow(rows.getLong(1), rows.getString(2), rows.getLong(3), nullableLong(rows, 4),
                        nullableLong(rows, 5), nullableLong(rows, 6), nullableLong(rows, 7), rows.getString(8),
                        rows.getString(9), ReleaseStatus.fromWireName(rows.getString(10)), rows.getString(11)));
            }
        }
        return releases;
    }

    static Long nullableLong(ResultSet rows, int column) throws SQLException
    {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException
    {
        return bind(c.prepareStatement(sql), args);
    }

    private static PreparedStatement bind(PreparedStatement s, Object... args) throws SQLException
    {
        for (int i = 0; i < args.length; i++)
        {
            Object arg = args[i];
            if (arg == null)
            {
                s.setNull(i + 1, Types.NULL);
            }
            else if (arg instanceof Long l)
            {
                s.setLong(i + 1, l);
            }
            else if (arg instanceof Integer n)
            {
                s.setInt(i + 1, n);
            }
            else if (arg instanceof byte[] bytes)
            {
                s.setBytes(i + 1, bytes);
            }
            else
            {
                s.setString(i + 1, arg.toString());
            }
        }
        return s;
    }

    static long queryId(Connection c, String sql, Object... args) throws SQLException
    {
        try (PreparedStatement s = prepare(c, sql, args); ResultSet rows = s.executeQuery())
        {
            return rows.next() ? rows.getLong(1) : -1;
        }
    }

    static long count(Connection c, String sql, Object... args) throws SQLException
    {
        try (PreparedStatement s = prepare(c, sql, args); ResultSet rows = s.executeQuery())
        {
            rows.next();
            return rows.getLong(1);
        }
    }

    static void update(Connection c, String sql, Object... args) throws SQLException
    {
        try (PreparedStatement s = prepare(c, sql, args))
        {
            s.executeUpdate();
        }
    }

    /**
     * Runs an insert and answers the generated id: SQLite's rowid; on PostgreSQL the driver adds {@code RETURNING *},
     * whose first column is the id in every table that has one (each such table declares it first). Tables without a
     * generated id answer their first column, which callers ignore.
     */
    static long insert(Connection c, String sql, Object... args) throws SQLException
    {
        try (PreparedStatement s = bind(c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS), args))
        {
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys())
            {
                return keys.next() ? keys.getLong(1) : -1;
            }
        }
    }
}
