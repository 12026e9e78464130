package io.crashfree.filters.useragent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A per-thread memory of what recent user agents were: family, major version and whether they are crawlers. User
 * agents repeat massively (Chrome's reduced agent is the same string for every Windows user of a version), so most
 * envelopes find their agent here and skip the scan. Not thread-safe: one per thread. Allocates nothing after
 * construction.
 * <p>
 * Direct-mapped: an agent's slot comes from a hash of its length and three 8-byte words (start, middle, end); a slot
 * holds a copy of the agent, compared in full on lookup (a vectorized {@link Arrays#equals} of the bytes), so a
 * collision only costs a miss. Results depend only on the agent's bytes, never on a project's settings.
 * <pre>
 *   agents:  byte[slots * MAX_AGENT_BYTES]   slot s holds its agent at s * MAX_AGENT_BYTES
 *   lengths: int[slots]                      -1 = empty
 *   results: long[slots]                     crawler bit 40 | family ordinal bits 32-39 | major version + 1 (32 bits)
 * </pre>
 */
public final class UserAgentCache
{
    /** Longest agent cached; longer ones are classified every time. */
    public static final int MAX_AGENT_BYTES = 512;
    /** What {@link #lookup} returns when the agent is not cached. */
    public static final long MISS = -1L;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final BrowserFamily[] FAMILIES = BrowserFamily.values();
    private static final long CRAWLER_BIT = 1L << 40;

    private final byte[] agents;
    private final int[] lengths;
    private final long[] results;
    private final int mask;

    /**
     * @param slots number of agents remembered; a power of two.
     */
    public UserAgentCache(final int slots)
    {
        if (Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        agents = new byte[slots * MAX_AGENT_BYTES];
        lengths = new int[slots];
        results = new long[slots];
        mask = slots - 1;
        Arrays.fill(lengths, -1);
    }

    /**
     * @param agent  the agent's bytes.
     * @param length number of bytes.
     * @return the packed result (see {@link #family(long)}, {@link #majorVersion(long)}, {@link #isCrawler(long)}),
     *         or {@link #MISS}.
     */
    public long lookup(final byte[] agent, final int length)
    {
        if (length > MAX_AGENT_BYTES)
        {
            return MISS;
        }
        final int slot = slot(agent, length);
        final int offset = slot * MAX_AGENT_BYTES;
        if (lengths[slot] == length && Arrays.equals(agents, offset, offset + length, agent, 0, length))
        {
            return results[slot];
        }
        return MISS;
    }

    /**
     * Remembers an agent's classification, replacing whatever shared its slot.
     *
     * @param agent        the agent's bytes.
     * @param length       number of bytes.
     * @param family       its family.
     * @param majorVersion its major version, or -1.
     * @param crawler      whether it is a crawler.
     * @return the packed result.
     */
    public long store(
        final byte[] agent, final int length, final BrowserFamily family, final int majorVersion, final boolean crawler)
    {
        final long result = (crawler ? CRAWLER_BIT : 0) | (long)family.ordinal() << 32 | (majorVersion + 1L);
        if (length <= MAX_AGENT_BYTES)
        {
            final int slot = slot(agent, length);
            System.arraycopy(agent, 0, agents, slot * MAX_AGENT_BYTES, length);
            lengths[slot] = length;
            results[slot] = result;
        }
        return result;
    }

    /**
     * @param result a packed result.
     * @return the family.
     */
    public static BrowserFamily family(final long result)
    {
        return FAMILIES[(int)(result >>> 32) & 0xFF];
    }

    /**
     * @param result a packed result.
     * @return the major version, or -1.
     */
    public static int majorVersion(final long result)
    {
        return (int)result - 1;
    }

    /**
     * @param result a packed result.
     * @return whether the agent is a crawler.
     */
    public static boolean isCrawler(final long result)
    {
        return (result & CRAWLER_BIT) != 0;
    }

    private int slot(final byte[] agent, final int length)
    {
        long h = length * 0x9E3779B97F4A7C15L;
        if (length >= 8)
        {
            h ^= (long)LONGS.get(agent, 0);
            h *= 0xC2B2AE3D27D4EB4FL;
            h ^= (long)LONGS.get(agent, (length >>> 1) - 4 >= 0 ? (length >>> 1) - 4 : 0);
            h *= 0xC2B2AE3D27D4EB4FL;
            h ^= (long)LONGS.get(agent, length - 8);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                h = (h ^ agent[i]) * 0xC2B2AE3D27D4EB4FL;
            }
        }
        h *= 0x9E3779B97F4A7C15L;
        return (int)(h >>> 40) & mask;
    }
}
