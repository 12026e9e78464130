package io.crashfree.releases.model;

/**
 * A repository the node reads commits from, configured as {@code repository.<id>.name} and
 * {@code repository.<id>.url}.
 *
 * @param id the configuration id
 * @param name the name clients use in refs, e.g. {@code acme/app}
 * @param url a git URL the node can fetch or a local path it can read
 */
public record Repository(String id, String name, String url)
{
}
