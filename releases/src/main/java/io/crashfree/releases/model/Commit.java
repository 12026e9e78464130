package io.crashfree.releases.model;

import java.util.List;

/**
 * A commit associated with a release.
 *
 * @param id the commit's id (the sha for git)
 * @param repository the repository's name ({@code organization-<id>} when the client named none)
 * @param message the message, or {@code null}
 * @param timestampMs the commit time in epoch milliseconds, or {@code null}
 * @param author the author, or {@code null} when no email was given
 * @param patchSet the files it changed (empty when unknown)
 */
public record Commit(String id, String repository, String message, Long timestampMs, Author author,
                     List<FileChange> patchSet)
{
}
