package io.crashfree.edge.registry;

import io.crashfree.aggregation.query.ReleaseHealthEngine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * A short-lived cache of the release list's health read ({@link ReleaseHealthEngine#releases} for every release of
 * the selected projects), keyed by its parameters and the hour of now (the read's period boundaries move by the
 * hour). The read costs about a third of a second of CPU for 1,000 releases with 14 days of hourly roll-ups
 * (BENCHMARKS.md, releases index); a dashboard polling the index asks it again and again with the same parameters.
 * <p>
 * Staleness, stated: an entry younger than {@code freshMs} is served as it is; one older, up to {@code 3 × freshMs},
 * is served while one refresh recomputes it off the request (on {@code refresher}); an older one (nobody asked for a
 * while) is recomputed in the request. So an answer reflects the sessions of at most {@code 3 × freshMs} (plus one
 * read) ago, and of at most {@code freshMs} plus one read ago while the index is polled at least every
 * {@code freshMs}. {@code freshMs = 0} turns the cache off. Control plane: query threads and the refresher.
 */
final class ReleaseHealthCache
{
    /** Parameters that only change with the release-list request, one hour of now at a time. */
    record Key(List<Long> projects, Set<String> environments, long summarySec, boolean daily, long hour)
    {
    }

    /** Computes the health read for a key's parameters at a time. */
    @FunctionalInterface
    interface Reader
    {
        /**
         * @param nowMs now.
         * @return the releases and their health.
         */
        List<ReleaseHealthEngine.Release> read(long nowMs);
    }

    private static final int MAX_ENTRIES = 32;
    private static final long HOUR_MS = 3_600_000;

    private final long freshMs;
    private final LongSupplier clockMs;
    private final Executor refresher;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<Key, Entry> eldest)
        {
            return size() > MAX_ENTRIES;
        }
    };

    private static final class Entry
    {
        final List<ReleaseHealthEngine.Release> value;
        final long readAtMs;
        boolean refreshing;

        Entry(final List<ReleaseHealthEngine.Release> value, final long readAtMs)
        {
            this.value = value;
            this.readAtMs = readAtMs;
        }
    }

    /**
     * @param freshMs   how long an answer is served without a refresh; 0 = no cache.
     * @param clockMs   the clock of refreshes.
     * @param refresher runs refreshes off the request.
     */
    ReleaseHealthCache(final long freshMs, final LongSupplier clockMs, final Executor refresher)
    {
        this.freshMs = freshMs;
        this.clockMs = clockMs;
        this.refresher = refresher;
    }

    /**
     * @param projects     project ids.
     * @param environments environments (empty = all).
     * @param summarySec   the summary period.
     * @param daily        daily stats.
     * @param nowMs        now.
     * @param reader       the uncached read.
     * @return the health read, within the stated staleness.
     */
    List<ReleaseHealthEngine.Release> get(final List<Long> projects, final Set<String> environments,
        final long summarySec, final boolean daily, final long nowMs, final Reader reader)
    {
        if (freshMs <= 0)
        {
            return reader.read(nowMs);
        }
        final Key key = new Key(List.copyOf(projects), Set.copyOf(environments), summarySec, daily,
            Math.floorDiv(nowMs, HOUR_MS));
        final Entry entry;
        boolean refresh = false;
        synchronized (entries)
        {
            entry = entries.get(key);
            if (entry != null && nowMs - entry.readAtMs >= freshMs && nowMs - entry.readAtMs < 3 * freshMs &&
                !entry.refreshing)
            {
                entry.refreshing = true;
                refresh = true;
            }
        }
        if (entry != null && nowMs - entry.readAtMs < 3 * freshMs)
        {
            if (refresh)
            {
                refresher.execute(() -> refresh(key, reader));
            }
            return entry.value;
        }
        return store(key, reader.read(nowMs), nowMs);
    }

    private void refresh(final Key key, final Reader reader)
    {
        final long nowMs = clockMs.getAsLong();
        if (Math.floorDiv(nowMs, HOUR_MS) != key.hour())
        {
            return; // the hour turned: the next request reads the new hour's key
        }
        try
        {
            store(key, reader.read(nowMs), nowMs);
        }
        catch (final RuntimeException ex)
        {
            // the entry is served no longer than 3 x freshMs; the request after that reads again and fails visibly
        }
    }

    private List<ReleaseHealthEngine.Release> store(final Key key, final List<ReleaseHealthEngine.Release> value,
        final long readAtMs)
    {
        synchronized (entries)
        {
            final Entry current = entries.get(key);
            if (current == null || current.readAtMs <= readAtMs)
            {
                entries.put(key, new Entry(value, readAtMs));
            }
        }
        return value;
    }
}
