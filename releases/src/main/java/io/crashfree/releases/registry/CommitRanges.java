package io.crashfree.releases.registry;

import io.crashfree.releases.git.GitRangeResolver;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.registry.ReleaseSql.ReleaseRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The commits a release gets: given commits checked and normalized, or {@code refs} resolved through the repository
 * integration with the previous release's last commit as the baseline. Runs inside the registry's transaction, so a
 * range that cannot be resolved leaves the release as it was.
 */
final class CommitRanges
{

    private final GitRangeResolver resolver;

    CommitRanges(GitRangeResolver resolver)
    {
        this.resolver = resolver;
    }

    /**
     * Checks and normalizes given commits: an id is required, the repository defaults to {@code organization-<id>},
     * {@code \} in paths becomes {@code /}, duplicates keep their first place; sorted newest first by timestamp, commits
     * without one after those with one, in the order given.
     */
    static RegistryResult<List<CommitInput>> normalize(long orgId, List<CommitInput> commits)
    {
        List<CommitInput> normalized = new ArrayList<>(commits.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < commits.size(); i++)
        {
            CommitInput commit = commits.get(i);
            if (commit.id() == null || commit.id().isBlank())
            {
                return RegistryResult.failed(Outcome.BAD_REQUEST, "commits[" + i + "]: a commit needs an id");
            }
            if (commit.id().length() > 64)
            {
                return RegistryResult.failed(Outcome.BAD_REQUEST,
                        "commits[" + i + "]: a commit id must be at most 64 characters: " + ReleaseRegistry.quoted(commit.id()));
            }
            String repository = commit.repository() == null || commit.repository().isBlank()
                    ? "organization-" + orgId : commit.repository();
            if (!seen.add(repository + '\n' + commit.id()))
            {
                continue;
            }
            List<FileChange> files = null;
            if (commit.patchSet() != null)
            {
                files = new ArrayList<>(commit.patchSet().size());
                Set<String> paths = new HashSet<>();
                for (FileChange file : commit.patchSet())
                {
                    String path = file.path().replace('\\', '/');
                    if (paths.add(path))
                    {
                        files.add(new FileChange(path, file.type()));
                    }
                }
            }
            String email = commit.authorEmail() == null || commit.authorEmail().isBlank() ? null : commit.authorEmail();
            normalized.add(new CommitInput(commit.id(), repository, commit.message(), commit.timestampMs(),
                    commit.authorName(), email, files));
        }
        // as Sentry's set_commits: newest first by timestamp, a commit without one counting as the oldest; List.sort
        // is stable, so commits with the same (or no) timestamp keep the order given
        normalized.sort((a, b) -> Long.compare(orderKey(b), orderKey(a)));
        return RegistryResult.of(Outcome.OK, normalized);
    }

    RegistryResult<List<CommitInput>> resolveRefs(Connection c, long orgId, ReleaseRow release,
                                                          List<RefInput> refs) throws SQLException
    {
        List<Repository> configured = ReleaseSql.repositories(c, orgId);
        List<CommitInput> all = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++)
        {
            RefInput ref = refs.get(i);
            if (ref.repository() == null || ref.commit() == null || ref.commit().isBlank())
            {
                return RegistryResult.failed(Outcome.BAD_REQUEST, "refs[" + i + "]: a ref needs repository and commit");
            }
            Repository repository = null;
            for (Repository candidate : configured)
            {
                if (candidate.name().equals(ref.repository()))
                {
                    repository = candidate;
                }
            }
            if (repository == null)
            {
                return RegistryResult.failed(Outcome.BAD_REQUEST, "refs[" + i + "]: unknown repository: "
                        + ReleaseRegistry.quoted(ref.repository()));
            }
            String baseline = ref.previousCommit();
            if (baseline == null || baseline.isBlank())
            {
                ReleaseRow previous = ReleaseSql.previousRelease(c, orgId, release, true, repository.name());
                baseline = previous == null ? null : ReleaseSql.lastCommitIn(c, previous.id(), repository.name());
            }
            GitRangeResolver.Resolution resolution = resolver.tryResolve(repository, ref.commit(), baseline);
            if (!resolution.isResolved())
            {
                return RegistryResult.failed(Outcome.BAD_REQUEST, "refs[" + i + "]: " + resolution.problem());
            }
            all.addAll(resolution.commits());
        }
        return normalize(orgId, all);
    }


    private static long orderKey(CommitInput commit)
    {
        return commit.timestampMs() == null ? Long.MIN_VALUE : commit.timestampMs();
    }
}
