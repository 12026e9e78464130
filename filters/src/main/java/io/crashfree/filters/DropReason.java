package io.crashfree.filters;

/**
 * Why a session (or a whole {@code sessions} item, or one of its aggregate entries) was dropped.
 * <p>
 * Every constant carries a stable {@link #metricName()} for {@code /metrics}: the five inbound-filter names are the
 * filter stat keys Sentry Relay uses ({@code relay-filter/src/common.rs}); the others name one validation rule each.
 * Ids are stable too: constants are only ever appended, so {@link #id()} can index a counter array.
 * <p>
 * Unit of counting: a dropped {@code session} item is one session; a dropped {@code sessions} item or aggregate entry
 * is the sessions it carried ({@code exited + errored + abnormal + unhandled + crashed}).
 */
public enum DropReason
{
    /** Inbound filter: the request's client IP is in the project's blocked addresses or CIDR blocks. */
    IP_ADDRESS("ip-address", true),
    /** Inbound filter: {@code attrs.release} matches one of the project's release globs. */
    RELEASE_VERSION("release-version", true),
    /** Inbound filter: {@code attrs.ip_address} is literally {@code 127.0.0.1} or {@code ::1}. */
    LOCALHOST("localhost", true),
    /** Inbound filter: the user agent is a browser older than the project's legacy-browser options allow. */
    LEGACY_BROWSERS("legacy-browsers", true),
    /** Inbound filter: the user agent is a known web crawler and not on the allow-list. */
    WEB_CRAWLERS("web-crawlers", true),
    /** Validation: {@code seq} is 2^64 - 1, which Relay reserves. */
    INVALID_SEQ("invalid-seq", false),
    /** Validation: {@code status} is not one of the protocol's names. */
    UNKNOWN_STATUS("unknown-status", false),
    /**
     * Validation: {@code attrs.release} is missing, empty, longer than 200 characters or 256 bytes, restricted or has a
     * bad byte.
     */
    INVALID_RELEASE("invalid-release", false),
    /** Validation: {@code started} is missing (the decoder normally refuses such an item first). */
    MISSING_STARTED("missing-started", false),
    /** Validation: {@code started}, after clock-drift correction, is older than the configured maximum age. */
    STARTED_TOO_OLD("started-too-old", false),
    /** Validation: {@code started}, after clock-drift correction, is further ahead than the configured maximum. */
    STARTED_IN_FUTURE("started-in-future", false),
    /** Validation: {@code timestamp}, after clock-drift correction, is further ahead than the configured maximum. */
    TIMESTAMP_IN_FUTURE("timestamp-in-future", false),
    /** Validation: a {@code sessions} item has no aggregate entry left (it had none, or every one was removed). */
    NO_AGGREGATES("no-aggregates", false);

    private static final DropReason[] VALUES = values();

    private final String metricName;
    private final boolean inboundFilter;

    DropReason(final String metricName, final boolean inboundFilter)
    {
        this.metricName = metricName;
        this.inboundFilter = inboundFilter;
    }

    /** @return the stable name used as the {@code reason} label on {@code /metrics}. */
    public String metricName()
    {
        return metricName;
    }

    /** @return true for the five inbound filters, false for validation failures. */
    public boolean isInboundFilter()
    {
        return inboundFilter;
    }

    /** @return a stable, dense id (0-based) for indexing per-reason counter arrays. */
    public int id()
    {
        return ordinal();
    }

    /** @return how many reasons there are: the length a per-reason counter array needs. */
    public static int count()
    {
        return VALUES.length;
    }

    /**
     * @param id a value of {@link #id()}.
     * @return the reason with that id.
     */
    public static DropReason fromId(final int id)
    {
        return VALUES[id];
    }
}
