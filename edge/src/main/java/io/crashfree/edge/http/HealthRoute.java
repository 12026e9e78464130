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
        HttpResponses.json(ctx, status, report.healthy() ? OK : "{\"status\":\"unhealthy\",\"reason\":" +
            HttpResponses.jsonString(String.join("; ", report.problems())) + "}", keepAlive);
    }
}
