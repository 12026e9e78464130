package io.crashfree.aggregation.session;

import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.memory.MurmurHash3v2;

/**
 * Hashes session and user identifiers once, while they are parsed, with the same function and seed that
 * Apache DataSketches' {@code HllSketch.update(byte[])} uses (MurmurHash3 x64 128, seed 9001).
 * <p>
 * A hash computed here therefore feeds the library's sketches unchanged. One instance per thread: it wraps a
 * scratch array once and reuses its output array, so hashing allocates nothing.
 */
public final class IdHash
{
    /** DataSketches' default update seed. */
    public static final long DEFAULT_UPDATE_SEED = 9001L;

    private final byte[] scratch;
    private final Memory scratchMemory;
    private final long[] hashOut = new long[2];

    /**
     * @param capacityBytes the longest identifier hashed in full; longer ones are hashed on this prefix plus length.
     */
    public IdHash(final int capacityBytes)
    {
        scratch = new byte[capacityBytes];
        scratchMemory = Memory.wrap(scratch);
    }

    /** @return the scratch array a caller fills before {@link #hashScratch(int)}. */
    public byte[] scratch()
    {
        return scratch;
    }

    /**
     * Hashes the first {@code lengthBytes} of the scratch array.
     *
     * @param lengthBytes bytes to hash, at most the scratch capacity.
     * @return the two 64-bit halves, valid until the next call: {@code [0]} low, {@code [1]} high.
     */
    public long[] hashScratch(final int lengthBytes)
    {
        return MurmurHash3v2.hash(scratchMemory, 0, lengthBytes, DEFAULT_UPDATE_SEED, hashOut);
    }

    /**
     * Encodes a parser's character window as UTF-8 into the scratch array and hashes it.
     *
     * @param chars  characters.
     * @param offset first character.
     * @param length number of characters.
     * @return the hash halves, valid until the next call.
     */
    public long[] hashChars(final char[] chars, final int offset, final int length)
    {
        final byte[] dst = scratch;
        final int capacity = dst.length;
        int n = 0;
        for (int i = offset, end = offset + length; i < end && n < capacity - 3; i++)
        {
            final char c = chars[i];
            if (c < 0x80)
            {
                dst[n++] = (byte)c;
            }
            else if (c < 0x800)
            {
                dst[n++] = (byte)(0xC0 | (c >> 6));
                dst[n++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1]))
            {
                final int cp = Character.toCodePoint(c, chars[++i]);
                dst[n++] = (byte)(0xF0 | (cp >> 18));
                dst[n++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                dst[n++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                dst[n++] = (byte)(0x80 | (cp & 0x3F));
            }
            else
            {
                final int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                dst[n++] = (byte)(0xE0 | (cp >> 12));
                dst[n++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                dst[n++] = (byte)(0x80 | (cp & 0x3F));
            }
        }
        return hashScratch(n);
    }
}
