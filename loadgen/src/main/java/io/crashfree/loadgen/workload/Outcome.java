package io.crashfree.loadgen.workload;

/**
 * How a generated session ends, which is also the {@code session.status} group the sessions API counts it under
 * (reference §6.3): healthy (ended normally, no errors), errored (had handled errors), crashed, abnormal (ANR),
 * unhandled.
 */
public enum Outcome
{
    /** Ended normally without errors. */
    HEALTHY("healthy"),
    /** Ended normally after handled errors. */
    ERRORED("errored"),
    /** Ended by a crash. */
    CRASHED("crashed"),
    /** Ended abnormally (an ANR, {@code abnormal_mechanism: anr_foreground}). */
    ABNORMAL("abnormal"),
    /** Ended by an unhandled error that did not crash the app. */
    UNHANDLED("unhandled");

    private static final Outcome[] VALUES = values();

    private final String statusName;

    Outcome(final String statusName)
    {
        this.statusName = statusName;
    }

    /** @return the {@code session.status} value of the sessions API. */
    public String statusName()
    {
        return statusName;
    }

    /**
     * @param ordinal an ordinal.
     * @return the outcome (no array copy, unlike {@code values()}).
     */
    public static Outcome of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /**
     * @param name a {@code session.status} value.
     * @return the outcome, or null when the name is not one.
     */
    public static Outcome byStatusName(final String name)
    {
        for (final Outcome o : VALUES)
        {
            if (o.statusName.equals(name))
            {
                return o;
            }
        }
        return null;
    }
}
