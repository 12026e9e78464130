package io.crashfree.releases.model;

/**
 * One row of a release's files changed: a file and the commit that changed it.
 *
 * @param commitId the commit's id
 * @param repository the commit's repository
 * @param commitMessage the commit's message, or {@code null}
 * @param author the commit's author, or {@code null}
 * @param path the file's path
 * @param type how the commit changed it
 */
public record CommitFile(String commitId, String repository, String commitMessage, Author author, String path,
                         ChangeType type)
{
}
