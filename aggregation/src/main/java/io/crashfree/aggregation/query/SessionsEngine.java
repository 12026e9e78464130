package io.crashfree.aggregation.query;

import io.crashfree.aggregation.AggregateView;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.sketch.CouponUnion;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static io.crashfree.aggregation.session.DurationHistogram.*;
import static io.crashfree.aggregation.sketch.UserSketches.*;

/**
 * Answers sessions queries from the merged store + live aggregates: reads the hourly roll-ups when the interval is
 * whole hours, the fine buckets otherwise (only within their retention), groups, merges (counters add, user
 * sketches union, so users over a range are never a sum), and computes the fields per group, total and interval.
 * <p>
 * Dashboards poll the same queries over and over, and most of a range is stored buckets that no longer change. So
 * the engine keeps, per query shape, what it accumulated from the stored buckets that are settled (older than the
 * bucket the flusher may still be writing), stamped with the store's write sequence; a later run whose range saw no
 * store write since reuses it (copy-on-write, per group and interval) and reads only the rest: the stored buckets
 * after it and the live records. Any store write into the range (late data flushed into an old hour, retention)
 * makes the next run rebuild it, so an answer is always exactly what a full read would give. The cache is bounded
 * in bytes, least recently used out first.
 * <p>
 * Runs on query threads.
 */
public final class SessionsEngine
{
    /** The default budget for cached stored parts. */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;

    private final AggregateView view;
    private final AggregationSettings settings;
    private final StoredPartCache cache;

    /**
     * @param view     the read side.
     * @param settings bucket widths and retention.
     */
    public SessionsEngine(final AggregateView view, final AggregationSettings settings)
    {
        this(view, settings, DEFAULT_CACHE_BYTES);
    }

    /**
     * @param view       the read side.
     * @param settings   bucket widths and retention.
     * @param cacheBytes budget of the stored-part cache; 0 turns it off.
     */
    public SessionsEngine(final AggregateView view, final AggregationSettings settings, final long cacheBytes)
    {
        this.view = view;
        this.settings = settings;
        this.cache = new StoredPartCache(cacheBytes);
    }

    /**
     * Accumulates one group's aggregates: counters and durations (an {@link AggregateValue} without sketches) and
     * user sketches as {@link CouponUnion}s, for the total and for each interval. An accumulator taken from the cache
     * shares its parts with the cached one and copies a part (the total, or one interval) before its first change.
     */
    private static final class Accumulator
    {
        final Map<String, Object> by;
        final int mask;
        AggregateValue total = new AggregateValue();
        CouponUnion[] totalUsers = new CouponUnion[SKETCHES];
        boolean totalShared;
        final AggregateValue[] series;
        final CouponUnion[][] seriesUsers;
        boolean[] slotShared;

        Accumulator(final Map<String, Object> by, final int intervals, final int mask)
        {
            this.by = by;
            this.mask = mask;
            this.series = new AggregateValue[intervals];
            this.seriesUsers = new CouponUnion[intervals][];
        }

        private Accumulator(final Accumulator cached)
        {
            this.by = cached.by;
            this.mask = cached.mask;
            this.total = cached.total;
            this.totalUsers = cached.totalUsers;
            this.totalShared = true;
            this.series = cached.series.clone();
            this.seriesUsers = cached.seriesUsers.clone();
            this.slotShared = new boolean[series.length];
            java.util.Arrays.fill(slotShared, true);
        }

        /** @return an accumulator that starts from this (cached, never changed again) one. */
        Accumulator share()
        {
            return new Accumulator(this);
        }

        void add(final AggregateValue part, final int slot, final boolean withSeries)
        {
            if (totalShared)
            {
                total = copyOf(total);
                totalUsers = copyOf(totalUsers);
                totalShared = false;
            }
            total.merge(part, 0);
            addImages(part, totalUsers);
            if (withSeries)
            {
                if (series[slot] == null)
                {
                    series[slot] = new AggregateValue();
                    seriesUsers[slot] = new CouponUnion[SKETCHES];
                }
                else if (slotShared != null && slotShared[slot])
                {
                    series[slot] = copyOf(series[slot]);
                    seriesUsers[slot] = copyOf(seriesUsers[slot]);
                }
                if (slotShared != null)
                {
                    slotShared[slot] = false;
                }
                series[slot].merge(part, 0);
                addImages(part, seriesUsers[slot]);
            }
        }

        private void addImages(final AggregateValue part, final CouponUnion[] unions)
        {
            for (int s = 0; s < SKETCHES; s++)
            {
                if ((mask & (1 << s)) != 0)
                {
                    if (unions[s] == null)
                    {
                        unions[s] = new CouponUnion();
                    }
                    part.addImageTo(s, unions[s]);
                }
            }
        }

        /** Settles every estimate, so that readers of the cached accumulator never change it. */
        long freeze()
        {
            long bytes = 256 + 64L * series.length + freeze(totalUsers);
            for (final CouponUnion[] unions : seriesUsers)
            {
                bytes += freeze(unions);
            }
            return bytes;
        }

        private static long freeze(final CouponUnion[] unions)
        {
            long bytes = 0;
            if (unions != null)
            {
                for (final CouponUnion u : unions)
                {
                    if (u != null)
                    {
                        u.estimate();
                        bytes += u.retainedBytes();
                    }
                }
            }
            return bytes;
        }

        private static AggregateValue copyOf(final AggregateValue v)
        {
            final AggregateValue c = new AggregateValue();
            c.merge(v, 0);
            return c;
        }

        private static CouponUnion[] copyOf(final CouponUnion[] unions)
        {
            final CouponUnion[] c = new CouponUnion[unions.length];
            for (int s = 0; s < unions.length; s++)
            {
                c[s] = unions[s] == null ? null : unions[s].copy();
            }
            return c;
        }

        static double[] estimates(final CouponUnion[] unions)
        {
            if (unions == null)
            {
                return null;
            }
            final double[] e = new double[SKETCHES];
            for (int s = 0; s < SKETCHES; s++)
            {
                e[s] = unions[s] == null ? 0 : unions[s].estimate();
            }
            return e;
        }
    }

    /** A query's groups while parts stream in. */
    private static final class Grouping
    {
        final SessionsQuery query;
        final NameTable names;
        final int intervals;
        final int mask;
        final Map<List<Object>, Accumulator> groups;
        private final boolean byProject;
        private final boolean byRelease;
        private final boolean byEnvironment;
        private final Map<Long, String> releaseNames = new HashMap<>();
        private final Map<Long, String> environmentNames = new HashMap<>();
        private long namesProject = Long.MIN_VALUE;

        Grouping(final SessionsQuery query, final NameTable names, final int intervals, final int mask,
            final Map<List<Object>, Accumulator> groups)
        {
            this.query = query;
            this.names = names;
            this.intervals = intervals;
            this.mask = mask;
            this.groups = groups;
            this.byProject = query.groupBy().contains(GroupBy.PROJECT);
            this.byRelease = query.groupBy().contains(GroupBy.RELEASE);
            this.byEnvironment = query.groupBy().contains(GroupBy.ENVIRONMENT);
        }

        /** @return a grouping that starts from this cached one. */
        Grouping share()
        {
            final Map<List<Object>, Accumulator> copy = new LinkedHashMap<>();
            groups.forEach((k, acc) -> copy.put(k, acc.share()));
            return new Grouping(query, names, intervals, mask, copy);
        }

        long freeze()
        {
            long bytes = 512;
            for (final Accumulator acc : groups.values())
            {
                bytes += acc.freeze();
            }
            return bytes;
        }

        void add(final long project, final StoreKey key, final AggregateValue part)
        {
            if (project != namesProject)
            {
                releaseNames.clear();
                environmentNames.clear();
                namesProject = project;
            }
            final String release = releaseNames.computeIfAbsent(key.release(),
                h -> names.name(project, NameTable.KIND_RELEASE, h));
            final String environment = key.environment() == 0 ? null : environmentNames.computeIfAbsent(
                key.environment(), h -> names.name(project, NameTable.KIND_ENVIRONMENT, h));
            if ((!query.releases().isEmpty() && !query.releases().contains(release)) ||
                (!query.environments().isEmpty() && !query.environments().contains(environment)))
            {
                return;
            }
            final List<Object> groupKey = Arrays.asList(byProject ? project : null, byRelease ? release : null,
                byEnvironment ? environment : null);
            final Accumulator acc = groups.computeIfAbsent(groupKey, k ->
            {
                final Map<String, Object> by = new LinkedHashMap<>();
                for (final GroupBy g : query.groupBy())
                {
                    switch (g)
                    {
                        case PROJECT -> by.put(g.apiName(), project);
                        case RELEASE -> by.put(g.apiName(), release);
                        case ENVIRONMENT -> by.put(g.apiName(), environment);
                        default ->
                        {
                        }
                    }
                }
                return new Accumulator(by, intervals, mask);
            });
            final int slot = (int)((key.bucketSec() - query.startSec()) / query.intervalSec());
            if (slot >= 0 && slot < intervals)
            {
                acc.add(part, slot, query.includeSeries());
            }
        }
    }

    /**
     * What a cached grouping depends on: the query's shape and range, the width read, and where its stored part
     * ends.
     */
    private record CacheKey(List<Long> projects, long widthSec, long fromSec, long stableEndSec, long startSec,
        long intervalSec, int intervals, int mask, List<GroupBy> groupBy, Set<String> releases,
        Set<String> environments, boolean includeSeries)
    {
    }

    /**
     * @param grouping     the groups accumulated from the stored buckets in {@code [fromSec, stableEndSec)}, frozen.
     * @param sequence     the store's write sequence when they were read.
     * @param bytes        heap they hold, roughly.
     */
    private record CacheEntry(Grouping grouping, long sequence, long bytes)
    {
    }

    /** Least recently used out first, within a byte budget. Control plane: a plain lock. */
    private static final class StoredPartCache
    {
        private final long budget;
        private final LinkedHashMap<CacheKey, CacheEntry> entries = new LinkedHashMap<>(16, 0.75f, true);
        private long used;
        private long hits;
        private long misses;

        StoredPartCache(final long budget)
        {
            this.budget = budget;
        }

        boolean enabled()
        {
            return budget > 0;
        }

        synchronized CacheEntry get(final CacheKey key)
        {
            return entries.get(key);
        }

        synchronized void record(final boolean hit)
        {
            if (hit)
            {
                hits++;
            }
            else
            {
                misses++;
            }
        }

        synchronized void put(final CacheKey key, final CacheEntry entry)
        {
            final CacheEntry old = entries.remove(key);
            if (old != null)
            {
                used -= old.bytes();
            }
            if (entry.bytes() > budget)
            {
                return;
            }
            entries.put(key, entry);
            used += entry.bytes();
            final var it = entries.values().iterator();
            while (used > budget && it.hasNext())
            {
                used -= it.next().bytes();
                it.remove();
            }
        }

        synchronized long[] stats()
        {
            return new long[] { hits, misses, entries.size(), used };
        }
    }

    /**
     * @return stored-part cache figures: hits, misses, entries, bytes held (for {@code /metrics}).
     */
    public long[] cacheStats()
    {
        return cache.stats();
    }

    /**
     * @param query a validated query.
     * @param nowMs now.
     * @return the result.
     * @throws QueryException when the data to answer it is not kept (fine intervals past their retention).
     */
    private Map<List<Object>, Accumulator> accumulate(final SessionsQuery query, final long nowMs)
    {
        final boolean hourly = query.intervalSec() % AggregationSettings.COARSE_WIDTH_SEC == 0;
        final long width = hourly ? AggregationSettings.COARSE_WIDTH_SEC : settings.bucketWidthSec();
        if (!hourly && query.startSec() < view.fineRetentionStartSec(nowMs))
        {
            throw new QueryException("An interval shorter than one hour is only available for the last " +
                settings.fineRetentionSec() / 3600 + " hours; use interval=1h or a later start.");
        }
        final boolean byStatus = query.groupBy().contains(GroupBy.SESSION_STATUS);
        final int intervals = query.intervalCount();
        final int mask = sketchMask(query, byStatus);
        final NameTable names = view.names();

        // Buckets before stableEnd are settled: the flusher has written them in full unless data arrives late.
        final long fromSec = hourly ? query.startSec() : Math.max(query.startSec(), view.fineRetentionStartSec(nowMs));
        final long stableEnd = Math.min(query.endSec(),
            Math.floorDiv(nowMs / 1000 - settings.quietSec(), width) * width);
        final CacheKey cacheKey = cache.enabled() && stableEnd > fromSec ?
            new CacheKey(List.copyOf(query.projects()), width, fromSec, stableEnd, query.startSec(),
                query.intervalSec(), intervals, mask, List.copyOf(query.groupBy()), Set.copyOf(query.releases()),
                Set.copyOf(query.environments()), query.includeSeries()) : null;

        final Grouping[] answer = new Grouping[1];
        view.read(snapshot ->
        {
            CacheEntry entry = cacheKey == null ? null : cache.get(cacheKey);
            if (entry != null)
            {
                for (final long project : query.projects())
                {
                    if (snapshot.lastStoreWrite(project, width, fromSec, stableEnd) > entry.sequence())
                    {
                        entry = null; // something in the settled range was written since: read it again
                        break;
                    }
                }
            }
            if (cacheKey != null)
            {
                cache.record(entry != null);
            }
            if (cacheKey != null && entry == null)
            {
                final long sequence = snapshot.storeWriteSequence();
                final Grouping stable = new Grouping(query, names, intervals, mask, new LinkedHashMap<>());
                for (final long project : query.projects())
                {
                    snapshot.forEachStoredPart(project, width, fromSec, stableEnd, nowMs, mask,
                        (key, part) -> stable.add(project, key, part));
                }
                entry = new CacheEntry(stable, sequence, stable.freeze());
                cache.put(cacheKey, entry);
            }
            final Grouping grouping = entry != null ? entry.grouping().share() :
                new Grouping(query, names, intervals, mask, new LinkedHashMap<>());
            final long storedFrom = entry != null ? stableEnd : fromSec;
            for (final long project : query.projects())
            {
                snapshot.forEachStoredPart(project, width, storedFrom, query.endSec(), nowMs, mask,
                    (key, part) -> grouping.add(project, key, part));
                snapshot.forEachLivePart(project, width, fromSec, query.endSec(), nowMs, mask,
                    (key, part) -> grouping.add(project, key, part));
            }
            answer[0] = grouping;
        });
        return answer[0].groups;
    }

    /**
     * One group's raw accumulation, for the release index (which computes Sentry's {@code healthData} from it):
     * counters and durations, the user sketches' estimates, and per interval when the query asks for series.
     *
     * @param by        the group's values.
     * @param total     counters and durations over the range (no sketches).
     * @param estimates user estimates by sketch index (0 where the query did not ask for the sketch).
     * @param series    per interval, or null entries where an interval had no data.
     */
    record GroupTotals(Map<String, Object> by, AggregateValue total, double[] estimates, AggregateValue[] series)
    {
    }

    /**
     * Every group of a query (no limit), with the same reads and stored-part cache as {@link #run}.
     *
     * @param query a query built by the caller.
     * @param nowMs now.
     * @return the groups.
     */
    List<GroupTotals> groupTotals(final SessionsQuery query, final long nowMs)
    {
        final List<GroupTotals> totals = new ArrayList<>();
        for (final Accumulator acc : accumulate(query, nowMs).values())
        {
            final double[] estimates = Accumulator.estimates(acc.totalUsers);
            totals.add(new GroupTotals(acc.by, acc.total, estimates == null ? new double[SKETCHES] : estimates,
                acc.series));
        }
        return totals;
    }

    public SessionsResult run(final SessionsQuery query, final long nowMs)
    {
        final boolean byStatus = query.groupBy().contains(GroupBy.SESSION_STATUS);
        final int intervals = query.intervalCount();
        final Map<List<Object>, Accumulator> groups = accumulate(query, nowMs);
        if (groups.isEmpty() && query.groupBy().stream().noneMatch(g -> g != GroupBy.SESSION_STATUS))
        {
            groups.put(List.of(), new Accumulator(new LinkedHashMap<>(), intervals, sketchMask(query, byStatus)));
        }

        final List<SessionsResult.Group> result = new ArrayList<>();
        for (final Accumulator acc : groups.values())
        {
            if (byStatus)
            {
                for (final SessionStatusGroup status : SessionStatusGroup.values())
                {
                    if (query.statuses().isEmpty() || query.statuses().contains(status))
                    {
                        final Map<String, Object> by = new LinkedHashMap<>(acc.by);
                        by.put(GroupBy.SESSION_STATUS.apiName(), status.apiName());
                        result.add(group(query, by, acc, status));
                    }
                }
            }
            else
            {
                result.add(group(query, acc.by, acc, null));
            }
        }
        order(query, result);
        final int maxGroups = Math.max(1, Math.min(query.limit(), 5000 / Math.max(1, intervals)));
        final List<Long> starts = new ArrayList<>(intervals);
        for (int i = 0; i < intervals; i++)
        {
            starts.add(query.startSec() + i * query.intervalSec());
        }
        return new SessionsResult(query.startSec(), query.endSec(), starts,
            result.size() > maxGroups ? result.subList(0, maxGroups) : result);
    }

    /** @return the user sketches the query's fields need (decoding the others would be wasted work). */
    static int sketchMask(final SessionsQuery query, final boolean byStatus)
    {
        int mask = 0;
        for (final SessionField f : query.fields())
        {
            switch (f)
            {
                case COUNT_UNIQUE_USER ->
                {
                    mask |= 1 << SKETCH_USERS;
                    if (byStatus || !query.statuses().isEmpty())
                    {
                        mask |= 1 << SKETCH_ERRORED_USERS | 1 << SKETCH_CRASHED_USERS | 1 << SKETCH_ABNORMAL_USERS |
                            1 << SKETCH_UNHANDLED_USERS;
                    }
                }
                case CRASH_RATE_USER, CRASH_FREE_RATE_USER -> mask |= 1 << SKETCH_USERS | 1 << SKETCH_CRASHED_USERS;
                case ANR_RATE -> mask |= 1 << SKETCH_USERS | 1 << SKETCH_ANR_USERS;
                case FOREGROUND_ANR_RATE -> mask |= 1 << SKETCH_USERS | 1 << SKETCH_FOREGROUND_ANR_USERS;
                default ->
                {
                }
            }
        }
        return mask;
    }

    private static SessionsResult.Group group(final SessionsQuery query, final Map<String, Object> by,
        final Accumulator acc, final SessionStatusGroup status)
    {
        final Map<SessionField, Double> totals = new EnumMap<>(SessionField.class);
        final Map<SessionField, double[]> series = new EnumMap<>(SessionField.class);
        final double[] totalEstimates = Accumulator.estimates(acc.totalUsers);
        final double[][] seriesEstimates = new double[acc.series.length][];
        if (query.includeSeries())
        {
            for (int i = 0; i < seriesEstimates.length; i++)
            {
                seriesEstimates[i] = Accumulator.estimates(acc.seriesUsers[i]);
            }
        }
        for (final SessionField field : query.fields())
        {
            if (query.includeTotals() || query.orderBy() == field)
            {
                totals.put(field, Measures.value(field, acc.total, totalEstimates, status, query.statuses()));
            }
            if (query.includeSeries())
            {
                final double[] values = new double[acc.series.length];
                for (int i = 0; i < values.length; i++)
                {
                    values[i] = Measures.value(field, acc.series[i], seriesEstimates[i], status, query.statuses());
                }
                series.put(field, values);
            }
        }
        return new SessionsResult.Group(by, totals, series);
    }

    private static void order(final SessionsQuery query, final List<SessionsResult.Group> groups)
    {
        final Comparator<SessionsResult.Group> byKey = Comparator.comparing(g -> g.by().values().toString());
        if (query.orderBy() == null)
        {
            groups.sort(byKey);
            return;
        }
        final SessionField field = query.orderBy();
        groups.sort((a, b) ->
        {
            final double x = Objects.requireNonNullElse(a.totals().get(field), Double.NaN);
            final double y = Objects.requireNonNullElse(b.totals().get(field), Double.NaN);
            if (Double.isNaN(x) || Double.isNaN(y))
            {
                return Double.isNaN(x) == Double.isNaN(y) ? byKey.compare(a, b) : Double.isNaN(x) ? 1 : -1;
            }
            final int c = query.orderDescending() ? Double.compare(y, x) : Double.compare(x, y);
            return c != 0 ? c : byKey.compare(a, b);
        });
        if (!query.includeTotals())
        {
            groups.replaceAll(g -> new SessionsResult.Group(g.by(), Map.of(), g.series()));
        }
    }
}
