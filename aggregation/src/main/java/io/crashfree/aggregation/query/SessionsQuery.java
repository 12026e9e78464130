package io.crashfree.aggregation.query;

import java.util.List;
import java.util.Set;

/**
 * A validated sessions query: which projects, which releases/environments/statuses, which time range and interval,
 * which fields and groups, in which order.
 *
 * @param projects        project ids.
 * @param environments    environments to keep (empty = all).
 * @param releases        releases to keep (empty = all).
 * @param statuses        status groups to keep (empty = all).
 * @param startSec        start, epoch seconds, aligned to the interval.
 * @param endSec          end, exclusive, aligned to the interval.
 * @param intervalSec     interval of the series.
 * @param fields          fields, in request order.
 * @param groupBy         groupings, in request order.
 * @param orderBy         field to order groups by its total, or null.
 * @param orderDescending whether the order is descending.
 * @param limit           most groups returned.
 * @param includeTotals   whether to compute totals.
 * @param includeSeries   whether to compute series.
 */
public record SessionsQuery(
    List<Long> projects,
    Set<String> environments,
    Set<String> releases,
    Set<SessionStatusGroup> statuses,
    long startSec,
    long endSec,
    long intervalSec,
    List<SessionField> fields,
    List<GroupBy> groupBy,
    SessionField orderBy,
    boolean orderDescending,
    int limit,
    boolean includeTotals,
    boolean includeSeries)
{
    /** @return the number of intervals. */
    public int intervalCount()
    {
        return (int)((endSec - startSec) / intervalSec);
    }
}
