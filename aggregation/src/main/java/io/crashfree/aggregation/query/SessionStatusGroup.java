package io.crashfree.aggregation.query;

/**
 * The values of the {@code session.status} group: every session is in exactly one (the groups add up to the total).
 */
public enum SessionStatusGroup
{
    /** Sessions without errors. */
    HEALTHY,
    /** Sessions with errors that did not crash, end abnormally or have unhandled errors. */
    ERRORED,
    /** Crashed sessions. */
    CRASHED,
    /** Sessions that ended abnormally. */
    ABNORMAL,
    /** Sessions with unhandled errors that did not crash. */
    UNHANDLED;

    /** @return the API value ({@code healthy} …). */
    public String apiName()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @param name an API value.
     * @return the status group, or null.
     */
    public static SessionStatusGroup fromApiName(final String name)
    {
        for (final SessionStatusGroup s : values())
        {
            if (s.apiName().equals(name))
            {
                return s;
            }
        }
        return null;
    }
}
