package io.crashfree.aggregation.sketch;

/**
 * The user sketches every aggregate key keeps, by index: what each counts (distinct {@code did} values). The live
 * records, the stored values and the query engines all number them this way.
 */
public final class UserSketches
{
    /** Number of user sketches per key. */
    public static final int SKETCHES = 7;
    /** All users. */
    public static final int SKETCH_USERS = 0;
    /** Users with a crashed session. */
    public static final int SKETCH_CRASHED_USERS = 1;
    /** Users with an abnormal session. */
    public static final int SKETCH_ABNORMAL_USERS = 2;
    /** Users with an errored session. */
    public static final int SKETCH_ERRORED_USERS = 3;
    /** Users with an unhandled session. */
    public static final int SKETCH_UNHANDLED_USERS = 4;
    /** Users with an ANR (abnormal with mechanism {@code anr_*}). */
    public static final int SKETCH_ANR_USERS = 5;
    /** Users with a foreground ANR. */
    public static final int SKETCH_FOREGROUND_ANR_USERS = 6;

    private UserSketches()
    {
    }
}
