package io.crashfree.aggregation.query;

import io.crashfree.aggregation.session.DurationHistogram;
import io.crashfree.aggregation.store.AggregateValue;
import org.HdrHistogram.Histogram;

import java.util.Set;

import static io.crashfree.aggregation.session.DurationHistogram.*;
import static io.crashfree.aggregation.sketch.UserSketches.*;

/**
 * The sessions API's definitions (reference §6.3), computed from one merged {@link AggregateValue}.
 * <p>
 * errored_all = errored_preaggr + distinct errored sessions; healthy = max(0, sessions − errored_all);
 * errored = max(0, errored_all − crashed − abnormal − unhandled); rates are null (NaN) without a denominator and
 * are not clamped; users per status come from the status sketches the same way. Durations are milliseconds.
 */
public final class Measures
{
    private Measures()
    {
    }

    /**
     * @param field  the field.
     * @param v      the merged aggregates (null = no data).
     * @param status the status group this value is for, or null for all sessions.
     * @param filter status groups to keep when not grouping by status (empty = all).
     * @return the value; NaN for null.
     */
    public static double value(final SessionField field, final AggregateValue v, final SessionStatusGroup status,
        final Set<SessionStatusGroup> filter)
    {
        return value(field, v, v == null ? null : estimates(v), status, filter);
    }

    /**
     * @param v aggregates with decoded sketches.
     * @return the user estimate of every sketch.
     */
    public static double[] estimates(final AggregateValue v)
    {
        final double[] e = new double[SKETCHES];
        for (int s = 0; s < SKETCHES; s++)
        {
            e[s] = v.estimate(s);
        }
        return e;
    }

    /**
     * @param field     the field.
     * @param v         the merged counters and durations (null = no data).
     * @param estimates user estimates by sketch index (null = no data).
     * @param status    the status group this value is for, or null for all sessions.
     * @param filter    status groups to keep when not grouping by status (empty = all).
     * @return the value; NaN for null.
     */
    public static double value(final SessionField field, final AggregateValue v, final double[] estimates,
        final SessionStatusGroup status, final Set<SessionStatusGroup> filter)
    {
        if (v == null)
        {
            return field.isCount() ? 0 : Double.NaN;
        }
        if (field.isCount())
        {
            if (status != null)
            {
                return countForStatus(field, v, estimates, status);
            }
            if (!filter.isEmpty() && filter.size() < SessionStatusGroup.values().length)
            {
                double sum = 0;
                for (final SessionStatusGroup s : filter)
                {
                    sum += countForStatus(field, v, estimates, s);
                }
                return sum;
            }
            return field == SessionField.SUM_SESSION ? v.sessions() : Math.round(estimates[SKETCH_USERS]);
        }
        if (status != null)
        {
            return Double.NaN; // rates are rejected with session.status grouping; durations are not per status
        }
        switch (field)
        {
            case CRASH_RATE_SESSION:
                return ratio(v.crashed(), v.sessions());
            case CRASH_FREE_RATE_SESSION:
                return 1 - ratio(v.crashed(), v.sessions());
            case CRASH_RATE_USER:
                return ratio(Math.round(estimates[SKETCH_CRASHED_USERS]), Math.round(estimates[SKETCH_USERS]));
            case CRASH_FREE_RATE_USER:
                return 1 - ratio(Math.round(estimates[SKETCH_CRASHED_USERS]), Math.round(estimates[SKETCH_USERS]));
            case ANR_RATE:
                return ratio(Math.round(estimates[SKETCH_ANR_USERS]), Math.round(estimates[SKETCH_USERS]));
            case FOREGROUND_ANR_RATE:
                return ratio(Math.round(estimates[SKETCH_FOREGROUND_ANR_USERS]), Math.round(estimates[SKETCH_USERS]));
            case AVG_DURATION:
                return v.durationCount() == 0 ? Double.NaN : (double)v.durationSumMs() / v.durationCount();
            case MAX_DURATION:
                return v.durationCount() == 0 ? Double.NaN : v.durationMaxMs();
            case P50_DURATION:
                return percentile(v, 50);
            case P75_DURATION:
                return percentile(v, 75);
            case P90_DURATION:
                return percentile(v, 90);
            case P95_DURATION:
                return percentile(v, 95);
            case P99_DURATION:
                return percentile(v, 99);
            default:
                return Double.NaN;
        }
    }

    /** @return errored_all: pre-aggregated errors plus distinct errored sessions. */
    public static long erroredAll(final AggregateValue v)
    {
        return v.erroredPreaggr() + v.erroredSessions();
    }

    /** @return sessions without errors. */
    public static long healthy(final AggregateValue v)
    {
        return Math.max(0, v.sessions() - erroredAll(v));
    }

    /** @return sessions with errors that did not crash, end abnormally or have unhandled errors. */
    public static long erroredOnly(final AggregateValue v)
    {
        return Math.max(0, erroredAll(v) - v.crashed() - v.abnormal() - v.unhandled());
    }

    private static double countForStatus(final SessionField field, final AggregateValue v, final double[] estimates,
        final SessionStatusGroup status)
    {
        if (field == SessionField.SUM_SESSION)
        {
            return switch (status)
            {
                case HEALTHY -> healthy(v);
                case ERRORED -> erroredOnly(v);
                case CRASHED -> v.crashed();
                case ABNORMAL -> v.abnormal();
                case UNHANDLED -> v.unhandled();
            };
        }
        final long users = Math.round(estimates[SKETCH_USERS]);
        final long errored = Math.round(estimates[SKETCH_ERRORED_USERS]);
        final long crashed = Math.round(estimates[SKETCH_CRASHED_USERS]);
        final long abnormal = Math.round(estimates[SKETCH_ABNORMAL_USERS]);
        final long unhandled = Math.round(estimates[SKETCH_UNHANDLED_USERS]);
        return switch (status)
        {
            case HEALTHY -> Math.max(0, users - errored);
            case ERRORED -> Math.max(0, errored - crashed - abnormal - unhandled);
            case CRASHED -> crashed;
            case ABNORMAL -> abnormal;
            case UNHANDLED -> unhandled;
        };
    }

    /** @return a sketch's estimate rounded to a whole number of users. */
    public static long users(final AggregateValue v, final int sketch)
    {
        return Math.round(v.estimate(sketch));
    }

    private static double ratio(final double numerator, final double denominator)
    {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }

    /**
     * A duration percentile from the half-octave histogram, computed by HdrHistogram over the buckets' midpoints
     * (so within the bucket's resolution, about ±17%).
     *
     * @param v          aggregates.
     * @param percentile 0..100.
     * @return milliseconds, or NaN without durations.
     */
    public static double percentile(final AggregateValue v, final double percentile)
    {
        if (v.durationCount() == 0)
        {
            return Double.NaN;
        }
        final Histogram h = new Histogram(3);
        final long[] buckets = v.durationBuckets();
        for (int b = 0; b < buckets.length; b++)
        {
            if (buckets[b] > 0)
            {
                h.recordValueWithCount(DurationHistogram.durationBucketMidpointMs(b), buckets[b]);
            }
        }
        return Math.min(h.getValueAtPercentile(percentile), v.durationMaxMs());
    }
}
