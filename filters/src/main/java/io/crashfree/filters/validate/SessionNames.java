package io.crashfree.filters.validate;

/**
 * Release and environment names: what Sentry's release parser accepts, plus Crashfree's own stricter rules
 * (DESIGN.md §3).
 * <p>
 * A valid release is 1 to {@value #MAX_RELEASE_CHARACTERS} characters (Unicode code points, as the releases registry
 * counts them) and at most {@value #MAX_RELEASE_BYTES} UTF-8 bytes (what the fold's name table holds: every
 * release of 64 characters, and every ASCII or Latin release of 200, fits), is not {@code .}, {@code ..} or
 * {@code latest} in any case, and has no control character (0x00-0x1F), DEL, backslash, forward slash or space. A valid environment is at
 * most {@value #MAX_ENVIRONMENT_BYTES} bytes, not {@code .}, {@code ..} or {@code none} in any case, with the same
 * forbidden bytes.
 * <p>
 * Two decisions beyond Relay: spaces are forbidden (the product documentation forbids them; Relay's parser allows
 * them), and an empty release or environment is treated as missing (product code does the same; Relay's validator
 * would let an empty string through).
 */
public final class SessionNames
{
    /** Longest valid release, in characters (code points). */
    public static final int MAX_RELEASE_CHARACTERS = 200;
    /** Longest valid release, in UTF-8 bytes: the name table's room for a name. */
    public static final int MAX_RELEASE_BYTES = 256;
    /** Longest valid environment, in UTF-8 bytes. */
    public static final int MAX_ENVIRONMENT_BYTES = 64;

    /** Per byte: true when the byte may not appear in a release or environment name. */
    private static final boolean[] FORBIDDEN = new boolean[256];

    static
    {
        for (int b = 0; b < 0x20; b++)
        {
            FORBIDDEN[b] = true;
        }
        FORBIDDEN[0x7F] = true;
        FORBIDDEN['\\'] = true;
        FORBIDDEN['/'] = true;
        FORBIDDEN[' '] = true;
    }

    private SessionNames()
    {
    }

    /**
     * @param bytes  holder of the name; the first {@code min(length, bytes.length)} bytes are valid.
     * @param length full UTF-8 length of the name.
     * @return whether the release is valid.
     */
    public static boolean isValidRelease(final byte[] bytes, final int length)
    {
        if (length <= 0 || length > MAX_RELEASE_BYTES || length > bytes.length)
        {
            return false;
        }
        return codePoints(bytes, length) <= MAX_RELEASE_CHARACTERS && !hasForbiddenByte(bytes, length) &&
            !equalsIgnoreAsciiCase(bytes, length, ".") &&
            !equalsIgnoreAsciiCase(bytes, length, "..") &&
            !equalsIgnoreAsciiCase(bytes, length, "latest");
    }

    /**
     * @param bytes  holder of the name; the first {@code min(length, bytes.length)} bytes are valid.
     * @param length full UTF-8 length of the name.
     * @return whether the environment is valid (an invalid one is removed, the session kept).
     */
    public static boolean isValidEnvironment(final byte[] bytes, final int length)
    {
        if (length <= 0 || length > MAX_ENVIRONMENT_BYTES || length > bytes.length)
        {
            return false;
        }
        return !hasForbiddenByte(bytes, length) &&
            !equalsIgnoreAsciiCase(bytes, length, ".") &&
            !equalsIgnoreAsciiCase(bytes, length, "..") &&
            !equalsIgnoreAsciiCase(bytes, length, "none");
    }

    /** Code points of well-formed UTF-8 (the decoder checked it): every byte that is not a continuation byte. */
    private static int codePoints(final byte[] bytes, final int length)
    {
        int count = 0;
        for (int i = 0; i < length; i++)
        {
            if ((bytes[i] & 0xC0) != 0x80)
            {
                count++;
            }
        }
        return count;
    }

    private static boolean hasForbiddenByte(final byte[] bytes, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (FORBIDDEN[bytes[i] & 0xFF])
            {
                return true;
            }
        }
        return false;
    }

    private static boolean equalsIgnoreAsciiCase(final byte[] bytes, final int length, final String lowerAscii)
    {
        if (length != lowerAscii.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            int b = bytes[i];
            if (b >= 'A' && b <= 'Z')
            {
                b += 'a' - 'A';
            }
            if (b != lowerAscii.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
