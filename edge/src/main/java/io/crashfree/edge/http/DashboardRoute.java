package io.crashfree.edge.http;

import io.crashfree.edge.dashboard.DashboardAssets;
import io.crashfree.edge.dashboard.DashboardSettings;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * The dashboard's pages and files ({@link DashboardAssets}) and its settings endpoint ({@link DashboardSettings}),
 * answered on the event loop from memory: no file or socket I/O, nothing waits.
 * <p>
 * Every answer carries a strict {@code Content-Security-Policy} (scripts, styles, images and requests from the node
 * itself only; no inline script or style markup; no framing), {@code X-Content-Type-Options: nosniff} and
 * {@code Referrer-Policy: no-referrer}. Files carry an {@code ETag} and {@code Cache-Control: no-cache}: the browser
 * keeps them and revalidates, answered {@code 304} while they are unchanged, so a node upgrade is seen at once.
 */
final class DashboardRoute
{
    static final AsciiString CONTENT_SECURITY_POLICY = AsciiString.cached("content-security-policy");
    static final AsciiString POLICY = AsciiString.cached("default-src 'none'; script-src 'self'; " +
        "style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; " +
        "form-action 'self'; frame-ancestors 'none'");
    private static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
    private static final AsciiString NO_REFERRER = AsciiString.cached("no-referrer");
    private static final AsciiString REFERRER_POLICY = AsciiString.cached("referrer-policy");
    private static final AsciiString NO_CACHE = AsciiString.cached("no-cache");
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final String ROUTE = "dashboard";

    private DashboardRoute()
    {
    }

    /**
     * Answers a path {@link DashboardAssets#owns} claims: the file, {@code 304} when the browser's copy is current,
     * {@code 404} for an unknown file, {@code 405} for a method other than GET or HEAD.
     */
    static void answerAsset(final ChannelHandlerContext ctx, final EdgeContext context, final HttpRequest request,
        final String path, final boolean keepAlive)
    {
        final HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD))
        {
            context.metrics().onRequest(ROUTE, 405);
            HttpResponses.error(ctx, 405, "method " + method + " not allowed; use GET", keepAlive, false);
            return;
        }
        final DashboardAssets.Asset asset = context.dashboard().find(path);
        if (asset == null)
        {
            context.metrics().onRequest(ROUTE, 404);
            HttpResponses.error(ctx, 404, "not found: " + path, keepAlive, false);
            return;
        }
        final String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        final boolean current = ifNoneMatch != null && matches(ifNoneMatch, asset.etag());
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            current ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
            current ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.bytes()));
        final HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
        h.set(HttpHeaderNames.ETAG, asset.etag());
        h.set(HttpHeaderNames.CACHE_CONTROL, NO_CACHE);
        securityHeaders(h);
        context.metrics().onRequest(ROUTE, current ? 304 : 200);
        HttpResponses.write(ctx, response, keepAlive);
    }

    /** Answers {@code GET /api/0/organizations/{org}/dashboard/}. */
    static void answerSettings(final ChannelHandlerContext ctx, final EdgeContext context, final HttpRequest request,
        final boolean keepAlive, final int port)
    {
        if (!request.method().equals(HttpMethod.GET))
        {
            context.metrics().onRequest(ROUTE, 405);
            HttpResponses.error(ctx, 405, "method " + request.method() + " not allowed; use GET", keepAlive, false);
            return;
        }
        final DashboardSettings.Answer answer = context.dashboardSettings().answer(
            request.headers().get(HttpHeaderNames.AUTHORIZATION), request.headers().get(HttpHeaderNames.HOST), port);
        context.metrics().onRequest(ROUTE, answer.status());
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(answer.status()),
            Unpooled.wrappedBuffer(answer.json().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        securityHeaders(response.headers());
        HttpResponses.write(ctx, response, keepAlive);
    }

    private static void securityHeaders(final HttpHeaders h)
    {
        h.set(CONTENT_SECURITY_POLICY, POLICY);
        h.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        h.set(REFERRER_POLICY, NO_REFERRER);
    }

    /** {@code If-None-Match}: a list of entity tags, or {@code *}; weak tags compare by their opaque part. */
    private static boolean matches(final String ifNoneMatch, final String etag)
    {
        for (final String part : ifNoneMatch.split(","))
        {
            String tag = part.trim();
            if (tag.equals("*"))
            {
                return true;
            }
            if (tag.startsWith("W/"))
            {
                tag = tag.substring(2);
            }
            if (tag.equals(etag))
            {
                return true;
            }
        }
        return false;
    }
}
