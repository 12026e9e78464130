package io.crashfree.aggregation.query;

/**
 * The {@code field} values of Sentry's sessions API that Crashfree answers.
 */
public enum SessionField
{
    /** Sessions started (init updates + aggregate totals). */
    SUM_SESSION("sum(session)", true),
    /** Distinct users. */
    COUNT_UNIQUE_USER("count_unique(user)", true),
    /** crashed / sessions. */
    CRASH_RATE_SESSION("crash_rate(session)", false),
    /** crashed users / users. */
    CRASH_RATE_USER("crash_rate(user)", false),
    /** 1 - crashed / sessions. */
    CRASH_FREE_RATE_SESSION("crash_free_rate(session)", false),
    /** 1 - crashed users / users. */
    CRASH_FREE_RATE_USER("crash_free_rate(user)", false),
    /** Users with an ANR / users. */
    ANR_RATE("anr_rate()", false),
    /** Users with a foreground ANR / users. */
    FOREGROUND_ANR_RATE("foreground_anr_rate()", false),
    /** Median terminal duration, ms. */
    P50_DURATION("p50(session.duration)", false),
    /** 75th percentile duration, ms. */
    P75_DURATION("p75(session.duration)", false),
    /** 90th percentile duration, ms. */
    P90_DURATION("p90(session.duration)", false),
    /** 95th percentile duration, ms. */
    P95_DURATION("p95(session.duration)", false),
    /** 99th percentile duration, ms. */
    P99_DURATION("p99(session.duration)", false),
    /** Mean duration, ms. */
    AVG_DURATION("avg(session.duration)", false),
    /** Longest duration, ms. */
    MAX_DURATION("max(session.duration)", false);

    private final String apiName;
    private final boolean count;

    SessionField(final String apiName, final boolean count)
    {
        this.apiName = apiName;
        this.count = count;
    }

    /** @return the name in the API ({@code sum(session)} …). */
    public String apiName()
    {
        return apiName;
    }

    /** @return whether the field is a count (integer, 0 when empty) rather than a rate or duration (null when empty). */
    public boolean isCount()
    {
        return count;
    }

    /** @return whether the field is a crash or ANR rate (cannot be grouped or filtered by session.status). */
    public boolean isRate()
    {
        return ordinal() >= CRASH_RATE_SESSION.ordinal() && ordinal() <= FOREGROUND_ANR_RATE.ordinal();
    }

    /** @return whether the field is a duration statistic. */
    public boolean isDuration()
    {
        return ordinal() >= P50_DURATION.ordinal();
    }

    /**
     * @param name an API name.
     * @return the field, or null when unknown.
     */
    public static SessionField fromApiName(final String name)
    {
        for (final SessionField f : values())
        {
            if (f.apiName.equals(name))
            {
                return f;
            }
        }
        return null;
    }
}
