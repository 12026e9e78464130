package io.crashfree.aggregation.session;

import java.nio.charset.StandardCharsets;

/**
 * A reusable, bounded holder of UTF-8 text: release names, environments, user agents, IP addresses.
 * <p>
 * It keeps at most {@link #capacityBytes()} bytes but always remembers the full encoded length, so a validator can
 * tell "too long" from "fits" without the holder growing. Filling it from a parser's {@code char[]} window
 * allocates nothing.
 */
public final class Utf8Text
{
    private final byte[] bytes;
    private int lengthBytes;
    private boolean present;

    /**
     * @param capacityBytes the most bytes kept; longer text is truncated but its full length is recorded.
     */
    public Utf8Text(final int capacityBytes)
    {
        this.bytes = new byte[capacityBytes];
    }

    /** Marks the text absent (as if the field were missing or {@code null}). */
    public void clear()
    {
        lengthBytes = 0;
        present = false;
    }

    /**
     * Encodes a window of UTF-16 characters as UTF-8, as a parser's text buffer exposes them.
     *
     * @param chars  the characters.
     * @param offset first character.
     * @param length number of characters.
     */
    public void set(final char[] chars, final int offset, final int length)
    {
        final byte[] dst = bytes;
        final int capacity = dst.length;
        int n = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final char c = chars[i];
            if (c < 0x80)
            {
                if (n < capacity)
                {
                    dst[n] = (byte)c;
                }
                n++;
            }
            else if (c < 0x800)
            {
                n = put(dst, n, 0xC0 | (c >> 6));
                n = put(dst, n, 0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1]))
            {
                final int cp = Character.toCodePoint(c, chars[++i]);
                n = put(dst, n, 0xF0 | (cp >> 18));
                n = put(dst, n, 0x80 | ((cp >> 12) & 0x3F));
                n = put(dst, n, 0x80 | ((cp >> 6) & 0x3F));
                n = put(dst, n, 0x80 | (cp & 0x3F));
            }
            else
            {
                // An unpaired surrogate is encoded as U+FFFD, as String.getBytes(UTF_8) would encode '?'-like.
                final int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                n = put(dst, n, 0xE0 | (cp >> 12));
                n = put(dst, n, 0x80 | ((cp >> 6) & 0x3F));
                n = put(dst, n, 0x80 | (cp & 0x3F));
            }
        }
        lengthBytes = n;
        present = true;
    }

    private static int put(final byte[] dst, final int n, final int b)
    {
        if (n < dst.length)
        {
            dst[n] = (byte)b;
        }
        return n + 1;
    }

    /**
     * Sets the text from bytes that are already UTF-8.
     *
     * @param src    source bytes.
     * @param offset first byte.
     * @param length number of bytes.
     */
    public void setBytes(final byte[] src, final int offset, final int length)
    {
        System.arraycopy(src, offset, bytes, 0, Math.min(length, bytes.length));
        lengthBytes = length;
        present = true;
    }

    /** Copies another holder's state into this one. */
    public void copyFrom(final Utf8Text other)
    {
        System.arraycopy(other.bytes, 0, bytes, 0, Math.min(other.storedLength(), bytes.length));
        lengthBytes = other.lengthBytes;
        present = other.present;
    }

    /** @return whether the field was present and not {@code null}. */
    public boolean isPresent()
    {
        return present;
    }

    /** @return the full UTF-8 length of the text, which may exceed {@link #capacityBytes()}. */
    public int lengthBytes()
    {
        return lengthBytes;
    }

    /** @return whether the text was longer than the holder keeps. */
    public boolean isTruncated()
    {
        return lengthBytes > bytes.length;
    }

    /** @return how many bytes are actually stored. */
    public int storedLength()
    {
        return Math.min(lengthBytes, bytes.length);
    }

    /** @return the backing array; valid bytes are {@code [0, storedLength())}. */
    public byte[] bytes()
    {
        return bytes;
    }

    /** @return the most bytes this holder keeps. */
    public int capacityBytes()
    {
        return bytes.length;
    }

    /**
     * Compares the stored bytes with ASCII text, case-sensitively. Allocation-free.
     *
     * @param ascii the text to compare with.
     * @return true when present and equal.
     */
    public boolean contentEquals(final CharSequence ascii)
    {
        if (!present || lengthBytes != ascii.length() || isTruncated())
        {
            return false;
        }
        for (int i = 0; i < lengthBytes; i++)
        {
            if (bytes[i] != (byte)ascii.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** @return the stored text as a {@code String} (allocates: for tests, logs and the control plane), or null. */
    @Override
    public String toString()
    {
        return present ? new String(bytes, 0, storedLength(), StandardCharsets.UTF_8) : null;
    }
}
