package io.crashfree.filters.useragent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prefilter both user-agent scans share, and the index behind it.
 * <p>
 * A key is the low 7 bits of two adjacent bytes with bit 5 set (which folds ASCII letters to lower case): 14 bits.
 * Every word put in the index (a parser token, or the first three characters of a crawler pattern) is at least three
 * bytes long and both of its pairs, 0-1 and 1-2, are in a 2 KiB bitmap; so a scan that probes only the pairs at even
 * offsets ({@link #next}) still lands on one pair of every occurrence. On a hit, {@link #entries(int)} gives exactly
 * the words that have that pair and at which offset ({@code word << 1 | offset}), so the word can only start at the
 * hit or one byte before; the caller verifies it exactly. Bytes that alias under the folding (non-ASCII, {@code _},
 * DEL) only cost a failed check.
 * <pre>
 *   bitmap:  long[256]                       bit k set = some word has pair-key k at offset 0 or 1
 *   slots:   open addressing, power of two   key -> int[] { word << 1 | offset, ... }
 * </pre>
 */
final class PairIndex
{
    /** Longs in a bitmap: 2^14 bits. */
    static final int BITMAP_LONGS = (1 << 14) / 64;

    private final long[] bitmap = new long[BITMAP_LONGS];
    private final int[] slotKeys;
    private final int[][] slotEntries;
    private final int mask;

    /**
     * @param words the words, each at least three bytes; a word's number is its index.
     */
    PairIndex(final List<byte[]> words)
    {
        final Map<Integer, List<Integer>> byKey = new TreeMap<>();
        for (int w = 0; w < words.size(); w++)
        {
            final byte[] word = words.get(w);
            if (word.length < 3)
            {
                throw new IllegalArgumentException("a word must be at least three bytes: " + new String(word,
                    StandardCharsets.ISO_8859_1));
            }
            for (int offset = 0; offset < 2; offset++)
            {
                final int key = key(word[offset], word[offset + 1]);
                bitmap[key >>> 6] |= 1L << key;
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(w << 1 | offset);
            }
        }
        final int capacity = Integer.highestOneBit(Math.max(4, byKey.size() * 4) - 1) << 1;
        mask = capacity - 1;
        slotKeys = new int[capacity];
        slotEntries = new int[capacity][];
        Arrays.fill(slotKeys, -1);
        for (final Map.Entry<Integer, List<Integer>> e : byKey.entrySet())
        {
            int slot = hash(e.getKey()) & mask;
            while (slotKeys[slot] != -1)
            {
                slot = (slot + 1) & mask;
            }
            slotKeys[slot] = e.getKey();
            slotEntries[slot] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * @param b0 first byte.
     * @param b1 second byte.
     * @return the folded 14-bit key of the pair.
     */
    static int key(final int b0, final int b1)
    {
        return ((b0 | 0x20) & 0x7F) << 7 | ((b1 | 0x20) & 0x7F);
    }

    private static int hash(final int key)
    {
        return key * 0x9E3779B1 >>> 16;
    }

    /** @return the bitmap of every pair in the index. */
    long[] bitmap()
    {
        return bitmap;
    }

    /**
     * @param key a pair key.
     * @return {@code word << 1 | offset} of every word with that pair, or null.
     */
    int[] entries(final int key)
    {
        int slot = hash(key) & mask;
        int k;
        while ((k = slotKeys[slot]) != -1)
        {
            if (k == key)
            {
                return slotEntries[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    /**
     * The hot loop, kept free of calls so it compiles tight.
     *
     * @param bitmap the prefilter (one index's, or the union of several).
     * @param text   the bytes.
     * @param length number of bytes.
     * @param from   an even offset to start at.
     * @return the even offset of the next pair in the bitmap, or -1.
     */
    static int next(final long[] bitmap, final byte[] text, final int length, final int from)
    {
        for (int i = from; i + 1 < length; i += 2)
        {
            final int key = ((text[i] | 0x20) & 0x7F) << 7 | ((text[i + 1] | 0x20) & 0x7F);
            if ((bitmap[key >>> 6] & 1L << key) != 0)
            {
                return i;
            }
        }
        return -1;
    }
}
