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

    private DevelopmentDefaults()
    {
    }
}
