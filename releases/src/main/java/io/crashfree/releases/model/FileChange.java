package io.crashfree.releases.model;

/**
 * One file a commit changed.
 *
 * @param path the path inside the repository, with {@code /} separators
 * @param type how it changed
 */
public record FileChange(String path, ChangeType type)
{
}
