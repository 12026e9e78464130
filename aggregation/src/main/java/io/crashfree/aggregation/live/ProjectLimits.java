package io.crashfree.aggregation.live;

import java.util.Map;

/**
 * What one project may hold of the node's live side, so that one project (a busy app, or abuse with its public key)
 * cannot take capacity from the others. Past a limit the project's envelopes get {@code 429}; other projects are
 * unaffected. Configured as {@code aggregation.project.*} (defaults) and {@code project.<id>.limits.*} (overrides).
 *
 * @param defaults   limits of every project without an override.
 * @param perProject overrides by project id.
 */
public record ProjectLimits(Limits defaults, Map<Long, Limits> perProject)
{
    /**
     * One project's limits.
     *
     * @param liveShare         share of the live memory budget (records and sketch blocks), 0..1.
     * @param names             releases plus environments held at once (retired with their data).
     * @param exactlyOncePerDay exactly-once entries (crashed, abnormal, unhandled, errored sessions) per day of
     *                          {@code started}.
     */
    public record Limits(double liveShare, int names, long exactlyOncePerDay)
    {
    }

    /** @return limits that never refuse (tests, tools). */
    public static ProjectLimits unlimited()
    {
        return new ProjectLimits(new Limits(1.0, Integer.MAX_VALUE, Long.MAX_VALUE), Map.of());
    }

    /**
     * @param project a project id.
     * @return its limits.
     */
    public Limits of(final long project)
    {
        return perProject.getOrDefault(project, defaults);
    }
}
