package io.crashfree.edge.ingest;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the ingest path has done since start: requests by status, sessions accepted, items skipped, bytes in.
 * <p>
 * Written by every event-loop thread with {@link LongAdder}s (striped, no contention, no allocation once warm);
 * read by {@code /metrics} and tests.
 */
public final class IngestCounters
{
    private static final int[] STATUSES = { 200, 400, 401, 403, 404, 405, 413, 429, 500, 503 };

    private final LongAdder[] requestsByStatus = new LongAdder[STATUSES.length + 1];
    private final LongAdder sessionUpdates = new LongAdder();
    private final LongAdder aggregateSessions = new LongAdder();
    private final LongAdder skippedItems = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder decodeFailures = new LongAdder();
    private final LongAdder[] rateLimited = new LongAdder[LIMIT_NAMES.length];

    /** {@link #onRateLimited}: a key over {@code project.<id>.limits.key.sessions.per.second}. */
    public static final int LIMIT_KEY_RATE = 0;
    /** {@link #onRateLimited}: a project holding its share of the live memory. */
    public static final int LIMIT_PROJECT_LIVE_SHARE = 1;
    /** {@link #onRateLimited}: a project holding its limit of releases and environments. */
    public static final int LIMIT_PROJECT_NAMES = 2;
    /** {@link #onRateLimited}: a project that used its exactly-once entries for the day. */
    public static final int LIMIT_PROJECT_EXACTLY_ONCE = 3;
    /** Metric label of each limit, by its number: {@code scope/reason}. */
    public static final String[][] LIMIT_NAMES = {
        { "key", "key_rate" }, { "project", "live_share" }, { "project", "names" }, { "project", "exactly_once" } };

    /** Creates zeroed counters. */
    public IngestCounters()
    {
        for (int i = 0; i < requestsByStatus.length; i++)
        {
            requestsByStatus[i] = new LongAdder();
        }
        for (int i = 0; i < rateLimited.length; i++)
        {
            rateLimited[i] = new LongAdder();
        }
    }

    /** @param status HTTP status of an answered ingest request. */
    public void onResponse(final int status)
    {
        requestsByStatus[slot(status)].increment();
    }

    /**
     * @param updates           {@code session} items folded.
     * @param aggregateSessions sessions folded from {@code sessions} items (sum of their totals).
     * @param skipped           items of other types skipped.
     */
    public void onAccepted(final int updates, final long aggregateSessions, final int skipped)
    {
        sessionUpdates.add(updates);
        this.aggregateSessions.add(aggregateSessions);
        skippedItems.add(skipped);
    }

    /** @param bytes request body bytes received, as sent (compressed). */
    public void onBytesIn(final long bytes)
    {
        bytesIn.add(bytes);
    }

    /** Counts an envelope or body that could not be decoded. */
    /**
     * Counts an envelope answered {@code 429}.
     *
     * @param limit {@link #LIMIT_KEY_RATE} …
     */
    public void onRateLimited(final int limit)
    {
        rateLimited[limit].increment();
    }

    /**
     * @param limit {@link #LIMIT_KEY_RATE} …
     * @return envelopes refused under that limit.
     */
    public long rateLimited(final int limit)
    {
        return rateLimited[limit].sum();
    }

    public void onDecodeFailure()
    {
        decodeFailures.increment();
    }

    /**
     * @param status an HTTP status.
     * @return ingest requests answered with it.
     */
    public long requests(final int status)
    {
        return requestsByStatus[slot(status)].sum();
    }

    /** @return {@code session} items folded. */
    public long sessionUpdates()
    {
        return sessionUpdates.sum();
    }

    /** @return sessions folded from {@code sessions} aggregate items. */
    public long aggregateSessions()
    {
        return aggregateSessions.sum();
    }

    /** @return items of other types skipped. */
    public long skippedItems()
    {
        return skippedItems.sum();
    }

    /** @return request body bytes received. */
    public long bytesIn()
    {
        return bytesIn.sum();
    }

    /** @return envelopes or bodies that could not be decoded. */
    public long decodeFailures()
    {
        return decodeFailures.sum();
    }

    private static int slot(final int status)
    {
        for (int i = 0; i < STATUSES.length; i++)
        {
            if (STATUSES[i] == status)
            {
                return i;
            }
        }
        return STATUSES.length;
    }
}
