package io.crashfree.edge.registry;

import io.crashfree.aggregation.query.ReleaseHealthEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release list's health cache against its stated staleness: every answer is one the uncached read gave at most
 * {@code freshMs} ago (served as is), at most {@code 3 × freshMs} ago (served while one refresh runs), or now.
 */
@Timeout(10)
class ReleaseHealthCacheTest
{
    private static final long FRESH_MS = 5_000;
    private static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % 3_600_000 + 60_000; // a minute in

    /** The uncached read: a new answer each time, naming when it was read. */
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong clock = new AtomicLong(T0);
    private final List<Runnable> refreshes = new ArrayList<>();

    private List<ReleaseHealthEngine.Release> read(final long nowMs)
    {
        reads.incrementAndGet();
        return List.of(new ReleaseHealthEngine.Release("app@" + nowMs, nowMs, nowMs, List.of()));
    }

    private List<ReleaseHealthEngine.Release> get(final ReleaseHealthCache cache, final long nowMs)
    {
        clock.set(nowMs);
        return cache.get(List.of(1L), Set.of(), 14 * 86_400, true, nowMs, this::read);
    }

    private static long readAt(final List<ReleaseHealthEngine.Release> answer)
    {
        return answer.get(0).firstSeenMs();
    }

    @Test
    void shouldReadOnEveryRequestWhenOff()
    {
        final ReleaseHealthCache cache = new ReleaseHealthCache(0, clock::get, refreshes::add);
        assertEquals(T0, readAt(get(cache, T0)));
        assertEquals(T0 + 1, readAt(get(cache, T0 + 1)));
        assertEquals(2, reads.get());
        assertTrue(refreshes.isEmpty());
    }

    @Test
    void shouldServeTheSameReadWhileFresh()
    {
        final ReleaseHealthCache cache = new ReleaseHealthCache(FRESH_MS, clock::get, refreshes::add);
        final List<ReleaseHealthEngine.Release> first = get(cache, T0);
        assertSame(first, get(cache, T0 + FRESH_MS - 1));
        assertEquals(1, reads.get());
        assertTrue(refreshes.isEmpty(), "no refresh while fresh");
    }

    @Test
    void shouldServeTheOldReadOnceStaleAndRefreshItOffTheRequestOnce()
    {
        final ReleaseHealthCache cache = new ReleaseHealthCache(FRESH_MS, clock::get, refreshes::add);
        get(cache, T0);
        final long stale = T0 + FRESH_MS + 100;
        assertEquals(T0, readAt(get(cache, stale)), "served as it is, within 3 x freshMs");
        assertEquals(T0, readAt(get(cache, stale + 10)), "still the old read while the refresh is pending");
        assertEquals(1, refreshes.size(), "one refresh, not one per request");
        assertEquals(1, reads.get(), "no read in the request");

        clock.set(stale + 20);
        refreshes.get(0).run();
        assertEquals(stale + 20, readAt(get(cache, stale + 30)), "the refreshed read");
        assertEquals(2, reads.get());
    }

    @Test
    void shouldReadInTheRequestWhenTheEntryIsOlderThanThreeTimesFresh()
    {
        final ReleaseHealthCache cache = new ReleaseHealthCache(FRESH_MS, clock::get, refreshes::add);
        get(cache, T0);
        final long late = T0 + 3 * FRESH_MS;
        assertEquals(late, readAt(get(cache, late)));
        assertEquals(2, reads.get());
        assertTrue(refreshes.isEmpty());
    }

    @Test
    void shouldKeepParametersAndHoursApart()
    {
        final ReleaseHealthCache cache = new ReleaseHealthCache(FRESH_MS, clock::get, refreshes::add);
        get(cache, T0);
        cache.get(List.of(1L), Set.of("production"), 14 * 86_400, true, T0, this::read);
        cache.get(List.of(1L), Set.of(), 86_400, true, T0, this::read);
        cache.get(List.of(1L), Set.of(), 14 * 86_400, false, T0, this::read);
        cache.get(List.of(1L, 2L), Set.of(), 14 * 86_400, true, T0, this::read);
        assertEquals(5, reads.get(), "one read per distinct parameters");
        final long nextHour = T0 - T0 % 3_600_000 + 3_600_000;
        assertEquals(nextHour, readAt(get(cache, nextHour)), "the period's boundaries moved: read again");
    }

    @Test
    void shouldDropARefreshThatFinishesInTheNextHour()
    {
        final ReleaseHealthCache cache = new ReleaseHealthCache(FRESH_MS, clock::get, refreshes::add);
        get(cache, T0);
        get(cache, T0 + FRESH_MS);
        clock.set(T0 - T0 % 3_600_000 + 3_600_000);
        refreshes.get(0).run();
        assertEquals(1, reads.get(), "the old hour's key is not read at the new hour's time");
    }
}
