package io.crashfree.aggregation.query;

import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link SessionsQuery}, in the sessions API's shape. Values are doubles; NaN stands for null
 * (a rate or duration without data); counts are whole numbers.
 *
 * @param startSec  start, epoch seconds.
 * @param endSec    end, epoch seconds.
 * @param intervals interval starts, epoch seconds.
 * @param groups    the groups, ordered.
 */
public record SessionsResult(long startSec, long endSec, List<Long> intervals, List<Group> groups)
{
    /**
     * One group.
     *
     * @param by     the group's values by grouping name ({@code project} → Long, others → String or null).
     * @param totals field → total over the range (absent when totals were not asked for).
     * @param series field → one value per interval (absent when series were not asked for).
     */
    public record Group(Map<String, Object> by, Map<SessionField, Double> totals, Map<SessionField, double[]> series)
    {
    }
}
