package io.crashfree.edge.http;

import io.crashfree.aggregation.session.Utf8Text;
import io.crashfree.edge.ingest.Rejection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/**
 * Writes the node's HTTP answers: JSON bodies, CORS headers on ingest routes, keep-alive or close.
 */
final class HttpResponses
{
    static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    static final AsciiString PROMETHEUS_TEXT = AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");
    static final AsciiString ANY_ORIGIN = AsciiString.cached("*");
    static final AsciiString EXPOSED_HEADERS = AsciiString.cached("x-sentry-error, x-sentry-rate-limits, retry-after");
    private static final AsciiString LINK = AsciiString.cached("link");
    static final AsciiString ALLOWED_HEADERS = AsciiString.cached(
        "x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, " +
        "authorization, content-encoding, transfer-encoding");
    static final AsciiString ALLOWED_METHODS = AsciiString.cached("POST, OPTIONS");
    static final AsciiString PREFLIGHT_MAX_AGE_SECONDS = AsciiString.cached("3600");
    static final AsciiString X_SENTRY_ERROR = AsciiString.cached("x-sentry-error");
    static final AsciiString X_SENTRY_RATE_LIMITS = AsciiString.cached("x-sentry-rate-limits");

    // A heap buffer: the encoder copies these two bytes next to the headers, and copying out of a read-only direct
    // buffer went through an NIO slice per answer (4% of an event loop's samples).
    private static final ByteBuf EMPTY_OBJECT = Unpooled.unreleasableBuffer(
        Unpooled.wrappedBuffer("{}".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private HttpResponses()
    {
    }

    /**
     * Answers a successful ingest: {@code {}}, or {@code {"id":"…"}} when the envelope had an event id.
     */
    static void ingestOk(final ChannelHandlerContext ctx, final boolean keepAlive, final Utf8Text eventId)
    {
        final ByteBuf body;
        if (eventId.isPresent() && isPlainId(eventId))
        {
            body = ctx.alloc().buffer(10 + eventId.storedLength());
            body.writeBytes(ID_PREFIX).writeBytes(eventId.bytes(), 0, eventId.storedLength()).writeBytes(ID_SUFFIX);
        }
        else
        {
            // The common answer: its headers never change, so they are built once (setting and validating them per
            // request was about a tenth of an event loop's time under keep-alive load).
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK, EMPTY_OBJECT.duplicate(), keepAlive ? OK_EMPTY_KEEP_ALIVE : OK_EMPTY_CLOSE,
                EmptyHttpHeaders.INSTANCE);
            send(ctx, response, keepAlive);
            return;
        }
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        corsHeaders(response.headers());
        write(ctx, response, keepAlive);
    }

    private static final HttpHeaders OK_EMPTY_KEEP_ALIVE = new ReadOnlyHttpHeaders(false,
        HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN,
        HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS,
        HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON,
        HttpHeaderNames.CONTENT_LENGTH, AsciiString.cached("2"));
    private static final HttpHeaders OK_EMPTY_CLOSE = new ReadOnlyHttpHeaders(false,
        HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN,
        HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS,
        HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON,
        HttpHeaderNames.CONTENT_LENGTH, AsciiString.cached("2"),
        HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);

    private static final byte[] ID_PREFIX = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);

    private static boolean isPlainId(final Utf8Text id)
    {
        final byte[] b = id.bytes();
        for (int i = 0; i < id.storedLength(); i++)
        {
            final byte c = b[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-'))
            {
                return false;
            }
        }
        return !id.isTruncated();
    }

    /**
     * Answers with an error status and {@code {"detail": "…"}}.
     *
     * @param cors whether to add the CORS headers (ingest routes).
     */
    static void error(
        final ChannelHandlerContext ctx,
        final int status,
        final String detail,
        final boolean keepAlive,
        final boolean cors)
    {
        final FullHttpResponse response = json(ctx, HttpResponseStatus.valueOf(status), "{\"detail\":" +
            jsonString(detail) + "}");
        if (cors)
        {
            corsHeaders(response.headers());
            response.headers().set(X_SENTRY_ERROR, headerSafe(detail));
        }
        write(ctx, response, keepAlive);
    }

    /**
     * Answers a refusal: its status, {@code {"detail": "…"}}, and {@code Retry-After} / {@code X-Sentry-Rate-Limits}
     * when it has them (Relay's answers to a rate-limited or overloaded client).
     *
     * @param cors whether to add the CORS headers (ingest routes).
     */
    static void error(final ChannelHandlerContext ctx, final Rejection r, final boolean keepAlive, final boolean cors)
    {
        final FullHttpResponse response = json(ctx, HttpResponseStatus.valueOf(r.status()), "{\"detail\":" +
            jsonString(r.detail()) + "}");
        if (cors)
        {
            corsHeaders(response.headers());
            response.headers().set(X_SENTRY_ERROR, headerSafe(r.detail()));
        }
        if (r.retryAfterSeconds() > 0)
        {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, r.retryAfterSeconds());
        }
        if (r.rateLimits() != null)
        {
            response.headers().set(X_SENTRY_RATE_LIMITS, r.rateLimits());
        }
        write(ctx, response, keepAlive);
    }

    /**
     * Answers with an error status and {@code {"detail": "…"}} from outside the request's handler (a deadline) and
     * closes the connection once the answer is written.
     *
     * @param channel the connection.
     * @param status  HTTP status.
     * @param detail  what went wrong.
     */
    static void closeWith(final Channel channel, final int status, final String detail)
    {
        final byte[] bytes = ("{\"detail\":" + jsonString(detail) + "}").getBytes(StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status), channel.alloc().buffer(bytes.length).writeBytes(bytes));
        final HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** Answers a CORS preflight for the ingest route. */
    static void preflight(final ChannelHandlerContext ctx, final boolean keepAlive)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        final HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
        h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS);
        write(ctx, response, keepAlive);
    }

    /** Answers with a JSON body of the given status. */
    static void json(final ChannelHandlerContext ctx, final int status, final String json, final boolean keepAlive)
    {
        write(ctx, json(ctx, HttpResponseStatus.valueOf(status), json), keepAlive);
    }

    /** Answers with a JSON body and, when not null, Sentry's paging {@code Link} header. */
    static void json(final ChannelHandlerContext ctx, final int status, final String json, final String link,
        final boolean keepAlive)
    {
        final FullHttpResponse response = json(ctx, HttpResponseStatus.valueOf(status), json);
        if (link != null)
        {
            response.headers().set(LINK, link);
        }
        write(ctx, response, keepAlive);
    }

    /** Answers with a text body of the given content type. */
    static void text(final ChannelHandlerContext ctx, final int status, final AsciiString contentType,
        final String text, final boolean keepAlive)
    {
        final FullHttpResponse response = json(ctx, HttpResponseStatus.valueOf(status), text);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        write(ctx, response, keepAlive);
    }

    private static FullHttpResponse json(
        final ChannelHandlerContext ctx, final HttpResponseStatus status, final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        final ByteBuf body = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    }

    private static void corsHeaders(final HttpHeaders h)
    {
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN);
        h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }

    /** Writes an answer with its {@code Content-Length} (and {@code Content-Type} JSON unless set), keep-alive or close. */
    static void write(final ChannelHandlerContext ctx, final FullHttpResponse response, final boolean keepAlive)
    {
        final HttpHeaders h = response.headers();
        if (!h.contains(HttpHeaderNames.CONTENT_TYPE))
        {
            h.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (!keepAlive)
        {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        send(ctx, response, keepAlive);
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpResponse response, final boolean keepAlive)
    {
        if (keepAlive)
        {
            ctx.write(response, ctx.voidPromise());
        }
        else
        {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String headerSafe(final String detail)
    {
        final StringBuilder sb = new StringBuilder(Math.min(detail.length(), 200));
        for (int i = 0; i < detail.length() && sb.length() < 200; i++)
        {
            final char c = detail.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : ' ');
        }
        return sb.toString();
    }

    /**
     * Quotes text as a JSON string.
     *
     * @param s text.
     * @return the JSON string literal.
     */
    static String jsonString(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
