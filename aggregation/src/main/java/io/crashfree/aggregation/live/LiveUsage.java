package io.crashfree.aggregation.live;

import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What each project holds of the live side, in bytes (records and dense sketch blocks), against its share of the
 * node's live memory budget: the flusher moves a project's coldest records to the store early when it nears its
 * share, and ingest answers {@code 429} for that project only when it is past it (DESIGN.md §5; issue 10).
 * <p>
 * Projects are known at start (the configuration); a project id not configured (data left by a removed project)
 * is counted in slot 0 with the default share. Counters are updated on record claims and frees and on block
 * promotions and frees, never per session; they are recounted from the records at start.
 */
public final class LiveUsage
{
    private static final long RECORD_BYTES = LiveTableDescriptor.RECORD_BYTES;

    private final Long2LongHashMap slots = new Long2LongHashMap(-1);
    private final long[] projects;
    private final long[] limitBytes;
    private final AtomicLongArray records;
    private final AtomicLongArray sketchBytes;
    private final long[] exactlyOnceLimit;
    private final AtomicLongArray exactlyOnce;     // [slot * DAYS + day % DAYS]
    private final AtomicLongArray exactlyOnceDay;  // the day each counter above belongs to

    private static final int DAYS = 8;

    /**
     * @param budgetBytes the node's live memory budget.
     * @param limits      per-project limits.
     * @param projectIds  the configured projects.
     */
    public LiveUsage(final long budgetBytes, final ProjectLimits limits, final long[] projectIds)
    {
        final int n = projectIds.length + 1;
        this.projects = new long[n];
        this.limitBytes = new long[n];
        this.exactlyOnceLimit = new long[n];
        this.records = new AtomicLongArray(n);
        this.sketchBytes = new AtomicLongArray(n);
        this.exactlyOnce = new AtomicLongArray(n * DAYS);
        this.exactlyOnceDay = new AtomicLongArray(n * DAYS);
        projects[0] = -1;
        limitBytes[0] = (long)(budgetBytes * limits.defaults().liveShare());
        exactlyOnceLimit[0] = limits.defaults().exactlyOncePerDay();
        for (int i = 0; i < projectIds.length; i++)
        {
            final ProjectLimits.Limits l = limits.of(projectIds[i]);
            projects[i + 1] = projectIds[i];
            limitBytes[i + 1] = (long)(budgetBytes * l.liveShare());
            exactlyOnceLimit[i + 1] = l.exactlyOncePerDay();
            slots.put(projectIds[i], i + 1);
        }
    }

    /**
     * @param budgetBytes the node's live memory budget.
     * @return usage accounting with one share (the whole budget) for every project: tests and tools.
     */
    public static LiveUsage unlimited(final long budgetBytes)
    {
        return new LiveUsage(budgetBytes, ProjectLimits.unlimited(), new long[0]);
    }

    /**
     * Counts one exactly-once entry of a project for a day of {@code started}.
     *
     * @param slot     the project's slot.
     * @param epochDay the day.
     */
    void onExactlyOnce(final int slot, final long epochDay)
    {
        final int i = slot * DAYS + (int)(epochDay & (DAYS - 1));
        final long day = exactlyOnceDay.get(i);
        if (day != epochDay)
        {
            if (day > epochDay)
            {
                return; // a day outside the window: the time checks drop it anyway
            }
            if (exactlyOnceDay.compareAndSet(i, day, epochDay))
            {
                exactlyOnce.set(i, 0);
            }
        }
        exactlyOnce.getAndIncrement(i);
    }

    /**
     * @param slot     a project's slot.
     * @param epochDay a day of {@code started}.
     * @return whether the project used its exactly-once entries for that day (a soft limit: the counts restart
     *         at zero when the node does).
     */
    public boolean exactlyOnceExhausted(final int slot, final long epochDay)
    {
        final int i = slot * DAYS + (int)(epochDay & (DAYS - 1));
        return exactlyOnceDay.get(i) == epochDay && exactlyOnce.get(i) >= exactlyOnceLimit[slot];
    }

    /**
     * @param project a project id.
     * @return its slot (0 for a project not configured).
     */
    public int slot(final long project)
    {
        final long slot = slots.get(project);
        return slot < 0 ? 0 : (int)slot;
    }

    /** @return the number of slots (configured projects + 1). */
    public int slots()
    {
        return projects.length;
    }

    /** @return the project id of a slot, -1 for slot 0. */
    public long project(final int slot)
    {
        return projects[slot];
    }

    void onRecords(final long project, final int delta)
    {
        records.getAndAdd(slot(project), delta);
    }

    void onSketchBytes(final long project, final long delta)
    {
        sketchBytes.getAndAdd(slot(project), delta);
    }

    void reset()
    {
        for (int i = 0; i < projects.length; i++)
        {
            records.set(i, 0);
            sketchBytes.set(i, 0);
        }
    }

    /** @return bytes the slot's records and blocks take. */
    public long usedBytes(final int slot)
    {
        return records.get(slot) * RECORD_BYTES + sketchBytes.get(slot);
    }

    /** @return the slot's share of the budget, bytes. */
    public long limitBytes(final int slot)
    {
        return limitBytes[slot];
    }

    /**
     * @param slot a slot.
     * @return whether the project is past its share (ingest answers {@code 429} for it).
     */
    public boolean overLimit(final int slot)
    {
        return usedBytes(slot) > limitBytes[slot];
    }

    /** @return bytes a record takes, without its blocks. */
    public static long recordBytes()
    {
        return RECORD_BYTES;
    }

}
