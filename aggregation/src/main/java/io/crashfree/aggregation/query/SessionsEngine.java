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

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;

/**
 * Answers sessions queries from the merged store + live aggregates: reads the hourly roll-ups when the interval is
 * whole hours, the fine buckets otherwise (only within their retention), groups, merges (counters add, user
 * sketches union, so users over a range are never a sum), and computes the fields per group, total and interval.
 * <p>
 * Runs on query threads.
 */
public final class SessionsEngine
{
    private final AggregateView view;
    private final AggregationSettings settings;

    /**
     * @param view     the read side.
     * @param settings bucket widths and retention.
     */
    public SessionsEngine(final AggregateView view, final AggregationSettings settings)
    {
        this.view = view;
        this.settings = settings;
    }

    /**
     * Accumulates one group's aggregates: counters and durations (an {@link AggregateValue} without sketches) and
     * user sketches as {@link CouponUnion}s, for the total and for each interval.
     */
    private static final class Accumulator
    {
        final Map<String, Object> by;
        final int mask;
        final AggregateValue total = new AggregateValue();
        final CouponUnion[] totalUsers = new CouponUnion[SKETCHES];
        final AggregateValue[] series;
        final CouponUnion[][] seriesUsers;

        Accumulator(final Map<String, Object> by, final int intervals, final int mask)
        {
            this.by = by;
            this.mask = mask;
            this.series = new AggregateValue[intervals];
            this.seriesUsers = new CouponUnion[intervals][];
        }

        void add(final AggregateValue part, final int slot, final boolean withSeries)
        {
            total.merge(part, 0);
            addImages(part, totalUsers);
            if (withSeries)
            {
                if (series[slot] == null)
                {
                    series[slot] = new AggregateValue();
                    seriesUsers[slot] = new CouponUnion[SKETCHES];
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

    /**
     * @param query a validated query.
     * @param nowMs now.
     * @return the result.
     * @throws QueryException when the data to answer it is not kept (fine intervals past their retention).
     */
    public SessionsResult run(final SessionsQuery query, final long nowMs)
    {
        final boolean hourly = query.intervalSec() % AggregationSettings.COARSE_WIDTH_SEC == 0;
        final long width = hourly ? AggregationSettings.COARSE_WIDTH_SEC : settings.bucketWidthSec();
        if (!hourly && query.startSec() < view.fineRetentionStartSec(nowMs))
        {
            throw new QueryException("An interval shorter than one hour is only available for the last " +
                settings.fineRetentionSec() / 3600 + " hours; use interval=1h or a later start.");
        }
        final boolean byProject = query.groupBy().contains(GroupBy.PROJECT);
        final boolean byRelease = query.groupBy().contains(GroupBy.RELEASE);
        final boolean byEnvironment = query.groupBy().contains(GroupBy.ENVIRONMENT);
        final boolean byStatus = query.groupBy().contains(GroupBy.SESSION_STATUS);
        final int intervals = query.intervalCount();
        final int mask = sketchMask(query, byStatus);

        final Map<List<Object>, Accumulator> groups = new LinkedHashMap<>();
        final Map<Long, String> releaseNames = new HashMap<>();
        final Map<Long, String> environmentNames = new HashMap<>();
        final NameTable names = view.names();
        for (final long project : query.projects())
        {
            releaseNames.clear();
            environmentNames.clear();
            view.forEachPart(project, width, query.startSec(), query.endSec(), nowMs, mask, (key, part) ->
            {
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
            });
        }
        if (groups.isEmpty() && query.groupBy().stream().noneMatch(g -> g != GroupBy.SESSION_STATUS))
        {
            groups.put(List.of(), new Accumulator(new LinkedHashMap<>(), intervals, mask)); // one empty total group
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
