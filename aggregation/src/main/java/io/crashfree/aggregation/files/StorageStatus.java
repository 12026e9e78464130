package io.crashfree.aggregation.files;

import java.util.function.Consumer;

/**
 * What the node could not write to disk, by area: the count of failures, whether the area is failing now, and why.
 * The flusher (the only thread that creates or grows files while the node runs) reports each attempt; the log gets
 * one line when an area starts failing and one when it recovers, never one per attempt or per request. Readers
 * (metrics, health, the ingest path deciding how to word a refusal) only read volatile fields.
 */
public final class StorageStatus
{
    /** Where a write failed. */
    public enum Area
    {
        /** Growing the exactly-once sets (a new segment file for a day). */
        EXACTLY_ONCE("exactly-once", "the exactly-once sets cannot grow",
            "sessions of that day that need them (crashed, abnormal, unhandled, errored) get 503 with Retry-After " +
            "until space returns"),
        /** Writing the store (the flusher moving live records into it). */
        STORE("store", "the flusher cannot write the store",
            "live records stay in the live files (nothing is lost) and ingest gets 503 with Retry-After once they " +
            "fill, until the store can be written again");

        private final String metricName;
        private final String what;
        private final String consequence;

        Area(final String metricName, final String what, final String consequence)
        {
            this.metricName = metricName;
            this.what = what;
            this.consequence = consequence;
        }

        /** @return the area's label value on metrics. */
        public String metricName()
        {
            return metricName;
        }
    }

    private static final Area[] AREAS = Area.values();

    private final Consumer<String> log;
    private final long[] failures = new long[AREAS.length];
    private final long[] failingSinceMs = new long[AREAS.length];
    private final String[] problems = new String[AREAS.length];
    private volatile int failingAreas; // bit per area: read without the lock (ingest, when it words a refusal)
    private volatile boolean anyDiskFull;

    /** @param log receives one line when an area starts failing and one when it recovers. */
    public StorageStatus(final Consumer<String> log)
    {
        this.log = log;
    }

    /**
     * An attempt to write failed (flusher thread).
     *
     * @param area  where.
     * @param cause what went wrong ({@link DiskFullException} when it was space).
     * @param nowMs now.
     */
    public synchronized void onFailure(final Area area, final Throwable cause, final long nowMs)
    {
        final int i = area.ordinal();
        failures[i]++;
        final boolean diskFull = cause instanceof DiskFullException;
        final String problem = (diskFull ? "disk full: " : "write failed: ") + area.what + ": " + describe(cause);
        if (problems[i] == null)
        {
            failingSinceMs[i] = nowMs;
            log.accept(problem + "; " + area.consequence);
        }
        problems[i] = problem;
        refresh();
    }

    /**
     * An attempt to write succeeded, or nothing needed writing and there is room again (flusher thread).
     *
     * @param area  where.
     * @param nowMs now.
     */
    public synchronized void onSuccess(final Area area, final long nowMs)
    {
        final int i = area.ordinal();
        if (problems[i] != null)
        {
            log.accept("recovered: " + area.what.replace("cannot", "can") + " again, after " +
                Math.max(0, nowMs - failingSinceMs[i]) / 1000 + " s and " + failures[i] + " failed attempts so far");
            problems[i] = null;
            refresh();
        }
    }

    private void refresh()
    {
        int failing = 0;
        boolean diskFull = false;
        for (int i = 0; i < problems.length; i++)
        {
            failing |= problems[i] != null ? 1 << i : 0;
            diskFull |= problems[i] != null && problems[i].startsWith("disk full");
        }
        failingAreas = failing;
        anyDiskFull = diskFull;
    }

    private static String describe(final Throwable cause)
    {
        final String message = cause.getMessage();
        if (cause instanceof DiskFullException || cause instanceof java.io.UncheckedIOException)
        {
            return message;
        }
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace('\n', ' '));
    }

    /** @return whether any area is failing now (a cheap volatile read). */
    public boolean failing()
    {
        return failingAreas != 0;
    }

    /** @return whether any area is failing now for lack of disk space. */
    public boolean diskFull()
    {
        return anyDiskFull;
    }

    /**
     * @param area an area.
     * @return whether it is failing now (a cheap volatile read).
     */
    public boolean failing(final Area area)
    {
        return (failingAreas & (1 << area.ordinal())) != 0;
    }

    /**
     * @param area an area.
     * @return its failed attempts since start.
     */
    public synchronized long failures(final Area area)
    {
        return failures[area.ordinal()];
    }

    /** @return why writing fails now, one line per failing area joined by "; ", or null when nothing fails. */
    public synchronized String problem()
    {
        final StringBuilder out = new StringBuilder();
        for (final String p : problems)
        {
            if (p != null)
            {
                out.append(out.length() == 0 ? "" : "; ").append(p);
            }
        }
        return out.length() == 0 ? null : out.toString();
    }
}
