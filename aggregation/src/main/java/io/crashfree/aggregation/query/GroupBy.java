package io.crashfree.aggregation.query;

/**
 * The {@code groupBy} values of Sentry's sessions API.
 */
public enum GroupBy
{
    /** By project id. */
    PROJECT("project"),
    /** By release. */
    RELEASE("release"),
    /** By environment. */
    ENVIRONMENT("environment"),
    /** By session status: healthy, errored, crashed, abnormal, unhandled. */
    SESSION_STATUS("session.status");

    private final String apiName;

    GroupBy(final String apiName)
    {
        this.apiName = apiName;
    }

    /** @return the API name. */
    public String apiName()
    {
        return apiName;
    }

    /**
     * @param name an API name.
     * @return the grouping, or null when unknown.
     */
    public static GroupBy fromApiName(final String name)
    {
        for (final GroupBy g : values())
        {
            if (g.apiName.equals(name))
            {
                return g;
            }
        }
        return null;
    }
}
