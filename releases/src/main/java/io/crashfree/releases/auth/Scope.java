package io.crashfree.releases.auth;

/** Token scopes, with Sentry's names. */
public enum Scope
{
    /** Read the organization: releases, repositories, projects. */
    ORG_READ("org:read"),
    /** Read projects and their releases. */
    PROJECT_READ("project:read"),
    /** Create, change and delete releases, commits and deploys (and read them). */
    PROJECT_RELEASES("project:releases"),
    /** Read events (kept for the errors module; grants nothing here). */
    EVENT_READ("event:read");

    private final String wireName;

    Scope(String wireName)
    {
        this.wireName = wireName;
    }

    /**
     * The scope's name as Sentry writes it.
     *
     * @return e.g. {@code project:releases}
     */
    public String wireName()
    {
        return wireName;
    }

    /**
     * The scope with this name.
     *
     * @param name e.g. {@code org:read}
     * @return the scope, or {@code null} when unknown
     */
    public static Scope fromWireName(String name)
    {
        for (Scope scope : values())
        {
            if (scope.wireName.equals(name))
            {
                return scope;
            }
        }
        return null;
    }
}
