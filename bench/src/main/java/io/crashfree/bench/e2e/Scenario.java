package io.crashfree.bench.e2e;

import io.crashfree.loadgen.RunResult;

import java.util.List;

/**
 * The loads the end-to-end benchmark compares node and ceiling under, as load-generator options and the figure each
 * is judged by.
 */
public enum Scenario
{
    /** Keep-alive single-session envelopes as the Node SDK sends them; requests per second answered 200. */
    KEEPALIVE("keepalive", "keep-alive single-session envelopes (Node SDK: key in the query, chunked, no gzip), " +
        "closed loop", "req/s", List.of("--sdk", "node")),
    /** One connection per envelope, gzip, as the Java SDK sends; requests per second answered 200. */
    CLOSE("close", "Connection: close single-session envelopes (Java SDK: X-Sentry-Auth, gzip, item length), " +
        "closed loop", "req/s", List.of("--sdk", "java")),
    /** 100-entry {@code sessions} aggregates on keep-alive connections; sessions per second. */
    AGGREGATES("aggregates", "100-entry 'sessions' aggregate envelopes, one session per entry (Node SDK framing), " +
        "keep-alive, closed loop", "sessions/s",
        List.of("--sdk", "node", "--envelopes", "sessions", "--entries", "100", "--entry-sessions", "1")),
    /** Open loop at half the node's maximum keep-alive rate; p99 latency from the intended send time. */
    LATENCY("latency", "keep-alive single-session envelopes, open loop at half the node's maximum keep-alive rate, " +
        "latency from the intended send time (corrected for coordinated omission)", "ms p99",
        List.of("--sdk", "node"));

    private final String id;
    private final String description;
    private final String unit;
    private final List<String> loadgenArgs;

    Scenario(final String id, final String description, final String unit, final List<String> loadgenArgs)
    {
        this.id = id;
        this.description = description;
        this.unit = unit;
        this.loadgenArgs = loadgenArgs;
    }

    /** @return the name used on the command line. */
    public String id()
    {
        return id;
    }

    /** @return what the load is. */
    public String description()
    {
        return description;
    }

    /** @return the unit of {@link #figure}. */
    public String unit()
    {
        return unit;
    }

    /** @return the load generator's options for this load (the target, duration and rate are added). */
    public List<String> loadgenArgs()
    {
        return loadgenArgs;
    }

    /**
     * @param r a leg's result.
     * @return the figure this scenario is judged by.
     */
    public double figure(final RunResult r)
    {
        switch (this)
        {
            case AGGREGATES:
                return r.sessionsPerSecond();
            case LATENCY:
                return r.latencyMs(99);
            default:
                return r.okPerSecond();
        }
    }

    /**
     * @param id a command-line name.
     * @return the scenario, or null.
     */
    public static Scenario byId(final String id)
    {
        for (final Scenario s : values())
        {
            if (s.id.equals(id))
            {
                return s;
            }
        }
        return null;
    }
}
