package io.crashfree.edge.ops;

/**
 * How far the node may fall behind before {@code GET /health} answers {@code 503}.
 *
 * @param flushLagMaxMs {@code node.health.flush.lag.max.seconds}: longest time since the flusher last completed a
 *                      cycle (a cycle moves quiet buckets to the store and prepares the exactly-once day files).
 * @param pressureMaxMs {@code node.health.pressure.max.seconds}: longest time the flusher's cycles may end with the
 *                      live memory still over its early-flush mark (the flusher cannot keep up with what arrives).
 */
public record HealthBounds(long flushLagMaxMs, long pressureMaxMs)
{
}
