package io.crashfree.releases.version;

/**
 * The rules a release version must follow at creation, each with the message a client sees when it breaks it.
 * Lengths count characters (Unicode code points), not bytes. They are the session side's rules too (the filters'
 * {@code SessionNames}), so that a release the registry accepts is one whose sessions count: Sentry's Releases page
 * names newline, tab, space, backslash, {@code .}, {@code ..} and 200 characters; Sentry and Relay also refuse a
 * forward slash, other control characters and {@code latest}, and so does Crashfree.
 */
public enum VersionRule
{
    /** The version is missing or empty. */
    EMPTY("release version must not be empty"),
    /** Longer than {@link #MAX_LENGTH_CHARACTERS}. */
    TOO_LONG("release version must be at most 200 characters"),
    /** {@code .}, {@code ..} or {@code latest} in any case. */
    RESTRICTED_NAME("release version must not be '.', '..' or 'latest'"),
    /** Contains a newline (or carriage return). */
    NEWLINE("release version must not contain a newline"),
    /** Contains a tab. */
    TAB("release version must not contain a tab"),
    /** Contains a space. */
    SPACE("release version must not contain a space"),
    /** Contains a backslash. */
    BACKSLASH("release version must not contain a backslash"),
    /** Contains a forward slash. */
    SLASH("release version must not contain a forward slash (sessions naming it would be dropped)"),
    /** Contains another control character or DEL. */
    CONTROL("release version must not contain a control character");

    /** The longest version, in characters. */
    public static final int MAX_LENGTH_CHARACTERS = 200;

    private final String message;

    VersionRule(String message)
    {
        this.message = message;
    }

    /**
     * The message naming the rule.
     *
     * @return e.g. {@code release version must not contain a tab}
     */
    public String message()
    {
        return message;
    }

    /**
     * The first rule {@code version} breaks.
     *
     * @param version the candidate version
     * @return the broken rule, or {@code null} when the version is valid
     */
    public static VersionRule firstBroken(String version)
    {
        if (version == null || version.isEmpty())
        {
            return EMPTY;
        }
        if (version.codePointCount(0, version.length()) > MAX_LENGTH_CHARACTERS)
        {
            return TOO_LONG;
        }
        if (version.equals(".") || version.equals("..") || version.equalsIgnoreCase("latest"))
        {
            return RESTRICTED_NAME;
        }
        for (int i = 0; i < version.length(); i++)
        {
            switch (version.charAt(i))
            {
                case '\n', '\r' ->
                {
                    return NEWLINE;
                }
                case '\t' ->
                {
                    return TAB;
                }
                case ' ' ->
                {
                    return SPACE;
                }
                case '\\' ->
                {
                    return BACKSLASH;
                }
                case '/' ->
                {
                    return SLASH;
                }
                default ->
                {
                    if (version.charAt(i) < 0x20 || version.charAt(i) == 0x7F)
                    {
                        return CONTROL;
                    }
                }
            }
        }
        return null;
    }
}
