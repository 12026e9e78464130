package io.crashfree.releases.registry;

import io.crashfree.releases.model.FileChange;
import java.util.List;

/**
 * A commit as a client sends it ({@code commits[]} of a release).
 *
 * @param id the commit id; required
 * @param repository the repository's name, or {@code null} for the organization's default
 * @param message the message, or {@code null}
 * @param timestampMs the commit time, or {@code null}
 * @param authorName the author's name, or {@code null}
 * @param authorEmail the author's email, or {@code null} (then the commit has no author)
 * @param patchSet the files changed, or {@code null} when not given
 */
public record CommitInput(String id, String repository, String message, Long timestampMs, String authorName,
                          String authorEmail, List<FileChange> patchSet)
{
}
