package io.crashfree.filters.useragent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The per-thread agent cache: exact hits only, every result packed and unpacked without loss. */
class UserAgentCacheTest
{
    static Stream<Arguments> results()
    {
        final Stream.Builder<Arguments> rows = Stream.builder();
        for (final BrowserFamily family : BrowserFamily.values())
        {
            for (final int major : new int[] {-1, 0, 11, 131, 999_999_999})
            {
                for (final boolean crawler : new boolean[] {false, true})
                {
                    rows.add(Arguments.of(family, major, crawler));
                }
            }
        }
        return rows.build();
    }

    @ParameterizedTest(name = "{0} {1} crawler={2}")
    @MethodSource("results")
    void shouldReturnWhatWasStored(final BrowserFamily family, final int major, final boolean crawler)
    {
        final UserAgentCache cache = new UserAgentCache(16);
        final byte[] agent = utf8("Mozilla/5.0 (X11; Linux x86_64) Example/" + major);
        assertEquals(UserAgentCache.MISS, cache.lookup(agent, agent.length), "empty cache");
        cache.store(agent, agent.length, family, major, crawler);
        final long result = cache.lookup(agent, agent.length);
        assertEquals(family, UserAgentCache.family(result), "family");
        assertEquals(major, UserAgentCache.majorVersion(result), "major");
        assertEquals(crawler, UserAgentCache.isCrawler(result), "crawler");
    }

    @Test
    void shouldMissOnAnyDifferenceAndReplaceOnCollision()
    {
        final UserAgentCache cache = new UserAgentCache(1);
        final byte[] first = utf8(UserAgents.CHROME_131_WINDOWS);
        final byte[] second = utf8(UserAgents.CHROME_131_WINDOWS.replace("131.0.0.0", "131.0.0.1"));
        cache.store(first, first.length, BrowserFamily.CHROME, 131, false);
        assertEquals(UserAgentCache.MISS, cache.lookup(second, second.length), "one byte differs");
        assertEquals(UserAgentCache.MISS, cache.lookup(first, first.length - 1), "a prefix is another agent");
        cache.store(second, second.length, BrowserFamily.OTHER, -1, true);
        assertEquals(UserAgentCache.MISS, cache.lookup(first, first.length), "replaced by the colliding agent");
        assertEquals(BrowserFamily.OTHER, UserAgentCache.family(cache.lookup(second, second.length)));
    }

    @Test
    void shouldCacheShortAgentsAndNotOverlongOnes()
    {
        final UserAgentCache cache = new UserAgentCache(64);
        final byte[] shortAgent = utf8("curl");
        cache.store(shortAgent, shortAgent.length, BrowserFamily.UNKNOWN, -1, false);
        assertEquals(BrowserFamily.UNKNOWN, UserAgentCache.family(cache.lookup(shortAgent, shortAgent.length)));
        final byte[] empty = new byte[0];
        cache.store(empty, 0, BrowserFamily.UNKNOWN, -1, false);
        assertEquals(BrowserFamily.UNKNOWN, UserAgentCache.family(cache.lookup(empty, 0)));
        final byte[] overlong = utf8("x".repeat(UserAgentCache.MAX_AGENT_BYTES + 1));
        final long result = cache.store(overlong, overlong.length, BrowserFamily.OTHER, 3, true);
        assertEquals(UserAgentCache.MISS, cache.lookup(overlong, overlong.length), "not cached");
        assertEquals(3, UserAgentCache.majorVersion(result), "still packed for the caller");
    }

    @Test
    void shouldRefuseASizeThatIsNotAPowerOfTwo()
    {
        assertThrows(IllegalArgumentException.class, () -> new UserAgentCache(100));
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
