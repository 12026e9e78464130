package io.crashfree.aggregation.query;

import io.crashfree.aggregation.AggregateView;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.live.NameTable;
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

    /** Accumulates one group's aggregates: the total and one value per interval. */
    private static final class Accumulator
    {
        final Map<String, Object> by;
        final AggregateValue total = new AggregateValue();
        final AggregateValue[] series;

        Accumulator(final Map<String, Object> by, final int intervals)
        {
            this.by = by;
            this.series = new AggregateValue[intervals];
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

        final Map<List<Object>, Accumulator> groups = new LinkedHashMap<>();
        final Map<Long, String> releaseNames = new HashMap<>();
        final Map<Long, String> environmentNames = new HashMap<>();
        final NameTable names = view.names();
        for (final long project : query.projects())
        {
            releaseNames.clear();
            environmentNames.clear();
            final Map<StoreKey, AggregateValue> data = view.read(project, width, query.startSec(), query.endSec(),
                nowMs);
            for (final Map.Entry<StoreKey, AggregateValue> e : data.entrySet())
            {
                final StoreKey key = e.getKey();
                final String release = releaseNames.computeIfAbsent(key.release(),
                    h -> names.name(project, NameTable.KIND_RELEASE, h));
                final String environment = key.environment() == 0 ? null : environmentNames.computeIfAbsent(
                    key.environment(), h -> names.name(project, NameTable.KIND_ENVIRONMENT, h));
                if ((!query.releases().isEmpty() && !query.releases().contains(release)) ||
                    (!query.environments().isEmpty() && !query.environments().contains(environment)))
                {
                    continue;
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
                    return new Accumulator(by, intervals);
                });
                final int slot = (int)((key.bucketSec() - query.startSec()) / query.intervalSec());
                if (slot < 0 || slot >= intervals)
                {
                    continue;
                }
                acc.total.merge(e.getValue());
                if (acc.series[slot] == null)
                {
                    acc.series[slot] = new AggregateValue();
                }
                acc.series[slot].merge(e.getValue());
            }
        }
        if (groups.isEmpty() && query.groupBy().stream().noneMatch(g -> g != GroupBy.SESSION_STATUS))
        {
            groups.put(List.of(), new Accumulator(new LinkedHashMap<>(), intervals)); // one empty total group
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

    private static SessionsResult.Group group(final SessionsQuery query, final Map<String, Object> by,
        final Accumulator acc, final SessionStatusGroup status)
    {
        final Map<SessionField, Double> totals = new EnumMap<>(SessionField.class);
        final Map<SessionField, double[]> series = new EnumMap<>(SessionField.class);
        for (final SessionField field : query.fields())
        {
            if (query.includeTotals() || query.orderBy() == field)
            {
                totals.put(field, Measures.value(field, acc.total, status, query.statuses()));
            }
            if (query.includeSeries())
            {
                final double[] values = new double[acc.series.length];
                for (int i = 0; i < values.length; i++)
                {
                    values[i] = Measures.value(field, acc.series[i], status, query.statuses());
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
