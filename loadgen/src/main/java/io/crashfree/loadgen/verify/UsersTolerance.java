package io.crashfree.loadgen.verify;

/**
 * How far a distinct-user count may be from the truth: the relative error plus one user (the node rounds each estimate
 * to a whole user, and two users can share an HLL register), zero for zero, and exact below an optional threshold.
 * <p>
 * Why not exact for small counts by default: the node keeps a key's users as exact coupons only while one key (release,
 * environment, minute) has at most 16 of them (8 per status); past that the key's sketch is HLL registers, and a union
 * over such keys is an estimate even for a few dozen users. Measured against a node (1,800 values, 150 releases,
 * about 214 crashed users each): crashed-user counts came back +1 (77 times), -1 (19) and -2 (3), the other status
 * groups alike, and one key's 45 abnormal users came back as 43 in another run: HLL noise at lgK 15, skewed upward,
 * not lost users. 2% is the node's stated bound.
 *
 * @param relative   allowed relative error (e.g. 0.02); 0 makes every count exact.
 * @param exactBelow counts below this must be exact.
 */
public record UsersTolerance(double relative, long exactBelow)
{
    /** The default: within 2% plus one user; no exact range. */
    public static final UsersTolerance DEFAULT = new UsersTolerance(0.02, 0);

    /**
     * @param expected the true count.
     * @return the allowed absolute difference.
     */
    public double allowed(final long expected)
    {
        if (expected == 0 || expected < exactBelow || relative == 0)
        {
            return 0;
        }
        return Math.ceil(expected * relative) + 1;
    }
}
