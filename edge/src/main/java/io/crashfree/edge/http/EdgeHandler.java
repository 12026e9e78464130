package io.crashfree.edge.http;

import io.crashfree.edge.ingest.BodyDecompressor;
import io.crashfree.edge.ingest.IngestWorker;
import io.crashfree.edge.ingest.Rejection;
import io.crashfree.edge.ingest.RequestOrigin;
import io.crashfree.edge.ingest.SentryAuth;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import io.crashfree.edge.dashboard.DashboardAssets;
import io.crashfree.edge.query.QueryService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

/**
 * One connection's HTTP/1.1 handler: routes each request, accumulates an ingest body up to its limit, and answers
 * once the body is complete. Requests on one connection are handled strictly in order, so pipelining and keep-alive
 * work without extra state; chunked bodies arrive as several {@link HttpContent}s like any other.
 * <p>
 * A message whose decode failed (bad chunk, head, version; too long a line or head) is answered once with its status
 * and the connection closed: a body it interrupted is dropped, never handed on, and the decoder reads nothing more.
 * While a query runs off the event loop the {@link ConnectionHandler} stops reading, so the requests queued behind it
 * are at most what one fed quantum held. It is told of each request's phases for its deadlines.
 * <p>
 * Runs on the connection's event loop. Bodies are held in a pooled heap buffer owned by this handler, counted against
 * the event loop's body budget, and released exactly once (on completion, rejection or channel close).
 */
final class EdgeHandler extends ChannelInboundHandlerAdapter
{
    private static final int ROUTE_NONE = 0;
    private static final int ROUTE_INGEST = 1;
    private static final int ROUTE_DISCARD = 2;
    /** A registry request whose (JSON) body is being read; answered on the query threads once complete. */
    private static final int ROUTE_REGISTRY = 3;

    private static final String ENVELOPE_PATH_PREFIX = "/api/";

    /** Messages queued behind a query: at most one fed quantum's worth, so this is a safety net, not a limit. */
    static final int MAX_QUEUED_WHILE_ANSWERING = 4096;
    /** First capacity of a body buffer; it grows with what arrives, never on a declared length alone. */
    static final int INITIAL_BODY_CAPACITY = 16 * 1024;

    private static final Rejection BODY_BUFFER_FULL = new Rejection(503,
        "the node holds too many request bodies right now (edge.http.body.buffer.megabytes); retry shortly", 1, null);
    private static final Rejection QUERIES_BUSY = new Rejection(503,
        "the query threads are busy (query.threads); retry shortly", 1, null);

    private final EdgeContext context;
    private final ConnectionHandler connection;
    private final LoopConnections loop;
    private final boolean opsListener;
    private IngestWorker worker;
    private boolean closing;
    private long bodyReserved;

    private int route = ROUTE_NONE;
    private boolean keepAlive;
    private long projectId;
    private boolean authFromEnvelope;
    /** The request is a legacy {@code POST /api/{id}/store/} (one event; forwarded upstream as an envelope). */
    private boolean store;
    private int encoding;
    private ByteBuf body;
    private Rejection pending;
    private boolean pendingCors;
    private boolean queryInFlight;
    private String registryMethod;
    private String registryUri;
    private String registryAuthorization;
    private final RequestOrigin origin = new RequestOrigin();
    private final ArrayDeque<Object> queuedWhileQuerying = new ArrayDeque<>();

    /**
     * @param context     what connections share.
     * @param connection  the connection's back-pressure and deadline handler.
     * @param opsListener whether this is the separate ops listener (only {@code /metrics} and {@code /health}).
     */
    EdgeHandler(final EdgeContext context, final ConnectionHandler connection, final boolean opsListener)
    {
        this.context = context;
        this.connection = connection;
        this.loop = connection.loop();
        this.opsListener = opsListener;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        worker = context.worker();
        origin.onConnected(ctx.channel().remoteAddress());
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (closing)
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (queryInFlight)
        {
            // A query runs off the event loop; later pipelined requests wait so answers keep their order.
            if (queuedWhileQuerying.size() >= MAX_QUEUED_WHILE_ANSWERING)
            {
                ReferenceCountUtil.release(msg);
                closeNow(ctx);
                return;
            }
            queuedWhileQuerying.add(msg);
            return;
        }
        try
        {
            if (msg instanceof HttpObject o && o.decoderResult().isFailure())
            {
                onMalformed(ctx, o);
                return;
            }
            if (msg instanceof HttpRequest request)
            {
                onRequest(ctx, request);
            }
            if (!closing && msg instanceof HttpContent content)
            {
                onContent(ctx, content);
            }
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        releaseBody();
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        releaseBody();
        releaseQueued();
    }

    private void releaseQueued()
    {
        Object m;
        while ((m = queuedWhileQuerying.poll()) != null)
        {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (!(cause instanceof IOException))
        {
            // A reset or broken pipe is the client going away, not a fault of the node.
            context.errors().onError("edge connection", cause);
        }
        releaseBody();
        closeNow(ctx);
    }

    private void closeNow(final ChannelHandlerContext ctx)
    {
        closing = true;
        connection.beginClose();
        releaseQueued();
        ctx.close();
    }

    // ---------------------------------------------------------------- failed decodes

    private void onMalformed(final ChannelHandlerContext ctx, final HttpObject msg)
    {
        final boolean cors = route == ROUTE_INGEST || pendingCors;
        releaseBody();
        pending = null;
        route = ROUTE_NONE;
        closing = true;
        connection.beginClose();
        if (!ctx.channel().isActive())
        {
            return; // the client closed mid-request (Netty reports the unfinished head); nobody to answer
        }
        answerMalformed(ctx, HttpDecodeFailure.of(msg, EdgeChannelInitializer.MAX_INITIAL_LINE_LENGTH,
            EdgeChannelInitializer.MAX_HEADER_SIZE), cors);
    }

    private void answerMalformed(final ChannelHandlerContext ctx, final HttpDecodeFailure failure, final boolean cors)
    {
        closing = true;
        connection.beginClose();
        keepAlive = false;
        context.metrics().connections().onMalformed(failure.reason());
        context.metrics().onRequest("http", failure.status());
        HttpResponses.error(ctx, failure.status(), failure.detail(), false, cors);
    }

    // ---------------------------------------------------------------- request head

    private void onRequest(final ChannelHandlerContext ctx, final HttpRequest request)
    {
        releaseBody();
        pending = null;
        pendingCors = false;
        route = ROUTE_DISCARD;
        connection.onHead();
        if (request.protocolVersion().majorVersion() != 1)
        {
            answerMalformed(ctx, HttpDecodeFailure.unsupportedVersion(request.protocolVersion().text()), false);
            return;
        }
        keepAlive = HttpUtil.isKeepAlive(request);

        final String uri = request.uri();
        final int pathEnd = pathEnd(uri);
        if (uri.startsWith("/health") && (pathEnd == 7 || (pathEnd == 8 && uri.charAt(7) == '/')))
        {
            HealthRoute.answer(ctx, context, keepAlive);
            return;
        }
        final String path = uri.substring(0, pathEnd);
        final boolean metricsPath = path.equals("/metrics");
        if (metricsPath && opsListener == context.config().ops().separateListener())
        {
            onMetricsRequest(ctx, request, path);
            return;
        }
        if (opsListener || metricsPath)
        {
            // The ops listener serves only /metrics and /health; with it, the edge port does not serve /metrics.
            context.metrics().onRequest("other", 404);
            HttpResponses.error(ctx, 404, "not found: " + path, keepAlive, false);
            return;
        }
        final int area = ApiRouter.areaOf(path);
        if (area == ApiRouter.DASHBOARD)
        {
            DashboardRoute.answerSettings(ctx, context, request, keepAlive, localPort(ctx));
            return;
        }
        if (area == ApiRouter.NONE && DashboardAssets.owns(path))
        {
            DashboardRoute.answerAsset(ctx, context, request, path, keepAlive);
            return;
        }
        if (area == ApiRouter.SESSIONS)
        {
            onReadRequest(ctx, request, path);
            return;
        }
        if (area == ApiRouter.REGISTRY)
        {
            onRegistryRequest(ctx, request);
            return;
        }
        final long id = envelopeProjectId(uri, pathEnd);
        if (id == NOT_ENVELOPE)
        {
            HttpResponses.error(ctx, 404, "not found: " + uri.substring(0, pathEnd), keepAlive, false);
            return;
        }
        final HttpMethod method = request.method();
        if (method.equals(HttpMethod.OPTIONS))
        {
            HttpResponses.preflight(ctx, keepAlive);
            return;
        }
        if (!method.equals(HttpMethod.POST))
        {
            reject(new Rejection(405, "method " + method + " not allowed; send envelopes with POST"));
            return;
        }
        if (id < 0)
        {
            reject(Rejection.BAD_PROJECT_PATH);
            return;
        }
        onIngestRequest(ctx, request, id, uri);
    }

    private void onIngestRequest(
        final ChannelHandlerContext ctx, final HttpRequest request, final long id, final String uri)
    {
        final HttpHeaders headers = request.headers();
        CharSequence xSentryAuth = null;
        int xSentryAuthCount = 0;
        CharSequence authorization = null;
        int authorizationCount = 0;
        CharSequence contentEncoding = null;
        origin.reset();
        final Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext())
        {
            final Map.Entry<CharSequence, CharSequence> h = it.next();
            final CharSequence name = h.getKey();
            if (origin.onHeader(name, h.getValue()))
            {
                continue;
            }
            if (X_SENTRY_AUTH.contentEqualsIgnoreCase(name))
            {
                if (xSentryAuthCount++ == 0)
                {
                    xSentryAuth = h.getValue();
                }
            }
            else if (HttpHeaderNames.AUTHORIZATION.contentEqualsIgnoreCase(name))
            {
                if (authorizationCount++ == 0)
                {
                    authorization = h.getValue();
                }
            }
            else if (HttpHeaderNames.CONTENT_ENCODING.contentEqualsIgnoreCase(name))
            {
                contentEncoding = h.getValue();
            }
        }

        final int authOutcome = worker.checkRequestAuth(
            id, xSentryAuth, xSentryAuthCount, authorization, authorizationCount, uri);
        if (authOutcome == IngestWorker.AUTH_REJECTED)
        {
            reject(worker.lastRejection());
            return;
        }
        final int enc = BodyDecompressor.encodingOf(contentEncoding);
        if (enc == BodyDecompressor.UNSUPPORTED)
        {
            reject(new Rejection(400, "unsupported Content-Encoding '" + contentEncoding +
                "'; use gzip, deflate, br or zstd"));
            return;
        }

        final int maxBytes = context.config().maxCompressedBodyBytes();
        final long contentLength = HttpUtil.getContentLength(request, -1L);
        if (contentLength > maxBytes)
        {
            keepAlive = false; // do not read a body this large just to find the next request
            respond(ctx, tooLarge(maxBytes), true);
            return;
        }
        route = ROUTE_INGEST;
        projectId = id;
        store = isStorePath(uri, pathEnd(uri));
        authFromEnvelope = authOutcome == IngestWorker.AUTH_FROM_ENVELOPE;
        encoding = enc;
        // Grown as bytes arrive: a declared length alone never reserves memory.
        final int initial = contentLength >= 0 ? (int)Math.min(contentLength, INITIAL_BODY_CAPACITY) : 4096;
        body = ctx.alloc().heapBuffer(Math.max(initial, 64), maxBytes);
    }

    // ---------------------------------------------------------------- read API (off the event loop)

    private void onMetricsRequest(final ChannelHandlerContext ctx, final HttpRequest request, final String path)
    {
        final String token = context.config().ops().metricsToken();
        if (!token.isEmpty() && !bearerMatches(request.headers().get(HttpHeaderNames.AUTHORIZATION), token))
        {
            context.metrics().onRequest("metrics", 401);
            HttpResponses.error(ctx, 401, "/metrics needs Authorization: Bearer <ops.metrics.token>", keepAlive,
                false);
            return;
        }
        onReadRequest(ctx, request, path);
    }

    private static boolean bearerMatches(final String authorization, final String token)
    {
        if (authorization == null || !authorization.regionMatches(true, 0, "bearer ", 0, 7))
        {
            return false;
        }
        // Constant time in the token's content, so a scraper's token cannot be guessed byte by byte.
        return MessageDigest.isEqual(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
            token.getBytes(StandardCharsets.UTF_8));
    }

    private void onReadRequest(final ChannelHandlerContext ctx, final HttpRequest request, final String path)
    {
        final boolean metrics = path.equals("/metrics");
        final String route = metrics ? "metrics" : "query";
        if (!request.method().equals(HttpMethod.GET))
        {
            context.metrics().onRequest(route, 405);
            HttpResponses.error(ctx, 405, "method " + request.method() + " not allowed; use GET", keepAlive, false);
            return;
        }
        final QueryService queries = context.queries();
        if (!metrics && queries == null)
        {
            context.metrics().onRequest(route, 503);
            HttpResponses.error(ctx, 503, "this node has no aggregates to query", keepAlive, false);
            return;
        }
        final String uri = request.uri();
        final String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        offload(ctx, route, metrics, () -> metrics ?
            new QueryService.Response(200, context.metrics().render(context.counters(),
                context.aggregation(), context.errors(), context.clock()::millis)) :
            queries.handle(uri, authorization, context.clock().millis()));
    }

    /**
     * Runs an answer on the query threads, never on the event loop; the connection stops reading meanwhile and the
     * answer is written back on the event loop, in order.
     */
    private void offload(final ChannelHandlerContext ctx, final String route, final boolean metrics,
        final java.util.function.Supplier<QueryService.Response> work)
    {
        queryInFlight = true;
        connection.pause(ConnectionHandler.PAUSED_ANSWERING);
        try
        {
            context.queryExecutor().execute(() ->
            {
                final long start = System.nanoTime();
                QueryService.Response response;
                try
                {
                    response = work.get();
                }
                catch (final RuntimeException | Error ex)
                {
                    context.errors().onError(route, ex);
                    response = QueryService.error(500, "internal error: " + ex);
                }
                if (!metrics)
                {
                    context.metrics().onQuery(System.nanoTime() - start);
                }
                final QueryService.Response answer = response;
                ctx.executor().execute(() -> onReadAnswered(ctx, route, answer, metrics));
            });
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            queryInFlight = false;
            connection.resume(ConnectionHandler.PAUSED_ANSWERING);
            context.metrics().onRequest(route, 503);
            if (context.queryExecutor().isShutdown())
            {
                HttpResponses.error(ctx, 503, "the node is shutting down", false, false);
            }
            else
            {
                HttpResponses.error(ctx, QUERIES_BUSY, keepAlive, false);
            }
        }
    }

    // ---------------------------------------------------------------- releases registry (off the event loop)

    private void onRegistryRequest(final ChannelHandlerContext ctx, final HttpRequest request)
    {
        if (context.registry() == null)
        {
            context.metrics().onRequest(REGISTRY_ROUTE, 503);
            HttpResponses.error(ctx, 503, "this node has no releases registry", keepAlive, false);
            return;
        }
        final int maxBytes = context.config().maxCompressedBodyBytes();
        final long contentLength = HttpUtil.getContentLength(request, -1L);
        if (contentLength > maxBytes)
        {
            keepAlive = false;
            context.metrics().onRequest(REGISTRY_ROUTE, 413);
            HttpResponses.error(ctx, tooLarge(maxBytes), false, false);
            return;
        }
        route = ROUTE_REGISTRY;
        registryMethod = request.method().name();
        registryUri = request.uri();
        registryAuthorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        final int initial = contentLength >= 0 ? (int)Math.min(contentLength, INITIAL_BODY_CAPACITY) : 1024;
        body = ctx.alloc().heapBuffer(Math.max(initial, 64), maxBytes);
    }

    private void onRegistryBodyComplete(final ChannelHandlerContext ctx)
    {
        final byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        releaseBody();
        final String method = registryMethod;
        final String uri = registryUri;
        final String authorization = registryAuthorization;
        registryMethod = null;
        registryUri = null;
        registryAuthorization = null;
        offload(ctx, REGISTRY_ROUTE, false,
            () -> context.registry().handle(method, uri, authorization, bytes, context.clock().millis()));
    }

    private static final String REGISTRY_ROUTE = "releases";

    private void onReadAnswered(final ChannelHandlerContext ctx, final String route, final QueryService.Response r,
        final boolean metrics)
    {
        context.metrics().onRequest(route, r.status());
        if (metrics && r.status() == 200)
        {
            HttpResponses.text(ctx, 200, HttpResponses.PROMETHEUS_TEXT, r.json(), keepAlive);
        }
        else
        {
            HttpResponses.json(ctx, r.status(), r.json(), r.link(), keepAlive);
        }
        queryInFlight = false;
        Object m;
        while (!queryInFlight && (m = queuedWhileQuerying.poll()) != null)
        {
            channelRead(ctx, m);
        }
        ctx.flush();
        if (!queryInFlight)
        {
            // Last: it may feed held bytes, which run through this handler again.
            connection.resume(ConnectionHandler.PAUSED_ANSWERING);
        }
    }

    private static final io.netty.util.AsciiString X_SENTRY_AUTH = io.netty.util.AsciiString.cached("x-sentry-auth");

    // ---------------------------------------------------------------- body

    private void onContent(final ChannelHandlerContext ctx, final HttpContent content)
    {
        final ByteBuf chunk = content.content();
        final int bytes = chunk.readableBytes();
        connection.onBodyBytes(bytes);
        if (route == ROUTE_INGEST || route == ROUTE_REGISTRY)
        {
            final int maxBytes = context.config().maxCompressedBodyBytes();
            if (bytes > maxBytes - body.readableBytes())
            {
                releaseBody();
                route = ROUTE_DISCARD;
                keepAlive = false;
                respond(ctx, tooLarge(maxBytes), true);
                return;
            }
            if (!loop.tryReserveBody(bytes))
            {
                releaseBody();
                route = ROUTE_DISCARD;
                keepAlive = false; // do not read the rest of a body there is no room for
                context.metrics().connections().onBodyBufferRefused();
                respond(ctx, BODY_BUFFER_FULL, true);
                return;
            }
            bodyReserved += bytes;
            body.writeBytes(chunk);
        }
        if (content instanceof LastHttpContent)
        {
            connection.onRequestRead();
            if (route == ROUTE_INGEST)
            {
                onBodyComplete(ctx);
            }
            else if (route == ROUTE_REGISTRY)
            {
                onRegistryBodyComplete(ctx);
            }
            else if (pending != null)
            {
                respond(ctx, pending, pendingCors);
            }
            route = ROUTE_NONE;
        }
    }

    private void onBodyComplete(final ChannelHandlerContext ctx)
    {
        final ByteBuf buf = body;
        body = null;
        try
        {
            final Rejection r = store ?
                worker.processStore(projectId, authFromEnvelope, encoding, buf.array(),
                    buf.arrayOffset() + buf.readerIndex(), buf.readableBytes(), context.clock().millis(), origin) :
                worker.process(projectId, authFromEnvelope, encoding,
                    buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes(), context.clock().millis(),
                    origin);
            if (r == null)
            {
                context.counters().onResponse(200);
                HttpResponses.ingestOk(ctx, keepAlive, worker.lastEventId());
            }
            else
            {
                respond(ctx, r, true);
            }
        }
        finally
        {
            buf.release();
            loop.releaseBody(bodyReserved);
            bodyReserved = 0;
        }
    }

    // ---------------------------------------------------------------- answers

    /** Remembers a rejection and answers it when the (discarded) body has been read. */
    private void reject(final Rejection rejection)
    {
        pending = rejection;
        pendingCors = true;
        route = ROUTE_DISCARD;
    }

    private void respond(final ChannelHandlerContext ctx, final Rejection r, final boolean cors)
    {
        pending = null;
        context.counters().onResponse(r.status());
        HttpResponses.error(ctx, r, keepAlive, cors);
    }

    private static Rejection tooLarge(final int maxBytes)
    {
        return new Rejection(413, "request body is larger than " + maxBytes +
            " bytes (limits.body.compressed.max.bytes)");
    }

    private void releaseBody()
    {
        if (body != null)
        {
            body.release();
            body = null;
        }
        if (bodyReserved != 0)
        {
            loop.releaseBody(bodyReserved);
            bodyReserved = 0;
        }
    }

    // ---------------------------------------------------------------- routing

    private static final long NOT_ENVELOPE = Long.MIN_VALUE;

    private static int localPort(final ChannelHandlerContext ctx)
    {
        return ctx.channel().localAddress() instanceof java.net.InetSocketAddress a ? a.getPort() : 0;
    }

    /** @return whether the path is {@code /api/{id}/store[/]}, the legacy single-event endpoint. */
    private static boolean isStorePath(final String uri, final int pathEnd)
    {
        final int slash = uri.indexOf('/', ENVELOPE_PATH_PREFIX.length());
        if (slash < 0 || slash > pathEnd)
        {
            return false;
        }
        final int restLength = pathEnd - slash - 1;
        return (restLength == 5 || (restLength == 6 && uri.charAt(pathEnd - 1) == '/')) &&
            uri.startsWith("store", slash + 1);
    }

    private static int pathEnd(final String uri)
    {
        final int q = uri.indexOf('?');
        return q < 0 ? uri.length() : q;
    }

    /**
     * @return the project id of {@code /api/{id}/envelope[/]} or {@code /api/{id}/store[/]}, -1 when the id is not a
     *         number, or
     *         {@link #NOT_ENVELOPE} for any other path.
     */
    private static long envelopeProjectId(final String uri, final int pathEnd)
    {
        if (!uri.startsWith(ENVELOPE_PATH_PREFIX))
        {
            return NOT_ENVELOPE;
        }
        final int idStart = ENVELOPE_PATH_PREFIX.length();
        final int slash = uri.indexOf('/', idStart);
        if (slash < 0 || slash > pathEnd)
        {
            return NOT_ENVELOPE;
        }
        final int rest = slash + 1;
        final int restLength = pathEnd - rest;
        final boolean envelope = (restLength == 8 || (restLength == 9 && uri.charAt(pathEnd - 1) == '/')) &&
            uri.startsWith("envelope", rest);
        if (!envelope && !isStorePath(uri, pathEnd))
        {
            return NOT_ENVELOPE;
        }
        return SentryAuth.parseProjectId(uri, idStart, slash);
    }
}
