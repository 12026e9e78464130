package io.crashfree.releases.registry;

/**
 * A commit range the node resolves itself ({@code refs[]} of a release).
 *
 * @param repository a configured repository's name
 * @param commit the newest commit of the release
 * @param previousCommit the last commit of the previous release, or {@code null} to use the registry's baseline
 */
public record RefInput(String repository, String commit, String previousCommit)
{
}
