package io.crashfree.releases.model;

/** A release's status as Sentry names it: {@code open}, or {@code archived} (hidden from lists by default). */
public enum ReleaseStatus
{
    /** Listed and in use. */
    OPEN("open"),
    /** Archived: kept, hidden from the default list. */
    ARCHIVED("archived");

    private final String wireName;

    ReleaseStatus(String wireName)
    {
        this.wireName = wireName;
    }

    /**
     * The name on the wire and in the database.
     *
     * @return {@code open} or {@code archived}
     */
    public String wireName()
    {
        return wireName;
    }

    /**
     * The status with this wire name.
     *
     * @param name {@code open} or {@code archived}
     * @return the status, or {@code null} when the name is neither
     */
    public static ReleaseStatus fromWireName(String name)
    {
        for (ReleaseStatus status : values())
        {
            if (status.wireName.equals(name))
            {
                return status;
            }
        }
        return null;
    }
}
