package io.crashfree.releases.git;

import io.crashfree.releases.model.ChangeType;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.registry.CommitInput;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * Resolves a release's commit range ({@code refs}) by reading the repository with JGit: the commits reachable from
 * {@code commit} and not from the baseline, newest first, each with the files its diff against its first parent
 * changed. Without a baseline, the latest {@value #COMMITS_WITHOUT_BASELINE} commits, as Sentry does.
 * <p>
 * A local path is read in place; a git URL is cloned (bare) once into the cache directory and fetched before each
 * resolution. Runs on the calling control-plane thread; never on an event loop (it does disk and network I/O).
 */
public final class GitRangeResolver
{

    /** Commits taken when there is no baseline. */
    public static final int COMMITS_WITHOUT_BASELINE = 20;
    /** The most commits one range may hold; a longer range is refused rather than half-read. */
    public static final int MAX_COMMITS_PER_RANGE = 10_000;

    private final Path cacheDir;

    /**
     * A resolver.
     *
     * @param cacheDir where clones of remote repositories are kept
     */
    public GitRangeResolver(Path cacheDir)
    {
        this.cacheDir = cacheDir;
    }

    /**
     * The outcome of one resolution: the commits, or a problem naming the repository and the value.
     *
     * @param commits the commits, newest first, or {@code null} on failure
     * @param problem the problem, or {@code null}
     */
    public record Resolution(List<CommitInput> commits, String problem)
    {
        /**
         * Whether it resolved.
         *
         * @return true when {@code commits} holds the range
         */
        public boolean isResolved()
        {
            return problem == null;
        }
    }

    /**
     * Resolves one range.
     *
     * @param repository the configured repository
     * @param commit the newest commit (a sha or any revision git understands)
     * @param baseline the commit to stop at (excluded), or {@code null} for the latest
     *                 {@value #COMMITS_WITHOUT_BASELINE}
     * @return the commits or the problem
     */
    public Resolution tryResolve(Repository repository, String commit, String baseline)
    {
        try (Git git = open(repository))
        {
            org.eclipse.jgit.lib.Repository repo = git.getRepository();
            ObjectId head = resolveCommit(repo, commit);
            if (head == null)
            {
                return failed("unknown commit in repository " + repository.name() + ": " + commit);
            }
            ObjectId base = null;
            if (baseline != null)
            {
                base = resolveCommit(repo, baseline);
                if (base == null)
                {
                    return failed("unknown previous commit in repository " + repository.name() + ": " + baseline);
                }
            }
            return new Resolution(walk(repo, repository.name(), head, base), null);
        }
        catch (IOException | GitAPIException | RuntimeException e)
        {
            return failed("cannot read repository " + repository.name() + " at " + repository.url() + ": "
                    + e.getMessage());
        }
    }

    private static Resolution failed(String problem)
    {
        return new Resolution(null, problem);
    }

    private Git open(Repository repository) throws IOException, GitAPIException
    {
        String url = repository.url();
        if (!url.contains("://") && !url.startsWith("git@"))
        {
            File dir = new File(url.startsWith("file:") ? url.substring("file:".length()) : url);
            if (!dir.isDirectory())
            {
                throw new IOException("no such directory");
            }
            return Git.open(dir);
        }
        Path clone = cacheDir.resolve("repository-" + repository.id().replaceAll("[^A-Za-z0-9._-]", "_") + ".git");
        if (Files.isDirectory(clone))
        {
            Git git = Git.open(clone.toFile());
            try
            {
                git.fetch().setRemote("origin").call();
                return git;
            }
            catch (GitAPIException e)
            {
                git.close();
                throw e;
            }
        }
        Files.createDirectories(cacheDir);
        return Git.cloneRepository().setURI(url).setBare(true).setGitDir(clone.toFile())
                .setDirectory(clone.toFile()).call();
    }

    private static ObjectId resolveCommit(org.eclipse.jgit.lib.Repository repo, String revision) throws IOException
    {
        ObjectId id;
        try
        {
            id = repo.resolve(revision + "^{commit}");
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.AmbiguousObjectException
                 | MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e)
        {
            return null;
        }
        if (id == null)
        {
            return null;
        }
        try (RevWalk walk = new RevWalk(repo))
        {
            walk.parseCommit(id);
            return id;
        }
        catch (MissingObjectException e)
        {
            return null;
        }
    }

    private static List<CommitInput> walk(org.eclipse.jgit.lib.Repository repo, String repositoryName, ObjectId head,
                                          ObjectId base) throws IOException
    {
        List<CommitInput> commits = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo);
             DiffFormatter diffs = new DiffFormatter(DisabledOutputStream.INSTANCE))
        {
            diffs.setRepository(repo);
            diffs.setDetectRenames(false);
            walk.markStart(walk.parseCommit(head));
            if (base != null)
            {
                walk.markUninteresting(walk.parseCommit(base));
            }
            int limit = base == null ? COMMITS_WITHOUT_BASELINE : MAX_COMMITS_PER_RANGE + 1;
            for (RevCommit c : walk)
            {
                if (commits.size() == limit)
                {
                    break;
                }
                commits.add(toInput(repositoryName, c, filesChanged(diffs, c)));
            }
        }
        if (commits.size() > MAX_COMMITS_PER_RANGE)
        {
            throw new IllegalStateException("the range holds more than " + MAX_COMMITS_PER_RANGE + " commits");
        }
        return commits;
    }

    private static List<FileChange> filesChanged(DiffFormatter diffs, RevCommit commit) throws IOException
    {
        RevCommit parent = commit.getParentCount() > 0 ? commit.getParent(0) : null;
        List<FileChange> files = new ArrayList<>();
        for (DiffEntry entry : diffs.scan(parent == null ? null : parent.getTree(), commit.getTree()))
        {
            switch (entry.getChangeType())
            {
                case ADD, COPY -> files.add(new FileChange(entry.getNewPath(), ChangeType.A));
                case MODIFY -> files.add(new FileChange(entry.getNewPath(), ChangeType.M));
                case DELETE -> files.add(new FileChange(entry.getOldPath(), ChangeType.D));
                case RENAME ->
                {
                    files.add(new FileChange(entry.getOldPath(), ChangeType.D));
                    files.add(new FileChange(entry.getNewPath(), ChangeType.A));
                }
            }
        }
        return files;
    }

    private static CommitInput toInput(String repositoryName, RevCommit c, List<FileChange> files)
    {
        PersonIdent author = c.getAuthorIdent();
        return new CommitInput(c.getName(), repositoryName, c.getFullMessage(), author.getWhenAsInstant().toEpochMilli(),
                author.getName(), author.getEmailAddress(), files);
    }
}
