package io.crashfree.filters.validate;

/**
 * The nil UUID, which SDKs send as a {@code did} when they have no user: it counts as an absent {@code did}. Both the
 * dashed ({@code 00000000-0000-0000-0000-000000000000}) and the plain 32-zero form are recognized.
 */
public final class NilUuid
{
    private static final int DASHED_LENGTH = 36;
    private static final int PLAIN_LENGTH = 32;

    private NilUuid()
    {
    }

    /**
     * @param chars  characters, as a JSON parser's text buffer exposes them.
     * @param offset first character.
     * @param length number of characters.
     * @return whether the window is the nil UUID.
     */
    public static boolean isNil(final char[] chars, final int offset, final int length)
    {
        if (length != DASHED_LENGTH && length != PLAIN_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (!isNilChar(chars[offset + i], i, length))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param bytes  UTF-8 bytes.
     * @param offset first byte.
     * @param length number of bytes.
     * @return whether the window is the nil UUID.
     */
    public static boolean isNil(final byte[] bytes, final int offset, final int length)
    {
        if (length != DASHED_LENGTH && length != PLAIN_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (!isNilChar((char)(bytes[offset + i] & 0xFF), i, length))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isNilChar(final char c, final int index, final int length)
    {
        final boolean dashPosition = length == DASHED_LENGTH &&
            (index == 8 || index == 13 || index == 18 || index == 23);
        return c == (dashPosition ? '-' : '0');
    }
}
