package io.crashfree.edge.config;

/**
 * The secrets {@code conf/crashfree.properties} ships with so that {@code bin/crashfree run} works at once: known to
 * everyone who has the repository, so a node that uses them says so at start-up (and may print them, they being no
 * secret); any other key or token is masked in the log. {@code ConfigLoaderTest} checks the file against these.
 */
public final class DevelopmentDefaults
{
    /** {@code project.1.keys} in the shipped configuration. */
    public static final String PUBLIC_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    /** {@code query.tokens} in the shipped configuration. */
    public static final String QUERY_TOKEN = "crashfree-dev-read-token-change-me";

    /**
     * The releases API token ({@code auth.token.dev.value}) a node has when none is configured: {@code sentry-cli}
     * works against a fresh node with it. Printed by the banner as a development default.
     */
    public static final String RELEASE_TOKEN = "crashfree-dev-release-token-change-me";

    /** The development release token's scopes ({@code auth.token.dev.scopes}). */
    public static final String RELEASE_TOKEN_SCOPES = "org:read, project:read, project:releases";

    private DevelopmentDefaults()
    {
    }
}
