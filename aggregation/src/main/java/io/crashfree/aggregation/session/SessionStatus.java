package io.crashfree.aggregation.session;

/**
 * The {@code status} of a session update, as the Sentry protocol names it.
 */
public enum SessionStatus
{
    /** The session is running. The protocol's default. */
    OK("ok"),
    /** Ended normally. */
    EXITED("exited"),
    /** Ended with an unhandled error. */
    CRASHED("crashed"),
    /** Ended without a clean shutdown (killed, ANR). */
    ABNORMAL("abnormal"),
    /** Ended normally with errors. */
    ERRORED("errored"),
    /** Had an unhandled error that did not crash it (Flutter). */
    UNHANDLED("unhandled"),
    /** A status this node does not know; validation drops such updates. */
    UNKNOWN("unknown");

    private static final SessionStatus[] VALUES = values();

    private final String wireName;

    SessionStatus(final String wireName)
    {
        this.wireName = wireName;
    }

    /** @return the protocol's name of the status. */
    public String wireName()
    {
        return wireName;
    }

    /** @return whether the status counts as an error (anything but ok and exited). */
    public boolean isError()
    {
        return this != OK && this != EXITED;
    }

    /**
     * Matches a parser's character window against the known names without allocating.
     *
     * @param chars  characters.
     * @param offset first character.
     * @param length number of characters.
     * @return the status, or {@link #UNKNOWN}.
     */
    public static SessionStatus fromChars(final char[] chars, final int offset, final int length)
    {
        for (final SessionStatus status : VALUES)
        {
            if (status != UNKNOWN && regionEquals(status.wireName, chars, offset, length))
            {
                return status;
            }
        }
        return UNKNOWN;
    }

    /**
     * Compares text with a parser's character window without allocating.
     *
     * @param s      the text.
     * @param chars  characters.
     * @param offset first character.
     * @param length number of characters.
     * @return whether they are equal.
     */
    public static boolean regionEquals(final String s, final char[] chars, final int offset, final int length)
    {
        if (s.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (s.charAt(i) != chars[offset + i])
            {
                return false;
            }
        }
        return true;
    }
}
