package io.crashfree.loadgen.workload;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that envelopes and HTTP heads are written into: ASCII literals, decimal and hex numbers,
 * RFC 3339 timestamps. Reused for every request of its thread, so writing allocates nothing once it has grown.
 */
public final class ByteWriter
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;

    /** @param initialCapacity initial size in bytes. */
    public ByteWriter(final int initialCapacity)
    {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Forgets the content, keeps the array. */
    public void clear()
    {
        length = 0;
    }

    /** @return the backing array; valid bytes are {@code [0, length())}. */
    public byte[] array()
    {
        return bytes;
    }

    /** @return bytes written. */
    public int length()
    {
        return length;
    }

    /** @return a copy of the content as a string (tests and diagnostics). */
    @Override
    public String toString()
    {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * @param minCapacity bytes needed in total.
     */
    public void ensureCapacity(final int minCapacity)
    {
        if (minCapacity > bytes.length)
        {
            bytes = Arrays.copyOf(bytes, Math.max(minCapacity, bytes.length * 2));
        }
    }

    /**
     * @param b one byte.
     * @return this.
     */
    public ByteWriter put(final byte b)
    {
        ensureCapacity(length + 1);
        bytes[length++] = b;
        return this;
    }

    /**
     * @param src bytes to append.
     * @return this.
     */
    public ByteWriter put(final byte[] src)
    {
        return put(src, 0, src.length);
    }

    /**
     * @param src    source array.
     * @param offset first byte.
     * @param count  number of bytes.
     * @return this.
     */
    public ByteWriter put(final byte[] src, final int offset, final int count)
    {
        ensureCapacity(length + count);
        System.arraycopy(src, offset, bytes, length, count);
        length += count;
        return this;
    }

    /**
     * @param other another writer whose content is appended.
     * @return this.
     */
    public ByteWriter put(final ByteWriter other)
    {
        return put(other.bytes, 0, other.length);
    }

    /**
     * @param value a non-negative or negative decimal number.
     * @return this.
     */
    public ByteWriter putLong(final long value)
    {
        if (value < 0)
        {
            if (value == Long.MIN_VALUE)
            {
                return put("-9223372036854775808".getBytes(StandardCharsets.US_ASCII));
            }
            put((byte)'-');
            return putLong(-value);
        }
        final int digits = digits(value);
        ensureCapacity(length + digits);
        long v = value;
        for (int i = length + digits - 1; i >= length; i--)
        {
            bytes[i] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        length += digits;
        return this;
    }

    /**
     * @param value  a non-negative number.
     * @param digits how many digits to write, zero-padded on the left (excess high digits are dropped).
     * @return this.
     */
    public ByteWriter putPadded(final long value, final int digits)
    {
        ensureCapacity(length + digits);
        long v = value;
        for (int i = length + digits - 1; i >= length; i--)
        {
            bytes[i] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        length += digits;
        return this;
    }

    /**
     * @param value 64 bits written as 16 lowercase hex characters.
     * @return this.
     */
    public ByteWriter putHex64(final long value)
    {
        ensureCapacity(length + 16);
        for (int i = 15; i >= 0; i--)
        {
            bytes[length + i] = HEX[(int)((value >>> ((15 - i) * 4)) & 0xF)];
        }
        length += 16;
        return this;
    }

    /**
     * @param value a non-negative number written in hex, no padding (chunk sizes).
     * @return this.
     */
    public ByteWriter putHex(final int value)
    {
        if (value == 0)
        {
            return put((byte)'0');
        }
        final int nibbles = (35 - Integer.numberOfLeadingZeros(value)) / 4;
        ensureCapacity(length + nibbles);
        for (int i = nibbles - 1; i >= 0; i--)
        {
            bytes[length++] = HEX[(value >>> (i * 4)) & 0xF];
        }
        return this;
    }

    /**
     * @param millis a non-negative duration in milliseconds, written as seconds with three decimals ({@code 0.064}).
     * @return this.
     */
    public ByteWriter putMillisAsSeconds(final long millis)
    {
        putLong(millis / 1000);
        put((byte)'.');
        return putPadded(millis % 1000, 3);
    }

    /**
     * @param epochMs a time, written as RFC 3339 UTC with milliseconds ({@code 2026-11-25T11:28:35.179Z}).
     * @return this.
     */
    public ByteWriter putTimestamp(final long epochMs)
    {
        ensureCapacity(length + Iso8601.LENGTH);
        Iso8601.write(epochMs, bytes, length);
        length += Iso8601.LENGTH;
        return this;
    }

    private static int digits(final long value)
    {
        int d = 1;
        long v = value;
        while (v >= 10)
        {
            v /= 10;
            d++;
        }
        return d;
    }
}
