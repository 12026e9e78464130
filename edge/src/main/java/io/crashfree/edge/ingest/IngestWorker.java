package io.crashfree.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import io.crashfree.aggregation.session.IdHash;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.ops.NodeMetrics;
import io.crashfree.aggregation.session.SessionAggregates;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.errors.forward.ForwardMetrics;
import io.crashfree.errors.forward.ForwardSettings;
import io.crashfree.errors.forward.Spool;
import io.crashfree.filters.DropReason;
import io.crashfree.filters.SessionFilter;
import io.crashfree.filters.SessionUpdateView;
import io.crashfree.filters.config.FilterSettingsHolder;
import io.crashfree.filters.ip.ClientIpResolver;
import io.crashfree.filters.ip.MutableIpAddress;

/**
 * One event-loop thread's ingest machinery: auth parser, decompressor, envelope decoder and the reusable batch.
 * <p>
 * A request is handled in two synchronous steps on its channel's thread: {@link #checkRequestAuth} when its head
 * arrives, {@link #process} when its body is complete. Nothing is kept between the two, so requests of many channels
 * interleave safely on one worker.
 * <p>
 * For a project with an upstream ({@code project.<id>.upstream.dsn}), the envelope's other items are copied into the
 * forwarding spool before the answer: room is claimed before the sessions are folded and the frame committed after,
 * so a {@code 200} means the sessions are folded and the rest is spooled, and a refusal keeps nothing of either.
 */
public final class IngestWorker
{
    /** Outcome of {@link #checkRequestAuth}: the key was in the request and belongs to the project. */
    public static final int AUTH_OK = 0;
    /** Outcome of {@link #checkRequestAuth}: no auth in the request; the envelope's {@code dsn} must carry it. */
    public static final int AUTH_FROM_ENVELOPE = 1;
    /** Outcome of {@link #checkRequestAuth}: refused; see {@link #lastRejection()}. */
    public static final int AUTH_REJECTED = 2;

    private static final int MAX_ID_BYTES = 1024;

    private final ProjectDirectory projects;
    private KeyRateLimiter limiter;
    private final SessionSink sink;
    private final IngestCounters counters;
    private final NodeMetrics metrics;
    private final FilterSettingsHolder filterSettings;
    private final SessionFilter filter = new SessionFilter();
    private final MutableIpAddress clientIp = new MutableIpAddress();
    private final FilterViews.UpdateView updateView = new FilterViews.UpdateView();
    private final FilterViews.AggregatesView aggregatesView;
    private final SentryAuth auth = new SentryAuth();
    private final BodyDecompressor decompressor;
    /** The body being processed, decoded: the request's bytes or the decompressor's output (see inflate). */
    private byte[] input;
    private int inputOffset;
    private int inputLength;
    private final EnvelopeDecoder decoder;
    private final SessionBatch batch;
    private final ForwardSettings forward;
    private final ForwardSpooler spooler;
    private Rejection lastRejection;

    /**
     * @param config      limits.
     * @param jsonFactory shared parser factory.
     * @param projects    project and key directory.
     * @param sink        where valid envelopes' sessions go.
     * @param counters    shared counters.
     * @param metrics     latency recorders.
     * @param filters     validation and inbound filter settings in force.
     */
    public IngestWorker(
        final NodeConfig config,
        final JsonFactory jsonFactory,
        final ProjectDirectory projects,
        final SessionSink sink,
        final IngestCounters counters,
        final NodeMetrics metrics,
        final FilterSettingsHolder filters)
    {
        this(config, jsonFactory, projects, sink, counters, metrics, filters, null, null);
    }

    /**
     * @param config         limits.
     * @param jsonFactory    shared parser factory.
     * @param projects       project and key directory.
     * @param sink           where valid envelopes' sessions go.
     * @param counters       shared counters.
     * @param metrics        latency recorders.
     * @param filters        validation and inbound filter settings in force.
     * @param spool          the forwarding spool, or null when no project forwards.
     * @param forwardMetrics forwarding's counters (with the spool).
     */
    public IngestWorker(
        final NodeConfig config,
        final JsonFactory jsonFactory,
        final ProjectDirectory projects,
        final SessionSink sink,
        final IngestCounters counters,
        final NodeMetrics metrics,
        final FilterSettingsHolder filters,
        final Spool spool,
        final ForwardMetrics forwardMetrics)
    {
        this.forward = config.forward();
        this.spooler = spool == null ? null : new ForwardSpooler(spool.newWriter(), forwardMetrics);
        this.metrics = metrics;
        this.filterSettings = filters;
        this.aggregatesView = new FilterViews.AggregatesView(metrics::onDropped);
        this.projects = projects;
        this.sink = sink;
        this.counters = counters;
        this.decompressor = new BodyDecompressor(config.maxDecompressedBodyBytes());
        this.decoder = new EnvelopeDecoder(jsonFactory, new IdHash(MAX_ID_BYTES));
        this.batch = new SessionBatch(config.maxSessionItems(), config.maxAggregateEntries());
    }

    /**
     * Checks the auth a request carries in its headers or query string.
     *
     * @param projectId          project id from the path.
     * @param xSentryAuth        first {@code X-Sentry-Auth} header or null.
     * @param xSentryAuthCount   number of {@code X-Sentry-Auth} headers.
     * @param authorization      first {@code Authorization} header or null.
     * @param authorizationCount number of {@code Authorization} headers.
     * @param uri                request URI.
     * @return {@link #AUTH_OK}, {@link #AUTH_FROM_ENVELOPE} or {@link #AUTH_REJECTED}.
     */
    public int checkRequestAuth(
        final long projectId,
        final CharSequence xSentryAuth,
        final int xSentryAuthCount,
        final CharSequence authorization,
        final int authorizationCount,
        final CharSequence uri)
    {
        Rejection r = auth.fromRequest(xSentryAuth, xSentryAuthCount, authorization, authorizationCount, uri);
        if (r == null && !auth.hasKey())
        {
            return AUTH_FROM_ENVELOPE;
        }
        if (r == null)
        {
            r = projects.authorize(projectId, auth);
        }
        limiter = r == null ? projects.limiter(projectId, auth) : null;
        auth.reset(); // it points into this request's header; never let it outlive this call
        lastRejection = r;
        return r == null ? AUTH_OK : AUTH_REJECTED;
    }

    /**
     * Decompresses, decodes, authorizes (when the envelope must carry the auth) and folds one request body.
     *
     * @param projectId        project id from the path.
     * @param authFromEnvelope whether the envelope's {@code dsn} must authorize the request.
     * @param encoding         a {@link BodyDecompressor} encoding constant.
     * @param body             body bytes as received.
     * @param offset           first byte.
     * @param length           number of bytes.
     * @param nowMs            receive time.
     * @param client           where the request came from (client IP headers, peer, user agent).
     * @return null when folded (answer {@code 200}), else the rejection.
     */
    public Rejection process(
        final long projectId,
        final boolean authFromEnvelope,
        final int encoding,
        final byte[] body,
        final int offset,
        final int length,
        final long nowMs,
        final RequestOrigin client)
    {
        counters.onBytesIn(length);
        final Rejection undecodable = inflate(encoding, body, offset, length);
        if (undecodable != null)
        {
            return undecodable;
        }
        final byte[] buf = input;
        final int off = inputOffset;
        final int len = inputLength;

        batch.reset(projectId, nowMs);
        final boolean forwarding = spooler != null && forward.forwards(projectId);
        Rejection r = decoder.decode(buf, off, len, batch, forwarding);
        if (r != null)
        {
            counters.onDecodeFailure();
            return r;
        }
        if (authFromEnvelope)
        {
            if (!decoder.dsn().isPresent())
            {
                return Rejection.MISSING_AUTH;
            }
            r = auth.fromDsn(decoder.dsn().toString(), projectId);
            if (r == null)
            {
                r = projects.authorize(projectId, auth);
            }
            limiter = r == null ? projects.limiter(projectId, auth) : null;
            auth.reset();
            if (r != null)
            {
                return r;
            }
        }
        long aggregateSessions = 0;
        for (int i = 0; i < batch.aggregatesCount(); i++)
        {
            final var item = batch.aggregates(i);
            for (int j = 0; j < item.entryCount(); j++)
            {
                aggregateSessions += item.entry(j).totalCount();
            }
        }
        if (limiter != null && !limiter.tryAcquire(batch.updateCount() + aggregateSessions, System.nanoTime()))
        {
            counters.onRateLimited(IngestCounters.LIMIT_KEY_RATE);
            return Rejection.KEY_RATE;
        }
        applyFilters(projectId, nowMs, client);
        final boolean spooling = forwarding && decoder.forwardedCount() > 0;
        if (spooling)
        {
            r = spooler.tryClaimEnvelope(decoder, buf, clientIp, client.userAgent);
            if (r != null)
            {
                return r; // nothing folded, nothing spooled
            }
        }
        final long foldStart = System.nanoTime();
        final int folded = sink.fold(batch);
        metrics.onFold(System.nanoTime() - foldStart);
        if (folded != SessionSink.FOLDED)
        {
            if (spooling)
            {
                spooler.abort();
            }
            return refusal(folded);
        }
        if (spooling)
        {
            spooler.commit(projectId, nowMs);
        }
        counters.onAccepted(batch.updateCount(), aggregateSessions, forwarding ? 0 : decoder.skippedItems());
        return null;
    }

    /**
     * Points {@code input}, {@code inputOffset} and {@code inputLength} at the body's decoded bytes: the body itself,
     * or the decompressor's reused output.
     *
     * @return null, or the rejection of a body that does not decompress (counted).
     */
    private Rejection inflate(final int encoding, final byte[] body, final int offset, final int length)
    {
        if (encoding == BodyDecompressor.IDENTITY)
        {
            input = body;
            inputOffset = offset;
            inputLength = length;
            return null;
        }
        final Rejection r = decompressor.tryDecompress(encoding, body, offset, length);
        if (r != null)
        {
            counters.onDecodeFailure();
            return r;
        }
        input = decompressor.output();
        inputOffset = 0;
        inputLength = decompressor.outputLength();
        return null;
    }

    /**
     * Decompresses and checks the body of a legacy {@code POST /api/{id}/store/} (one event as JSON) and, for a
     * project with an upstream, spools it as an envelope with one {@code event} item; otherwise it is skipped and
     * counted, as other envelope items are.
     *
     * @param projectId        project id from the path.
     * @param authFromEnvelope whether the request carried no auth (a store body has no envelope header to carry it).
     * @param encoding         a {@link BodyDecompressor} encoding constant.
     * @param body             body bytes as received.
     * @param offset           first byte.
     * @param length           number of bytes.
     * @param nowMs            receive time.
     * @param client           where the request came from.
     * @return null when accepted (answer {@code 200} with the event's id), else the rejection.
     */
    public Rejection processStore(
        final long projectId,
        final boolean authFromEnvelope,
        final int encoding,
        final byte[] body,
        final int offset,
        final int length,
        final long nowMs,
        final RequestOrigin client)
    {
        counters.onBytesIn(length);
        if (authFromEnvelope)
        {
            return Rejection.MISSING_AUTH;
        }
        final Rejection undecodable = inflate(encoding, body, offset, length);
        if (undecodable != null)
        {
            return undecodable;
        }
        final byte[] buf = input;
        final int off = inputOffset;
        final int len = inputLength;
        Rejection r = decoder.decodeStoreEvent(buf, off, len);
        if (r != null)
        {
            counters.onDecodeFailure();
            return r;
        }
        if (spooler == null || !forward.forwards(projectId))
        {
            counters.onAccepted(0, 0, 1);
            return null;
        }
        ClientIpResolver.tryResolve(client.cfConnectingIp, client.vercelForwardedFor, client.sentryForwardedFor,
            client.forwardedFor, client.peer, clientIp);
        r = spooler.tryClaimStoreEvent(decoder.eventId(), buf, off, len, clientIp, client.userAgent);
        if (r != null)
        {
            return r;
        }
        spooler.commit(projectId, nowMs);
        counters.onAccepted(0, 0, 0);
        return null;
    }

    /**
     * Validation, normalization and inbound filters on every session of the batch: dropped records are marked (the
     * sink skips them) and counted by reason; kept ones are normalized in place.
     */
    private void applyFilters(final long projectId, final long nowMs, final RequestOrigin client)
    {
        ClientIpResolver.tryResolve(client.cfConnectingIp, client.vercelForwardedFor, client.sentryForwardedFor,
            client.forwardedFor, client.peer, clientIp);
        filter.beginEnvelope(filterSettings.current(), projectId, nowMs,
            batch.sentAtMs() == SessionUpdate.NO_TIME ? SessionUpdateView.NO_TIME : batch.sentAtMs(), clientIp,
            client.userAgent);
        for (int i = 0, n = batch.updateCount(); i < n; i++)
        {
            final SessionUpdate update = batch.update(i);
            final DropReason reason = filter.filterUpdate(updateView.wrap(update));
            if (reason != null)
            {
                update.drop();
                metrics.onDropped(reason, 1);
            }
        }
        for (int i = 0, n = batch.aggregatesCount(); i < n; i++)
        {
            final SessionAggregates item = batch.aggregates(i);
            final DropReason reason = filter.filterAggregates(aggregatesView.wrap(item));
            if (reason != null)
            {
                for (int j = 0; j < item.entryCount(); j++)
                {
                    aggregatesView.removeEntry(j, reason); // counts each entry's sessions once
                }
            }
        }
    }

    private Rejection refusal(final int foldResult)
    {
        switch (foldResult)
        {
            case SessionSink.OVER_PROJECT_LIVE_SHARE:
                counters.onRateLimited(IngestCounters.LIMIT_PROJECT_LIVE_SHARE);
                return Rejection.PROJECT_LIVE_SHARE;
            case SessionSink.OVER_PROJECT_NAMES:
                counters.onRateLimited(IngestCounters.LIMIT_PROJECT_NAMES);
                return Rejection.PROJECT_NAMES;
            case SessionSink.OVER_PROJECT_EXACTLY_ONCE:
                counters.onRateLimited(IngestCounters.LIMIT_PROJECT_EXACTLY_ONCE);
                return Rejection.PROJECT_EXACTLY_ONCE;
            case SessionSink.STORAGE_UNAVAILABLE:
                return Rejection.STORAGE_UNAVAILABLE;
            default:
                return Rejection.BACK_PRESSURE;
        }
    }

    /** @return the rejection of the last {@link #checkRequestAuth} that refused. */
    public Rejection lastRejection()
    {
        return lastRejection;
    }

    /** @return the last envelope's {@code event_id}, for the {@code {"id": …}} answer. */
    public io.crashfree.aggregation.session.Utf8Text lastEventId()
    {
        return decoder.eventId();
    }
}
