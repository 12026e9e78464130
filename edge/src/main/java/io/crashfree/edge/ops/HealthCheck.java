package io.crashfree.edge.ops;

import io.crashfree.aggregation.Aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Decides what {@code GET /health} answers: healthy while every essential thread runs and the flusher keeps up,
 * otherwise the reasons, each naming what stopped or how far behind it is against which bound. A supervisor or load
 * balancer that sees {@code 503} restarts the node or sends traffic elsewhere; a restart loses nothing (everything
 * acknowledged is in mapped files).
 * <p>
 * Unhealthy when:
 * <ul>
 *   <li>the flusher thread has stopped;</li>
 *   <li>the flusher has not completed a cycle for longer than {@link HealthBounds#flushLagMaxMs()} (its cycles keep
 *       failing, or one hangs);</li>
 *   <li>its cycles have ended with the live memory over the early-flush mark, without a break, for longer than
 *       {@link HealthBounds#pressureMaxMs()};</li>
 *   <li>another essential thread (the event loops, the configuration watcher) has stopped.</li>
 * </ul>
 * Reads only volatile fields and thread states, so an event loop answers it without waiting on anything.
 */
public final class HealthCheck
{
    private static final Report HEALTHY = new Report(List.of(), List.of());

    private final HealthBounds bounds;
    private final Aggregation aggregation;
    private final List<Essential> essentials = new CopyOnWriteArrayList<>();
    private final List<java.util.function.LongFunction<String>> limitations = new CopyOnWriteArrayList<>();

    /**
     * The answer.
     *
     * @param problems why the node is unhealthy; empty when it is healthy.
     * @param degraded why the node serves with a limitation (cluster mode: Kafka unreachable, publishing behind);
     *                 it is still healthy ({@code 200}, {@code "status":"degraded"}): a load balancer keeps sending.
     */
    public record Report(List<String> problems, List<String> degraded)
    {
        /** @return whether nothing is wrong. */
        public boolean healthy()
        {
            return problems.isEmpty();
        }
    }

    private record Essential(String name, BooleanSupplier running)
    {
    }

    /**
     * @param bounds      how far behind the flusher may be.
     * @param aggregation the aggregation side, or null (a node started with another sink has no flusher).
     */
    public HealthCheck(final HealthBounds bounds, final Aggregation aggregation)
    {
        this.bounds = bounds;
        this.aggregation = aggregation;
    }

    /**
     * Adds a thread (or group of threads) the node cannot serve without.
     *
     * @param name    what it is, for the reason ("the configuration watcher").
     * @param running whether it still runs.
     */
    public void essential(final String name, final BooleanSupplier running)
    {
        essentials.add(new Essential(name, running));
    }

    /**
     * Adds a check of a limitation that leaves the node serving (degraded, not down).
     *
     * @param check from now (ms) to the reason, or null when the limitation is absent.
     */
    public void degradedWhen(final java.util.function.LongFunction<String> check)
    {
        limitations.add(check);
    }

    /**
     * @param nowMs the node's clock (the flusher's cycles are stamped with the same clock).
     * @return healthy, or the reasons.
     */
    public Report check(final long nowMs)
    {
        List<String> problems = null;
        if (aggregation != null)
        {
            final String flusher = flusherProblem(nowMs);
            if (flusher != null)
            {
                problems = new ArrayList<>(2);
                problems.add(flusher);
            }
        }
        for (final Essential e : essentials)
        {
            if (!e.running().getAsBoolean())
            {
                if (problems == null)
                {
                    problems = new ArrayList<>(2);
                }
                problems.add(e.name() + " has stopped (see the error log)");
            }
        }
        List<String> degraded = null;
        for (final java.util.function.LongFunction<String> check : limitations)
        {
            final String reason = check.apply(nowMs);
            if (reason != null)
            {
                if (degraded == null)
                {
                    degraded = new ArrayList<>(1);
                }
                degraded.add(reason);
            }
        }
        return problems == null && degraded == null ? HEALTHY : new Report(
            problems == null ? List.of() : List.copyOf(problems), degraded == null ? List.of() : List.copyOf(degraded));
    }

    private String flusherProblem(final long nowMs)
    {
        if (!aggregation.flusherAlive())
        {
            return "the flusher thread has stopped (see the error log): nothing moves to the store and the live " +
                "memory fills up";
        }
        final long lagMs = nowMs - aggregation.flusher().lastCycleMs();
        if (lagMs > bounds.flushLagMaxMs())
        {
            return "the flusher has not completed a cycle for " + seconds(lagMs) + " s (bound " +
                seconds(bounds.flushLagMaxMs()) + " s, node.health.flush.lag.max.seconds; see the error log)";
        }
        final long sinceMs = aggregation.flusher().pressureSinceMs();
        if (sinceMs != 0 && nowMs - sinceMs > bounds.pressureMaxMs())
        {
            return "the live memory has stayed over its early-flush mark for " + seconds(nowMs - sinceMs) +
                " s: early flushes do not keep up with what arrives (bound " + seconds(bounds.pressureMaxMs()) +
                " s, node.health.pressure.max.seconds)";
        }
        return null;
    }

    private static String seconds(final long ms)
    {
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : Long.toString(ms / 100 / 10) + '.' + (ms / 100 % 10);
    }
}
