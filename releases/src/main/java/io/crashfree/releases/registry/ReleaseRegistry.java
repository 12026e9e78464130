package io.crashfree.releases.registry;

import io.crashfree.releases.git.GitRangeResolver;
import io.crashfree.releases.model.AdoptionStage;
import io.crashfree.releases.model.Commit;
import io.crashfree.releases.model.CommitFile;
import io.crashfree.releases.model.Deploy;
import io.crashfree.releases.model.ProjectRef;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.model.ReleaseStatus;
import io.crashfree.releases.model.ReleaseSummary;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.notify.DeployNotice;
import io.crashfree.releases.notify.DeployNotifier;
import io.crashfree.releases.registry.ReleaseSql.ReleaseRow;
import io.crashfree.releases.store.RegistryStore;
import io.crashfree.releases.version.VersionRule;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The releases registry: releases per organization linked to projects, their commits (given or resolved from
 * repositories), deploys and the deploy emails. Every method is one transaction on the {@link RegistryStore}: it
 * commits when the result is a success and changes nothing otherwise. Times come in as {@code nowMs}.
 * <p>
 * Thread-safe (the store serializes transactions). Called on a control-plane executor: it does database, git and
 * SMTP I/O.
 */
public final class ReleaseRegistry
{

    private final RegistryStore store;
    private final RegistryContext context;
    private final CommitRanges commitRanges;
    private final IssueTracker issues;

    private ReleaseRegistry(RegistryStore store, RegistryContext context)
    {
        this.store = store;
        this.context = context;
        this.commitRanges = new CommitRanges(new GitRangeResolver(context.gitCacheDir()));
        this.issues = new IssueTracker(store);
    }

    /**
     * The issues of this registry's releases, in the same database.
     *
     * @return the issue tracker
     */
    public IssueTracker issues()
    {
        return issues;
    }

    /**
     * A registry over an open store, writing the configured organizations, projects and repositories into it.
     *
     * @param store the open store
     * @param context the settings
     * @return the registry
     * @throws SQLException when the database fails
     */
    public static ReleaseRegistry open(RegistryStore store, RegistryContext context) throws SQLException
    {
        store.inTransaction(c ->
        {
            for (RegistryContext.Organization organization : context.organizations())
            {
                long orgId = ReleaseSql.ensureOrganization(c, organization.slug());
                for (String project : organization.projects())
                {
                    ReleaseSql.ensureProject(c, orgId, project);
                }
                ReleaseSql.replaceRepositories(c, orgId, organization.repositories());
            }
            return Boolean.TRUE;
        }, ok -> ok);
        return new ReleaseRegistry(store, context);
    }

    // ---- releases ----

    /**
     * Creates a release ({@code POST …/releases/}), or, when it exists, links the given projects and applies the
     * given fields and commits to it ({@link Outcome#ALREADY_EXISTS}, not an error, as Sentry answers 208).
     *
     * @param org the organization's slug
     * @param input the request
     * @param nowMs the time, used as {@code dateCreated}
     * @return the release, created or existing
     * @throws SQLException when the database fails
     */
    public RegistryResult<Release> createRelease(String org, ReleaseInput input, long nowMs) throws SQLException
    {
        VersionRule broken = VersionRule.firstBroken(input.version());
        if (broken != null)
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, broken.message() + ": " + quoted(input.version()));
        }
        return write(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            if (orgId < 0)
            {
                return unknownOrganization(org);
            }
            ReleaseRow row = ReleaseSql.findRelease(c, orgId, input.version());
            boolean created = row == null;
            if (created)
            {
                if (input.projects() == null || input.projects().isEmpty())
                {
                    return RegistryResult.failed(Outcome.BAD_REQUEST,
                            "a new release needs at least one project: " + quoted(input.version()));
                }
                ReleaseSql.insertRelease(c, orgId, input.version(), nowMs);
                row = ReleaseSql.findRelease(c, orgId, input.version());
            }
            RegistryResult<Release> applied = apply(c, orgId, row, input);
            if (!applied.isSuccess())
            {
                return applied;
            }
            return RegistryResult.of(created ? Outcome.CREATED : Outcome.ALREADY_EXISTS, applied.value());
        });
    }

    /**
     * Changes a release ({@code PUT …/releases/{version}/}): finalize ({@code dateReleased}), projects, url, ref,
     * owner, status, and commits or refs, which replace the release's commits ({@code "commits": []} clears them).
     *
     * @param org the organization's slug
     * @param version the release
     * @param input the fields to change; {@code null} fields stay
     * @return the changed release
     * @throws SQLException when the database fails
     */
    public RegistryResult<Release> updateRelease(String org, String version, ReleaseInput input) throws SQLException
    {
        return write(c -> onRelease(c, org, version, (tx, orgId, row) -> apply(tx, orgId, row, input)));
    }

    /**
     * One release ({@code GET …/releases/{version}/}).
     *
     * @param org the organization's slug
     * @param version the release
     * @return the release, or not found
     * @throws SQLException when the database fails
     */
    public RegistryResult<Release> release(String org, String version) throws SQLException
    {
        return read(c -> onRelease(c, org, version, (tx, orgId, row) ->
                RegistryResult.of(Outcome.OK, ReleaseSql.load(tx, row))));
    }

    /**
     * The releases of an organization, or of one project, newest first by {@code dateReleased} falling back to
     * {@code dateCreated}.
     *
     * @param org the organization's slug
     * @param project a project's slug, or {@code null} for all
     * @param status only releases with this status, or {@code null} for all
     * @return the releases
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<Release>> listReleases(String org, String project, ReleaseStatus status)
            throws SQLException
    {
        return inProject(false, org, project, Outcome.NOT_FOUND, (c, orgId, projectId) ->
        {
            List<Release> releases = new ArrayList<>();
            for (ReleaseRow row : ReleaseSql.listReleases(c, orgId, projectId, status))
            {
                releases.add(ReleaseSql.load(c, row));
            }
            return RegistryResult.of(Outcome.OK, List.copyOf(releases));
        });
    }

    /**
     * What a release list sorts and pages ({@code GET …/releases/}): every matching release, light, in the release
     * order. Load the page's releases with {@link #releases}.
     *
     * @param org the organization's slug
     * @param project a project's slug, or {@code null} for all
     * @param status open or archived, or {@code null} for both
     * @param versionContains a text the version contains in any case, or {@code null}
     * @return the summaries, or not found for an unknown organization or project
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<ReleaseSummary>> listSummaries(String org, String project, ReleaseStatus status,
                                                              String versionContains) throws SQLException
    {
        return inProject(false, org, project, Outcome.NOT_FOUND, (c, orgId, projectId) ->
            RegistryResult.of(Outcome.OK, ReleaseSql.summaries(c, orgId, projectId, status, versionContains)));
    }

    /**
     * Some releases in full, in the order asked; a version the registry does not hold is left out.
     *
     * @param org the organization's slug
     * @param versions the versions
     * @return the releases
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<Release>> releases(String org, List<String> versions) throws SQLException
    {
        return read(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            if (orgId < 0)
            {
                return unknownOrganization(org);
            }
            List<Release> releases = new ArrayList<>();
            for (String version : versions)
            {
                ReleaseRow row = ReleaseSql.findRelease(c, orgId, version);
                if (row != null)
                {
                    releases.add(ReleaseSql.load(c, row));
                }
            }
            return RegistryResult.of(Outcome.OK, List.copyOf(releases));
        });
    }

    /**
     * Records one look at an environment's adoption, as Sentry's adoption monitor does: the releases in
     * {@code adopted} had at least {@value AdoptionStage#ADOPTION_PERCENT}% of the environment's sessions over the
     * last {@value AdoptionStage#WINDOW_HOURS} hours; the releases adopted before that are not among them now fell
     * below ({@code replaced}).
     *
     * @param org the organization's slug
     * @param project the project's slug
     * @param environment the environment ({@code ""} for none)
     * @param adopted the versions adopted now
     * @param nowMs now
     * @return ok, or not found for an unknown organization or project
     * @throws SQLException when the database fails
     */
    public RegistryResult<Void> recordAdoption(String org, String project, String environment, Set<String> adopted,
                                               long nowMs) throws SQLException
    {
        return inProject(true, org, project, Outcome.NOT_FOUND, (c, orgId, projectId) ->
        {
            ReleaseSql.recordAdoption(c, orgId, projectId, environment, adopted, nowMs);
            return RegistryResult.of(Outcome.OK, null);
        });
    }

    /**
     * The adoption records of some releases, per project and environment.
     *
     * @param org the organization's slug
     * @param versions the versions
     * @return the records by version (a version with none is absent)
     * @throws SQLException when the database fails
     */
    public RegistryResult<Map<String, List<AdoptionStage>>> adoption(String org, Collection<String> versions)
            throws SQLException
    {
        return read(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            return orgId < 0 ? unknownOrganization(org) :
                    RegistryResult.of(Outcome.OK, ReleaseSql.adoption(c, orgId, versions));
        });
    }

    /**
     * Deletes a release with its commits links and deploys ({@code DELETE …/releases/{version}/}).
     *
     * @param org the organization's slug
     * @param version the release
     * @return {@link Outcome#NO_CONTENT}, or not found
     * @throws SQLException when the database fails
     */
    public RegistryResult<Void> deleteRelease(String org, String version) throws SQLException
    {
        return write(c -> onRelease(c, org, version, (tx, orgId, row) ->
        {
            ReleaseSql.deleteRelease(tx, row.id());
            return RegistryResult.of(Outcome.NO_CONTENT, null);
        }));
    }

    /**
     * The release before this one (same projects, by {@code dateReleased} falling back to {@code dateCreated}) that
     * has commits ({@code GET …/releases/{version}/previous-with-commits/}): empty when there is none, which the
     * handler answers as exactly {@code {}}.
     *
     * @param org the organization's slug
     * @param version the release
     * @return the previous release with commits, if any
     * @throws SQLException when the database fails
     */
    public RegistryResult<Optional<Release>> previousWithCommits(String org, String version) throws SQLException
    {
        return previous(org, version, true);
    }

    /**
     * The release before this one among releases sharing a project with it, by {@code dateReleased} falling back to
     * {@code dateCreated}.
     *
     * @param org the organization's slug
     * @param version the release
     * @return the previous release, if any
     * @throws SQLException when the database fails
     */
    public RegistryResult<Optional<Release>> previousRelease(String org, String version) throws SQLException
    {
        return previous(org, version, false);
    }

    private RegistryResult<Optional<Release>> previous(String org, String version, boolean withCommits)
            throws SQLException
    {
        return read(c -> onRelease(c, org, version, (tx, orgId, row) ->
        {
            ReleaseRow previous = ReleaseSql.previousRelease(tx, orgId, row, withCommits, null);
            return RegistryResult.of(Outcome.OK,
                    previous == null ? Optional.empty() : Optional.of(ReleaseSql.load(tx, previous)));
        }));
    }

    /**
     * Records that a session or event named this release (the node learning versions from its name table): creates
     * the release when unknown (a version that breaks a rule is refused), links the project and widens
     * {@code firstEvent}/{@code lastEvent}.
     *
     * @param org the organization's slug
     * @param project the project's slug
     * @param version the release
     * @param seenMs when it was seen
     * @return the release
     * @throws SQLException when the database fails
     */
    public RegistryResult<Release> recordSeen(String org, String project, String version, long seenMs)
            throws SQLException
    {
        VersionRule broken = VersionRule.firstBroken(version);
        if (broken != null)
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, broken.message() + ": " + quoted(version));
        }
        return inProject(true, org, project, Outcome.BAD_REQUEST, (c, orgId, projectId) ->
        {
            ReleaseRow row = ReleaseSql.findRelease(c, orgId, version);
            long releaseId = row == null ? ReleaseSql.insertRelease(c, orgId, version, seenMs) : row.id();
            ReleaseSql.linkProject(c, releaseId, projectId);
            ReleaseSql.recordEvent(c, releaseId, seenMs);
            return RegistryResult.of(Outcome.OK, ReleaseSql.load(c, ReleaseSql.findRelease(c, orgId, version)));
        });
    }

    // ---- commits ----

    /**
     * The release's commits, newest first ({@code GET …/releases/{version}/commits/}).
     *
     * @param org the organization's slug
     * @param version the release
     * @return the commits
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<Commit>> commits(String org, String version) throws SQLException
    {
        return read(c -> onRelease(c, org, version, (tx, orgId, row) ->
                RegistryResult.of(Outcome.OK, ReleaseSql.commits(tx, row.id(), Integer.MAX_VALUE))));
    }

    /**
     * The files the release's commits changed ({@code GET …/releases/{version}/commitfiles/}).
     *
     * @param org the organization's slug
     * @param version the release
     * @return one row per file per commit
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<CommitFile>> commitFiles(String org, String version) throws SQLException
    {
        return read(c -> onRelease(c, org, version, (tx, orgId, row) ->
                RegistryResult.of(Outcome.OK, ReleaseSql.commitFiles(tx, row.id()))));
    }

    /**
     * The organization's configured repositories ({@code GET …/repos/}).
     *
     * @param org the organization's slug
     * @return the repositories
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<Repository>> repositories(String org) throws SQLException
    {
        return read(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            return orgId < 0 ? unknownOrganization(org) : RegistryResult.of(Outcome.OK, ReleaseSql.repositories(c, orgId));
        });
    }

    /**
     * The organization's projects ({@code GET …/projects/}).
     *
     * @param org the organization's slug
     * @return the projects
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<ProjectRef>> projects(String org) throws SQLException
    {
        return read(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            return orgId < 0 ? unknownOrganization(org) : RegistryResult.of(Outcome.OK, ReleaseSql.projects(c, orgId));
        });
    }

    // ---- deploys ----

    /**
     * What a recorded deploy came to.
     *
     * @param deploy the deploy
     * @param notification what became of the email
     */
    public record DeployRecorded(Deploy deploy, DeployNotifier.DeliveryReport notification)
    {
    }

    /**
     * Records a deploy ({@code POST …/releases/{version}/deploys/}) and then, once it is committed, emails the
     * release's commit authors who are known users.
     *
     * @param org the organization's slug
     * @param version the release
     * @param input the deploy
     * @param nowMs the time, the finish time when none is given
     * @return the deploy, {@link Outcome#CREATED}
     * @throws SQLException when the database fails
     */
    public RegistryResult<DeployRecorded> createDeploy(String org, String version, DeployInput input, long nowMs)
            throws SQLException
    {
        String environment = input.environment();
        if (environment == null || environment.isEmpty())
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, "deploy environment is required");
        }
        if (environment.length() > 64 || environment.matches(".*[\\n\\r\\t/\\\\ ].*"))
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST,
                    "deploy environment must be at most 64 characters without newline, tab, space or slash: "
                            + quoted(environment));
        }
        long finishedMs = input.dateFinishedMs() == null ? nowMs : input.dateFinishedMs();
        RegistryResult<DeployNotice> recorded = write(c -> onRelease(c, org, version, (tx, orgId, row) ->
        {
            long id = ReleaseSql.insertDeploy(tx, row.id(), environment, input.name(), input.url(),
                    input.dateStartedMs(), finishedMs);
            Deploy deploy = new Deploy(id, environment, input.name(), input.url(), input.dateStartedMs(), finishedMs);
            List<String> recipients = new ArrayList<>();
            for (var author : ReleaseSql.authors(tx, row.id()))
            {
                if (context.notifyUsers().contains(author.email().toLowerCase(Locale.ROOT)))
                {
                    recipients.add(author.email());
                }
            }
            int commitCount = (int) ReleaseSql.count(tx, "SELECT COUNT(*) FROM release_commits WHERE release_id = ?",
                    row.id());
            return RegistryResult.of(Outcome.CREATED, new DeployNotice(org, version, deploy, commitCount,
                    List.copyOf(recipients)));
        }));
        if (!recorded.isSuccess())
        {
            return recorded.asFailure();
        }
        DeployNotice notice = recorded.value();
        return RegistryResult.of(Outcome.CREATED, new DeployRecorded(notice.deploy(), context.notifier().notify(notice)));
    }

    /**
     * The release's deploys, latest first ({@code GET …/releases/{version}/deploys/}).
     *
     * @param org the organization's slug
     * @param version the release
     * @return the deploys
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<Deploy>> deploys(String org, String version) throws SQLException
    {
        return read(c -> onRelease(c, org, version, (tx, orgId, row) ->
                RegistryResult.of(Outcome.OK, ReleaseSql.deploys(tx, row.id()))));
    }

    // ---- applying a request to a release ----

    private RegistryResult<Release> apply(Connection c, long orgId, ReleaseRow row, ReleaseInput input)
            throws SQLException
    {
        if (input.projects() != null)
        {
            for (String project : input.projects())
            {
                long projectId = ReleaseSql.projectId(c, orgId, project);
                if (projectId < 0)
                {
                    return RegistryResult.failed(Outcome.BAD_REQUEST, "unknown project: " + quoted(project));
                }
                ReleaseSql.linkProject(c, row.id(), projectId);
            }
        }
        if (input.dateStartedMs() != null)
        {
            ReleaseSql.setColumn(c, row.id(), "date_started_ms", input.dateStartedMs());
        }
        if (input.dateReleasedMs() != null)
        {
            ReleaseSql.setColumn(c, row.id(), "date_released_ms", input.dateReleasedMs());
        }
        if (input.url() != null)
        {
            ReleaseSql.setColumn(c, row.id(), "url", input.url());
        }
        if (input.ref() != null)
        {
            ReleaseSql.setColumn(c, row.id(), "ref", input.ref());
        }
        if (input.owner() != null)
        {
            ReleaseSql.setColumn(c, row.id(), "owner", input.owner());
        }
        if (input.status() != null)
        {
            ReleaseSql.setColumn(c, row.id(), "status", input.status().wireName());
        }
        // re-read: a new dateReleased moves the release in the order, and the baseline depends on it
        ReleaseRow current = ReleaseSql.findRelease(c, orgId, row.version());
        if (input.refs() != null)
        {
            RegistryResult<List<CommitInput>> resolved = commitRanges.resolveRefs(c, orgId, current, input.refs());
            if (!resolved.isSuccess())
            {
                return resolved.asFailure();
            }
            ReleaseSql.replaceCommits(c, orgId, current.id(), resolved.value());
            IssueSql.resolveByCommits(c, orgId, current.id());
        }
        else if (input.commits() != null)
        {
            RegistryResult<List<CommitInput>> checked = CommitRanges.normalize(orgId, input.commits());
            if (!checked.isSuccess())
            {
                return checked.asFailure();
            }
            ReleaseSql.replaceCommits(c, orgId, current.id(), checked.value());
            IssueSql.resolveByCommits(c, orgId, current.id());
        }
        return RegistryResult.of(Outcome.OK, ReleaseSql.load(c, current));
    }

    // ---- plumbing ----

    /** Work on one existing release of an organization. */
    @FunctionalInterface
    private interface ReleaseWork<T>
    {
        RegistryResult<T> run(Connection c, long orgId, ReleaseRow row) throws SQLException;
    }

    /** Work in an organization and, optionally, one of its projects. */
    @FunctionalInterface
    private interface ProjectWork<T>
    {
        RegistryResult<T> run(Connection c, long orgId, Long projectId) throws SQLException;
    }

    /**
     * Finds the organization (404 when unknown) and the project when one is named ({@code unknownProject} when
     * unknown), then does the work, in a transaction that commits a successful write.
     */
    private <T> RegistryResult<T> inProject(boolean write, String org, String project, Outcome unknownProject,
                                            ProjectWork<T> work) throws SQLException
    {
        RegistryStore.Work<RegistryResult<T>> lookup = c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            if (orgId < 0)
            {
                return unknownOrganization(org);
            }
            Long projectId = null;
            if (project != null)
            {
                long id = ReleaseSql.projectId(c, orgId, project);
                if (id < 0)
                {
                    return RegistryResult.failed(unknownProject, "unknown project: " + quoted(project));
                }
                projectId = id;
            }
            return work.run(c, orgId, projectId);
        };
        return write ? write(lookup) : read(lookup);
    }

    /** Finds the organization and the release, answering 404 for either, then runs the work on them. */
    private static <T> RegistryResult<T> onRelease(Connection c, String org, String version, ReleaseWork<T> work)
            throws SQLException
    {
        long orgId = ReleaseSql.organizationId(c, org);
        if (orgId < 0)
        {
            return unknownOrganization(org);
        }
        ReleaseRow row = ReleaseSql.findRelease(c, orgId, version);
        return row == null ? unknownRelease(version) : work.run(c, orgId, row);
    }

    private <T> RegistryResult<T> write(RegistryStore.Work<RegistryResult<T>> work) throws SQLException
    {
        return store.inTransaction(work, RegistryResult::isSuccess);
    }

    private <T> RegistryResult<T> read(RegistryStore.Work<RegistryResult<T>> work) throws SQLException
    {
        return store.inTransaction(work, result -> false);
    }

    private static <T> RegistryResult<T> unknownOrganization(String org)
    {
        return RegistryResult.failed(Outcome.NOT_FOUND, "unknown organization: " + quoted(org));
    }

    private static <T> RegistryResult<T> unknownRelease(String version)
    {
        return RegistryResult.failed(Outcome.NOT_FOUND, "unknown release: " + quoted(version));
    }

    static String quoted(String value)
    {
        return value == null ? "null" : '"' + value + '"';
    }
}
