package io.crashfree.loadgen.http;

import java.util.zip.CRC32;

/**
 * A small gzip (RFC 1952) encoder for envelopes of a few KiB: greedy LZ77 over a 4,096-slot hash of 3-byte prefixes and
 * one DEFLATE block with the fixed Huffman codes (RFC 1951 §3.2.6).
 * <p>
 * Why not {@link java.util.zip.Deflater}: it clears its 64 KiB hash table for every message, so a 547-byte envelope
 * costs 12-20 µs at any level on this 2-core machine (2 µs when the table is not cleared), which would make the load
 * generator, not the node, the bottleneck of a gzip run. This encoder takes about a third of that in the same runs
 * (5-7 µs) and compresses the Java SDK's session envelopes to about 78% of their size (zlib: 65%), so the node still
 * inflates real Huffman codes and back-references. The hash table is never cleared: entries carry an absolute
 * position, and positions from earlier messages are simply too far back to match.
 * <p>
 * One encoder per thread; not thread-safe.
 */
public final class GzipEncoder
{
    private static final int HASH_BITS = 12;
    private static final int HASH_SIZE = 1 << HASH_BITS;
    private static final int WINDOW = 32 * 1024;
    private static final int MIN_MATCH = 3;
    private static final int MAX_MATCH = 258;
    private static final int MAX_INPUT = 1 << 20;

    /** Length symbol 257..285 per match length 3..258, and its extra bits. */
    private static final int[] LENGTH_CODE = new int[MAX_MATCH + 1];
    private static final int[] LENGTH_EXTRA_BITS = new int[MAX_MATCH + 1];
    private static final int[] LENGTH_EXTRA = new int[MAX_MATCH + 1];
    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
        67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LENGTH_BITS = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
        5, 5, 5, 5, 0};
    private static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
        769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    private static final int[] DIST_BITS = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
        11, 11, 12, 12, 13, 13};
    /** Fixed Huffman code of each literal/length symbol, bit-reversed for LSB-first output, and its length. */
    private static final int[] LITLEN_CODE = new int[288];
    private static final int[] LITLEN_LEN = new int[288];
    /** Fixed 5-bit distance codes, bit-reversed. */
    private static final int[] DIST_CODE = new int[30];

    static
    {
        for (int sym = 0; sym < 288; sym++)
        {
            final int code;
            final int len;
            if (sym < 144)
            {
                code = 0x30 + sym;
                len = 8;
            }
            else if (sym < 256)
            {
                code = 0x190 + sym - 144;
                len = 9;
            }
            else if (sym < 280)
            {
                code = sym - 256;
                len = 7;
            }
            else
            {
                code = 0xC0 + sym - 280;
                len = 8;
            }
            LITLEN_CODE[sym] = Integer.reverse(code) >>> (32 - len);
            LITLEN_LEN[sym] = len;
        }
        for (int d = 0; d < 30; d++)
        {
            DIST_CODE[d] = Integer.reverse(d) >>> 27;
        }
        for (int i = 0; i < LENGTH_BASE.length; i++)
        {
            final int end = i + 1 < LENGTH_BASE.length ? LENGTH_BASE[i + 1] : MAX_MATCH + 1;
            for (int len = LENGTH_BASE[i]; len < end && len <= MAX_MATCH; len++)
            {
                LENGTH_CODE[len] = 257 + i;
                LENGTH_EXTRA_BITS[len] = LENGTH_BITS[i];
                LENGTH_EXTRA[len] = len - LENGTH_BASE[i];
            }
        }
        // 258 has its own code (285) with no extra bits; 227..257 use 284.
        LENGTH_CODE[MAX_MATCH] = 285;
        LENGTH_EXTRA_BITS[MAX_MATCH] = 0;
        LENGTH_EXTRA[MAX_MATCH] = 0;
    }

    private final int[] head = new int[HASH_SIZE];
    private final CRC32 crc = new CRC32();
    /** Absolute position of input byte 0 of the current message; grows so stale hash entries never match. */
    private int base = WINDOW + 1;
    private byte[] out = new byte[4096];
    private int outPos;
    private long bitBuffer;
    private int bitCount;

    /**
     * Compresses {@code input[0, length)} into a complete gzip member.
     *
     * @param input  bytes to compress.
     * @param length how many.
     * @return the number of bytes written to {@link #output()}.
     */
    public int encode(final byte[] input, final int length)
    {
        if (length > MAX_INPUT)
        {
            throw new IllegalArgumentException("gzip encoder input over " + MAX_INPUT + " bytes: " + length);
        }
        if (base > Integer.MAX_VALUE - 2 * MAX_INPUT - WINDOW)
        {
            java.util.Arrays.fill(head, 0);
            base = WINDOW + 1;
        }
        final int worstCase = 18 + length + length / 8 + 16;
        if (out.length < worstCase)
        {
            out = new byte[worstCase];
        }
        outPos = 0;
        bitBuffer = 0;
        bitCount = 0;
        // Header: magic, CM=deflate, no flags, no mtime, XFL=0, OS=255 (unknown).
        out[outPos++] = 0x1f;
        out[outPos++] = (byte)0x8b;
        out[outPos++] = 8;
        for (int i = 0; i < 6; i++)
        {
            out[outPos++] = 0;
        }
        out[outPos++] = (byte)0xff;

        writeBits(1, 1); // BFINAL
        writeBits(1, 2); // BTYPE = 01, fixed Huffman
        int i = 0;
        while (i < length)
        {
            int matchLength = 0;
            int distance = 0;
            if (i + MIN_MATCH <= length)
            {
                final int h = hash(input, i);
                final int candidate = head[h] - base;
                head[h] = base + i;
                if (candidate >= 0 && i - candidate <= WINDOW && candidate < i)
                {
                    final int max = Math.min(MAX_MATCH, length - i);
                    int n = 0;
                    while (n < max && input[candidate + n] == input[i + n])
                    {
                        n++;
                    }
                    if (n >= MIN_MATCH)
                    {
                        matchLength = n;
                        distance = i - candidate;
                    }
                }
            }
            if (matchLength == 0)
            {
                final int sym = input[i] & 0xFF;
                writeBits(LITLEN_CODE[sym], LITLEN_LEN[sym]);
                i++;
            }
            else
            {
                final int sym = LENGTH_CODE[matchLength];
                writeBits(LITLEN_CODE[sym], LITLEN_LEN[sym]);
                writeBits(LENGTH_EXTRA[matchLength], LENGTH_EXTRA_BITS[matchLength]);
                final int d = distanceCode(distance);
                writeBits(DIST_CODE[d], 5);
                writeBits(distance - DIST_BASE[d], DIST_BITS[d]);
                // Index the positions the match covered (cheap at these sizes, and it finds later repeats).
                final int end = Math.min(i + matchLength, length - MIN_MATCH + 1);
                for (int p = i + 1; p < end; p++)
                {
                    head[hash(input, p)] = base + p;
                }
                i += matchLength;
            }
        }
        writeBits(LITLEN_CODE[256], LITLEN_LEN[256]); // end of block
        if (bitCount > 0)
        {
            writeBits(0, (8 - bitCount % 8) % 8);
        }
        flushBits();

        crc.reset();
        crc.update(input, 0, length);
        final long c = crc.getValue();
        putIntLe((int)c);
        putIntLe(length);
        base += length + WINDOW + 1;
        return outPos;
    }

    /** @return the buffer holding the last {@link #encode} result, from index 0. */
    public byte[] output()
    {
        return out;
    }

    private static int hash(final byte[] b, final int i)
    {
        final int v = (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
        return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
    }

    private static int distanceCode(final int distance)
    {
        int lo = 0;
        int hi = DIST_BASE.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi + 1) >>> 1;
            if (DIST_BASE[mid] <= distance)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** @param value fits in {@code count} bits (every caller passes a code or an extra value of that width). */
    private void writeBits(final int value, final int count)
    {
        bitBuffer |= ((long)value) << bitCount;
        bitCount += count;
        if (bitCount >= 32)
        {
            flushBits();
        }
    }

    private void flushBits()
    {
        while (bitCount >= 8)
        {
            out[outPos++] = (byte)bitBuffer;
            bitBuffer >>>= 8;
            bitCount -= 8;
        }
    }

    private void putIntLe(final int v)
    {
        out[outPos++] = (byte)v;
        out[outPos++] = (byte)(v >>> 8);
        out[outPos++] = (byte)(v >>> 16);
        out[outPos++] = (byte)(v >>> 24);
    }
}
