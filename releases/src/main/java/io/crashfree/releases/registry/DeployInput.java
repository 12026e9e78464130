package io.crashfree.releases.registry;

/**
 * The body of {@code POST …/releases/{version}/deploys/}.
 *
 * @param environment the environment; required
 * @param name the deploy's name, or {@code null}
 * @param url a link to it, or {@code null}
 * @param dateStartedMs when it started, or {@code null}
 * @param dateFinishedMs when it finished, or {@code null} for now
 */
public record DeployInput(String environment, String name, String url, Long dateStartedMs, Long dateFinishedMs)
{
}
