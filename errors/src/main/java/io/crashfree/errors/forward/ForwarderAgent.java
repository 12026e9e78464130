package io.crashfree.errors.forward;

import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

import static io.crashfree.errors.forward.SpoolDescriptor.*;

/**
 * The forwarder: one thread (never an event loop) that sends the spool's envelopes to their projects' upstreams with a
 * real HTTP client, one at a time, and settles each frame by its answer.
 * <ul>
 *   <li>2xx: delivered. 4xx other than 429: rejected and dropped, because sending it again cannot help (counted by
 *       status, one log line per upstream and ten seconds, not per envelope).</li>
 *   <li>429: the upstream's {@code X-Sentry-Rate-Limits} (per category) or {@code Retry-After} (all categories, 60 s
 *       without it) are honoured: nothing of a limited category goes there before the limit ends.</li>
 *   <li>Network error, timeout, 5xx: the upstream is retried after 1, 2, 4 … s, up to {@code forward.retry.max.seconds}.</li>
 * </ul>
 * A frame's state word is written right after the upstream's answer, and each segment's settled cursor after it, both
 * in mapped memory, so a restart (after {@code kill -9} too) sends nothing that was settled. The one envelope in flight
 * when the process died (sent, answer not yet recorded) is sent again: at most one envelope per crash reaches the
 * upstream twice, with the same {@code event_id}, which Sentry deduplicates.
 * <p>
 * Frames of one segment may settle out of order: while one project's upstream waits, the others' envelopes behind it
 * in the same segment are still sent. The settled cursor only passes settled frames.
 * <p>
 * Duty cycle in the Aeron manner: {@link #doWork} returns how much it did; idle, the thread parks until the next retry
 * is due (at most {@value #IDLE_PARK_MS} ms), or a writer that took its spare segment wakes it.
 */
public final class ForwarderAgent implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ForwarderAgent.class);
    static final long IDLE_PARK_MS = 20;
    private static final int SCAN_FRAMES_PER_SEGMENT = 4096;
    private static final int SENDS_PER_CYCLE = 256;
    private static final long REJECT_LOG_INTERVAL_MS = 10_000;
    private static final String DEFAULT_CLIENT = "crashfree-forwarder/1";

    private final Spool spool;
    private final ForwardSettings settings;
    private final ForwardMetrics metrics;
    private final ForwardedEnvelopeObserver observer;
    private final LongSupplier clockMs;
    private final BiConsumer<String, Throwable> onError;
    private final int expectedWriters;
    private final Map<Long, UpstreamTarget> targets = new HashMap<>();
    private final HttpClient http;
    private final CRC32C crc = new CRC32C();
    private final Map<SpoolSegment, ByteBuffer> checksumViews = new IdentityHashMap<>();
    private final LongHashSet observed = new LongHashSet();
    private final ByteArrayOutputStream gzipped = new ByteArrayOutputStream(64 * 1024);
    private byte[] scratch = new byte[64 * 1024];
    private final long recoveredPendingBytes;
    private final long recoveredPendingFrames;
    private long settledBytes;
    private long settledFrames;
    private long lastSyncMs;
    private long nextWakeMs;
    private volatile boolean running = true;
    private Thread thread;
    private Thread keeper;

    /**
     * @param spool           the spool (already opened; its recovered segments are read first).
     * @param settings        upstreams, timeouts, retries.
     * @param metrics         where it counts.
     * @param observer        sees each envelope before its first send (the grouping reader's hook).
     * @param expectedWriters event loops that will append (each gets a spare segment from the start).
     * @param clockMs         wall clock.
     * @param onError         the node's error log (place, fault); the thread carries on.
     */
    public ForwarderAgent(final Spool spool, final ForwardSettings settings, final ForwardMetrics metrics,
        final ForwardedEnvelopeObserver observer, final int expectedWriters, final LongSupplier clockMs,
        final BiConsumer<String, Throwable> onError)
    {
        this.spool = spool;
        this.settings = settings;
        this.metrics = metrics;
        this.observer = observer;
        this.expectedWriters = expectedWriters;
        this.clockMs = clockMs;
        this.onError = onError;
        settings.upstreams().forEach((id, dsn) -> targets.put(id, new UpstreamTarget(id, dsn, settings.retryMaxMs())));
        this.http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(settings.upstreamTimeoutMs()))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
        long frames = 0;
        long bytes = 0;
        for (final SpoolSegment s : spool.segments())
        {
            final UnsafeBuffer b = s.buffer();
            for (long pos = s.settledCursor(); pos + FRAME_HEADER_LENGTH <= s.capacity(); )
            {
                final int len = b.getIntVolatile((int)pos);
                if (len <= 0 || len % FRAME_ALIGNMENT != 0 || pos + len > s.capacity())
                {
                    break;
                }
                if (b.getInt((int)pos + STATE_OFFSET) == STATE_PENDING)
                {
                    frames++;
                    bytes += len;
                }
                pos += len;
            }
        }
        this.recoveredPendingFrames = frames;
        this.recoveredPendingBytes = bytes;
        metrics.spool(spool);
        metrics.pending(frames, bytes, Long.MAX_VALUE);
    }

    /**
     * Makes every writer's first segment, then starts the thread.
     *
     * @return the thread.
     */
    public Thread start()
    {
        spool.ensureSpares(expectedWriters, clockMs.getAsLong());
        keeper = new Thread(() -> spool.runKeeper(expectedWriters, clockMs, onError), "crashfree-spool-keeper");
        keeper.setDaemon(true);
        keeper.start();
        thread = new Thread(this::run, "crashfree-forwarder");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void run()
    {
        while (running)
        {
            int work = 0;
            final long nowMs = clockMs.getAsLong();
            try
            {
                work = doWork(nowMs);
            }
            catch (final RuntimeException | Error ex)
            {
                onError.accept("forwarder", ex);
                nextWakeMs = nowMs + 1000; // a fault repeats: do not spin on it
            }
            if (work == 0 && running)
            {
                final long parkMs = Math.max(1, Math.min(IDLE_PARK_MS, nextWakeMs - clockMs.getAsLong()));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(parkMs));
            }
        }
    }

    /**
     * One cycle: spare segments, then every segment's frames from its settled cursor.
     *
     * @param nowMs now.
     * @return how much was done (0 = idle).
     */
    int doWork(final long nowMs)
    {
        int work = 0;
        nextWakeMs = nowMs + IDLE_PARK_MS;
        long oldestMs = Long.MAX_VALUE;
        int sends = 0;
        final List<SpoolSegment> segments = spool.snapshot();
        for (final SpoolSegment segment : segments)
        {
            final UnsafeBuffer b = segment.buffer();
            final long cursor = segment.settledCursor();
            long settled = cursor;
            boolean contiguous = true;
            boolean ended = false;
            int pos = (int)cursor;
            for (int scanned = 0; scanned < SCAN_FRAMES_PER_SEGMENT; scanned++)
            {
                if (pos + FRAME_ALIGNMENT > segment.capacity())
                {
                    ended = segment.recovered(); // a live writer always leaves room for its end marker
                    break;
                }
                final int len = b.getIntVolatile(pos + FRAME_LENGTH_OFFSET);
                if (len == END_OF_SEGMENT || (len == 0 && segment.recovered()))
                {
                    ended = true;
                    break;
                }
                if (len == 0)
                {
                    break; // its writer has appended nothing more yet
                }
                if (len < FRAME_HEADER_LENGTH || len % FRAME_ALIGNMENT != 0 || pos + len > segment.capacity())
                {
                    onError.accept("forwarding spool", new IllegalStateException("spool segment " + segment +
                        " has a broken frame length " + len + " at " + pos + "; what follows in it is not sent"));
                    ended = segment.recovered(); // a live segment is left alone (and logged) rather than unmapped
                    break;
                }
                int state = b.getIntVolatile(pos + STATE_OFFSET);
                if (state == STATE_PENDING)
                {
                    final long appendedMs = b.getLong(pos + APPENDED_MS_OFFSET);
                    oldestMs = Math.min(oldestMs, appendedMs);
                    if (sends < SENDS_PER_CYCLE)
                    {
                        final int outcome = tryDeliver(segment, pos, len, nowMs);
                        if (outcome != STATE_PENDING)
                        {
                            sends++;
                            work++;
                            state = outcome;
                        }
                        else if (attempted)
                        {
                            sends++;
                            work++;
                        }
                    }
                }
                if (state != STATE_PENDING)
                {
                    if (contiguous)
                    {
                        settled = pos + len;
                    }
                }
                else
                {
                    contiguous = false;
                }
                pos += len;
            }
            if (settled != cursor)
            {
                segment.settledCursor(settled);
            }
            if (ended && contiguous && settled == pos && !spool.isSpare(segment))
            {
                checksumViews.remove(segment);
                spool.delete(segment);
                work++;
            }
        }
        metrics.pending(recoveredPendingFrames + spool.appendedFrames() - settledFrames,
            recoveredPendingBytes + spool.appendedBytes() - settledBytes, oldestMs);
        logRejections(nowMs);
        if (settings.syncIntervalMs() > 0 && nowMs - lastSyncMs >= settings.syncIntervalMs())
        {
            lastSyncMs = nowMs;
            spool.force();
        }
        return work;
    }

    private boolean attempted;

    /**
     * Sends one pending frame if its upstream may be sent to now.
     *
     * @return the frame's new state ({@link SpoolDescriptor#STATE_PENDING} when it stays; {@link #attempted} says
     *         whether a send was made).
     */
    private int tryDeliver(final SpoolSegment segment, final int pos, final int frameLength, final long nowMs)
    {
        attempted = false;
        final UnsafeBuffer b = segment.buffer();
        final long projectId = b.getLong(pos + PROJECT_ID_OFFSET);
        final int bodyLength = b.getInt(pos + BODY_LENGTH_OFFSET);
        if (bodyLength < 3 || FRAME_HEADER_LENGTH + bodyLength > frameLength || !checksumMatches(segment, pos,
            bodyLength))
        {
            metrics.onDamaged();
            onError.accept("forwarding spool", new IllegalStateException("spool segment " + segment + ": the frame " +
                "at " + pos + " fails its checksum; it is not sent"));
            return settle(segment, pos, frameLength, STATE_DAMAGED);
        }
        final UpstreamTarget target = targets.get(projectId);
        if (target == null)
        {
            metrics.onNoUpstream();
            return settle(segment, pos, frameLength, STATE_REJECTED);
        }
        final long blockedUntil = target.blockedUntilMs();
        if (blockedUntil > nowMs)
        {
            nextWakeMs = Math.min(nextWakeMs, blockedUntil);
            return STATE_PENDING;
        }

        int p = pos + FRAME_HEADER_LENGTH;
        final int ipLength = b.getByte(p++) & 0xFF;
        final String clientIp = ipLength == 0 ? null : b.getStringWithoutLengthAscii(p, ipLength);
        p += ipLength;
        final int uaLength = b.getShort(p) & 0xFFFF;
        p += 2;
        final String userAgent = uaLength == 0 ? null : b.getStringWithoutLengthAscii(p, uaLength);
        p += uaLength;
        final int envelopeLength = pos + FRAME_HEADER_LENGTH + bodyLength - p;
        if (scratch.length < envelopeLength)
        {
            scratch = new byte[Math.max(envelopeLength, scratch.length * 2)];
        }
        b.getBytes(p, scratch, 0, envelopeLength);

        final long limitedUntil = categoryLimit(target, envelopeLength, nowMs);
        if (limitedUntil > nowMs)
        {
            nextWakeMs = Math.min(nextWakeMs, limitedUntil);
            return STATE_PENDING;
        }
        final long key = (segment.sequence() << 32) | pos;
        if (observed.add(key))
        {
            try
            {
                observer.onEnvelope(projectId, b.getLong(pos + APPENDED_MS_OFFSET), scratch, 0, envelopeLength);
            }
            catch (final RuntimeException ex)
            {
                onError.accept("forwarded envelope observer", ex);
            }
        }

        attempted = true;
        final HttpResponse<String> response;
        try
        {
            final HttpRequest.Builder request = HttpRequest.newBuilder(target.dsn.envelopeUri())
                .timeout(Duration.ofMillis(settings.upstreamTimeoutMs()))
                .header("Content-Type", "application/x-sentry-envelope")
                .header("Content-Encoding", "gzip")
                .header("X-Sentry-Auth", target.dsn.authHeader(sentryClient(userAgent)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(scratch, envelopeLength)));
            if (clientIp != null)
            {
                // as Relay forwards it: the upstream resolves {{auto}} and its IP filters from this
                request.header("X-Forwarded-For", clientIp);
            }
            if (userAgent != null)
            {
                request.header("User-Agent", userAgent);
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final IOException ex)
        {
            onUnreachable(target, ex.toString(), nowMs);
            return STATE_PENDING;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            running = false;
            return STATE_PENDING;
        }
        final int status = response.statusCode();
        final long answeredMs = clockMs.getAsLong();
        target.onRateLimits(response.headers().firstValue("X-Sentry-Rate-Limits").orElse(null),
            response.headers().firstValue("Retry-After").orElse(null), status == 429, answeredMs);
        if (status >= 200 && status < 300)
        {
            if (target.reportedDown)
            {
                target.reportedDown = false;
                LOG.info("crashfree: upstream {} of project {} answers again; sending what was spooled",
                    target.dsn, projectId);
            }
            target.onSuccess();
            metrics.onDelivered(envelopeLength);
            return settle(segment, pos, frameLength, STATE_DELIVERED);
        }
        if (status == 429)
        {
            metrics.onRetry(ForwardMetrics.RETRY_RATE_LIMITED);
            nextWakeMs = Math.min(nextWakeMs, Math.max(target.blockedUntilMs(), answeredMs + IDLE_PARK_MS));
            return STATE_PENDING;
        }
        if (status >= 400 && status < 500)
        {
            target.onSuccess(); // it answered; the envelope is what it refuses
            metrics.onRejected(status);
            target.rejectedSinceLog++;
            target.lastRejectedStatus = status;
            final String body = response.body();
            target.lastRejectedDetail = body == null ? "" : body.length() > 200 ? body.substring(0, 200) : body;
            return settle(segment, pos, frameLength, STATE_REJECTED);
        }
        onUnreachable(target, "HTTP " + status, answeredMs);
        metrics.onRetry(ForwardMetrics.RETRY_SERVER);
        return STATE_PENDING;
    }

    private void onUnreachable(final UpstreamTarget target, final String why, final long nowMs)
    {
        if (!why.startsWith("HTTP "))
        {
            metrics.onRetry(ForwardMetrics.RETRY_NETWORK);
        }
        target.onFailure(nowMs);
        nextWakeMs = Math.min(nextWakeMs, target.blockedUntilMs());
        if (!target.reportedDown)
        {
            target.reportedDown = true;
            LOG.warn("crashfree: upstream {} of project {} cannot take envelopes ({}); they stay in the spool and " +
                "are retried with backoff (up to forward.retry.max.seconds)", target.dsn, target.projectId, why);
        }
    }

    private int settle(final SpoolSegment segment, final int pos, final int frameLength, final int state)
    {
        segment.buffer().putIntOrdered(pos + STATE_OFFSET, state);
        settledFrames++;
        settledBytes += frameLength;
        observed.remove((segment.sequence() << 32) | pos);
        return state;
    }

    private boolean checksumMatches(final SpoolSegment segment, final int pos, final int bodyLength)
    {
        ByteBuffer view = checksumViews.get(segment);
        if (view == null)
        {
            view = segment.duplicate();
            checksumViews.put(segment, view);
        }
        crc.reset();
        view.limit(pos + FRAME_HEADER_LENGTH + bodyLength).position(pos + CHECKSUMMED_FROM);
        crc.update(view);
        return (int)crc.getValue() == segment.buffer().getInt(pos + CHECKSUM_OFFSET);
    }

    private long categoryLimit(final UpstreamTarget target, final int envelopeLength, final long nowMs)
    {
        final long[] until = { 0 };
        EnvelopeItems.forEach(scratch, 0, envelopeLength, (type, buf, off, len) ->
            until[0] = Math.max(until[0], target.categoryLimitedUntilMs(EnvelopeItems.category(type), nowMs)));
        return until[0];
    }

    private static String sentryClient(final String userAgent)
    {
        // Relay forwards the SDK's own sentry_client; SDKs send the same name/version as their User-Agent
        if (userAgent == null || userAgent.indexOf(',') >= 0 || userAgent.indexOf('=') >= 0 ||
            userAgent.indexOf(' ') >= 0)
        {
            return DEFAULT_CLIENT;
        }
        return userAgent;
    }

    private byte[] gzip(final byte[] bytes, final int length) throws IOException
    {
        gzipped.reset();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped, 8192))
        {
            out.write(bytes, 0, length);
        }
        return gzipped.toByteArray();
    }

    private void logRejections(final long nowMs)
    {
        for (final UpstreamTarget t : targets.values())
        {
            if (t.rejectedSinceLog > 0 && nowMs - t.lastRejectLogMs >= REJECT_LOG_INTERVAL_MS)
            {
                LOG.warn("crashfree: upstream {} of project {} refused {} envelope(s) for good (last: {} {}); " +
                    "dropped, since sending them again cannot help (crashfree_forward_rejected_total)", t.dsn,
                    t.projectId, t.rejectedSinceLog, t.lastRejectedStatus, t.lastRejectedDetail);
                t.rejectedSinceLog = 0;
                t.lastRejectLogMs = nowMs;
            }
        }
    }

    /** Stops the thread after its current send (the spool keeps what it did not send). */
    @Override
    public void close()
    {
        running = false;
        spool.stopKeeper();
        if (keeper != null)
        {
            try
            {
                keeper.join(5000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
            try
            {
                t.join(settings.upstreamTimeoutMs() + 5000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether the thread runs (for {@code /health}). */
    public boolean isRunning()
    {
        final Thread t = thread;
        return t != null && t.isAlive() && keeper.isAlive();
    }

}
