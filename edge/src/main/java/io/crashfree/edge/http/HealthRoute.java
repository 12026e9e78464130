package io.crashfree.edge.http;

import io.crashfree.edge.ops.HealthCheck;
import io.netty.channel.ChannelHandlerContext;

/**
 * {@code GET /health}: {@code 200 {"status":"ok"}}, or {@code 503 {"status":"unhealthy","reason":"…"}} naming what
 * stopped or fell behind ({@link HealthCheck}). Answered on the event loop: the check only reads volatile state.
 */
final class HealthRoute
{
    private static final String OK = "{\"status\":\"ok\"}";

    private HealthRoute()
    {
    }

    /**
     * @param ctx       the connection.
     * @param context   what the connections share.
     * @param keepAlive whether the connection stays open.
     */
    static void answer(final ChannelHandlerContext ctx, final EdgeContext context, final boolean keepAlive)
    {
        final HealthCheck.Report report = context.health().check(context.clock().millis());
        final int status = report.healthy() ? 200 : 503;
        context.metrics().onRequest("health", status);
        final String body = !report.healthy() ? "{\"status\":\"unhealthy\",\"reason\":" +
            HttpResponses.jsonString(String.join("; ", report.problems())) + "}" :
            report.degraded().isEmpty() ? OK : "{\"status\":\"degraded\",\"reason\":" +
            HttpResponses.jsonString(String.join("; ", report.degraded())) + "}";
        HttpResponses.json(ctx, status, body, keepAlive);
    }
}
