package io.crashfree.edge;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A real git repository the test makes with JGit (no git binary needed), for the node's repository integration to
 * read: commits with fixed authors and times, so that every run resolves the same ranges.
 */
final class TestGitRepository implements AutoCloseable
{
    private final Path work;
    private final Git git;
    private final List<String> shas = new ArrayList<>();

    private TestGitRepository(final Path work, final Git git)
    {
        this.work = work;
        this.git = git;
    }

    /**
     * @param work the working directory to create.
     * @return an empty repository on branch {@code main}.
     */
    static TestGitRepository init(final Path work) throws Exception
    {
        return new TestGitRepository(work, Git.init().setDirectory(work.toFile()).setInitialBranch("main").call());
    }

    /**
     * Commits one file's new content; odd commits by Dev One, even ones by Dev Two, a minute apart.
     *
     * @param path    the file.
     * @param content its new content.
     * @return the commit's sha.
     */
    String commit(final String path, final String content) throws Exception
    {
        return commit(path, content, "commit " + (shas.size() + 1) + ": " + path);
    }

    /**
     * Commits one file's new content with a message of the test's.
     *
     * @param path    the file.
     * @param content its new content.
     * @param message the commit message.
     * @return the commit's sha.
     */
    String commit(final String path, final String content, final String message) throws Exception
    {
        final int n = shas.size() + 1;
        final Path file = work.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        git.add().addFilepattern(path).call();
        return commitStaged(message, n);
    }

    /**
     * Removes a file in a commit.
     *
     * @param path the file.
     * @return the commit's sha.
     */
    String delete(final String path) throws Exception
    {
        git.rm().addFilepattern(path).call();
        return commitStaged("delete " + path, shas.size() + 1);
    }

    private String commitStaged(final String message, final int n) throws Exception
    {
        final PersonIdent who = new PersonIdent(n % 2 == 0 ? "Dev Two" : "Dev One",
            n % 2 == 0 ? "two@example.com" : "dev@example.com",
            Instant.ofEpochSecond(1_790_000_000L + n * 60L), ZoneOffset.UTC);
        final String sha = git.commit().setMessage(message).setAuthor(who).setCommitter(who).call().getName();
        shas.add(sha);
        return sha;
    }

    /**
     * @param n 1-based commit number.
     * @return the sha of the n-th commit.
     */
    String sha(final int n)
    {
        return shas.get(n - 1);
    }

    /** @return the shas of commits {@code from..to} (1-based, inclusive), newest first. */
    List<String> newestFirst(final int from, final int to)
    {
        final List<String> range = new ArrayList<>();
        for (int n = to; n >= from; n--)
        {
            range.add(sha(n));
        }
        return range;
    }

    /** @return the working directory (the node reads it in place). */
    Path path()
    {
        return work;
    }

    @Override
    public void close()
    {
        git.close();
    }
}
