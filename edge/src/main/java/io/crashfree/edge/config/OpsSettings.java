package io.crashfree.edge.config;

/**
 * Who may read {@code /metrics}, and where. Built by {@link ConfigLoader}.
 *
 * @param metricsToken {@code ops.metrics.token}: the bearer token a scrape must send
 *                     ({@code Authorization: Bearer <token>}), or empty for an open {@code /metrics}.
 * @param metricsHost  {@code ops.metrics.host}: the address of the separate ops listener (the edge's own address when
 *                     the key is empty).
 * @param metricsPort  {@code ops.metrics.port}: the port of a separate listener that serves {@code /metrics} and
 *                     {@code /health} only (then the edge port answers {@code /metrics} with {@code 404}); 0 picks a
 *                     free one; {@link #NO_SEPARATE_PORT} serves {@code /metrics} on the edge port.
 */
public record OpsSettings(String metricsToken, String metricsHost, int metricsPort)
{
    /** {@link #metricsPort}: no separate listener. */
    public static final int NO_SEPARATE_PORT = -1;

    /** @return whether {@code /metrics} has its own listener. */
    public boolean separateListener()
    {
        return metricsPort != NO_SEPARATE_PORT;
    }

    /** @return whether a scrape must send the token. */
    public boolean tokenRequired()
    {
        return !metricsToken.isEmpty();
    }
}
