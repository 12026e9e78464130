package io.crashfree.aggregation.session;

/**
 * The optional {@code abnormal_mechanism} of a session update: why an abnormal session ended.
 */
public enum AbnormalMechanism
{
    /** Absent, null, or a value the protocol does not define. */
    NONE,
    /** Application not responding while in the foreground. */
    ANR_FOREGROUND,
    /** Application not responding while in the background. */
    ANR_BACKGROUND;

    /**
     * Matches a parser's character window without allocating.
     *
     * @param chars  characters.
     * @param offset first character.
     * @param length number of characters.
     * @return the mechanism; {@link #NONE} for anything unknown.
     */
    public static AbnormalMechanism fromChars(final char[] chars, final int offset, final int length)
    {
        if (SessionStatus.regionEquals("anr_foreground", chars, offset, length))
        {
            return ANR_FOREGROUND;
        }
        if (SessionStatus.regionEquals("anr_background", chars, offset, length))
        {
            return ANR_BACKGROUND;
        }
        return NONE;
    }
}
