package io.crashfree.releases.version;

/**
 * The rules a release version must follow at creation, each with the message a client sees when it breaks it.
 * Lengths count characters (Unicode code points), not bytes.
 */
public enum VersionRule
{
    /** The version is missing or empty. */
    EMPTY("release version must not be empty"),
    /** Longer than {@link #MAX_LENGTH_CHARACTERS}. */
    TOO_LONG("release version must be at most 200 characters"),
    /** {@code .} or {@code ..}. */
    RESTRICTED_NAME("release version must not be '.' or '..'"),
    /** Contains a newline (or carriage return). */
    NEWLINE("release version must not contain a newline"),
    /** Contains a tab. */
    TAB("release version must not contain a tab"),
    /** Contains a space. */
    SPACE("release version must not contain a space"),
    /** Contains a backslash. */
    BACKSLASH("release version must not contain a backslash");

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
        if (version.equals(".") || version.equals(".."))
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
                default ->
                {
                }
            }
        }
        return null;
    }
}
