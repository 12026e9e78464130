package io.crashfree.releases.model;

/**
 * A deploy of a release to an environment.
 *
 * @param id the deploy's id
 * @param environment the environment deployed to
 * @param name the deploy's name, or {@code null}
 * @param url a link to the deploy (a CI job), or {@code null}
 * @param dateStartedMs when it started, or {@code null}
 * @param dateFinishedMs when it finished
 */
public record Deploy(long id, String environment, String name, String url, Long dateStartedMs, long dateFinishedMs)
{
}
