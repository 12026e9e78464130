package io.crashfree.edge.ingest;

import io.crashfree.aggregation.session.Utf8Text;
import io.crashfree.errors.forward.ForwardMetrics;
import io.crashfree.errors.forward.SpoolWriter;
import io.crashfree.filters.ip.MutableIpAddress;

/**
 * One event loop's way into the forwarding spool: copies an envelope's header line and its non-session items, byte
 * for byte, into a claimed spool frame (or wraps a legacy {@code store} body as an {@code event} item), then commits
 * it once the envelope's sessions are folded, or gives the room back when the envelope is refused.
 * <p>
 * Event loop only; no allocation (the bytes go straight from the decompressed body into mapped memory).
 */
final class ForwardSpooler
{
    /** The spool is at {@code forward.spool.max.megabytes}: the upstream has not taken what it holds. */
    static final Rejection SPOOL_FULL = new Rejection(503,
        "failed to queue envelope: the forwarding spool is full (forward.spool.max.megabytes): the upstream error " +
        "tracker has not taken what it holds yet; nothing of this envelope was kept, retry later", 60, null);
    /** The writer's next segment is still being made (a moment after the previous one filled). */
    static final Rejection SPOOL_NOT_READY = new Rejection(503,
        "failed to queue envelope: the forwarding spool is making its next segment; nothing of this envelope was " +
        "kept, retry shortly", 1, null);
    /** The items to forward do not fit one spool segment. */
    static final Rejection TOO_LARGE = Rejection.sizeLimit("event", "the items to forward are larger than one " +
        "forwarding spool segment (a sixteenth of forward.spool.max.megabytes, 1 to 16 MiB)");

    private static final byte[] NEWLINE = { '\n' };
    private static final byte[] EMPTY_HEADER = { '{', '}' };
    private static final String EVENT_ID_PREFIX = "{\"event_id\":\"";
    private static final String EVENT_ITEM_PREFIX = "\"}";
    private static final String EVENT_ITEM_HEADER = "{\"type\":\"event\",\"length\":";

    private final SpoolWriter writer;
    private final ForwardMetrics metrics;
    private final byte[] clientIpText = new byte[MutableIpAddress.MAX_FORMATTED_LENGTH];
    private final byte[] digits = new byte[20];

    ForwardSpooler(final SpoolWriter writer, final ForwardMetrics metrics)
    {
        this.writer = writer;
        this.metrics = metrics;
    }

    /**
     * Claims a frame for the envelope's header and the items the decoder recorded, and copies them in.
     *
     * @return null when claimed (then {@link #commit} or {@link #abort}), else the refusal.
     */
    Rejection tryClaimEnvelope(final EnvelopeDecoder decoder, final byte[] buf, final MutableIpAddress clientIp,
        final CharSequence userAgent)
    {
        int length = decoder.headerEnd() - decoder.headerStart() + 1;
        for (int i = 0, n = decoder.forwardedCount(); i < n; i++)
        {
            length += decoder.forwardedEnd(i) - decoder.forwardedStart(i);
        }
        final Rejection r = tryClaim(length, clientIp, userAgent);
        if (r != null)
        {
            return r;
        }
        writer.append(buf, decoder.headerStart(), decoder.headerEnd() - decoder.headerStart());
        writer.append(NEWLINE, 0, 1);
        for (int i = 0, n = decoder.forwardedCount(); i < n; i++)
        {
            writer.append(buf, decoder.forwardedStart(i), decoder.forwardedEnd(i) - decoder.forwardedStart(i));
        }
        return null;
    }

    /**
     * Claims a frame for a legacy {@code store} body: an envelope with the body as its one {@code event} item.
     *
     * @return null when claimed, else the refusal.
     */
    Rejection tryClaimStoreEvent(final Utf8Text eventId, final byte[] buf, final int offset, final int length,
        final MutableIpAddress clientIp, final CharSequence userAgent)
    {
        final boolean withId = isPlainId(eventId);
        final int digitCount = formatDigits(length);
        final int header = withId ? EVENT_ID_PREFIX.length() + eventId.storedLength() + EVENT_ITEM_PREFIX.length() :
            EMPTY_HEADER.length;
        final int total = header + 1 + EVENT_ITEM_HEADER.length() + digitCount + 2 + length + 1;
        final Rejection r = tryClaim(total, clientIp, userAgent);
        if (r != null)
        {
            return r;
        }
        if (withId)
        {
            writer.appendAscii(EVENT_ID_PREFIX);
            writer.append(eventId.bytes(), 0, eventId.storedLength());
            writer.appendAscii(EVENT_ITEM_PREFIX);
        }
        else
        {
            writer.append(EMPTY_HEADER, 0, EMPTY_HEADER.length);
        }
        writer.append(NEWLINE, 0, 1);
        writer.appendAscii(EVENT_ITEM_HEADER);
        writer.append(digits, digits.length - digitCount, digitCount);
        writer.appendAscii("}\n");
        writer.append(buf, offset, length);
        writer.append(NEWLINE, 0, 1);
        return null;
    }

    /**
     * Publishes the claimed frame.
     *
     * @param projectId the project.
     * @param nowMs     receive time.
     */
    void commit(final long projectId, final long nowMs)
    {
        writer.commit(projectId, nowMs);
    }

    /** Gives the claimed room back. */
    void abort()
    {
        writer.abort();
    }

    private Rejection tryClaim(final int envelopeLength, final MutableIpAddress clientIp,
        final CharSequence userAgent)
    {
        final int ipLength = clientIp.formatTo(clientIpText, 0);
        switch (writer.tryClaim(clientIpText, ipLength, userAgent, envelopeLength))
        {
            case SpoolWriter.CLAIMED:
                return null;
            case SpoolWriter.FULL:
                metrics.onRefused(ForwardMetrics.REFUSED_SPOOL_FULL);
                return SPOOL_FULL;
            case SpoolWriter.TOO_LARGE:
                metrics.onRefused(ForwardMetrics.REFUSED_TOO_LARGE);
                return TOO_LARGE;
            default:
                metrics.onRefused(ForwardMetrics.REFUSED_NOT_READY);
                return SPOOL_NOT_READY;
        }
    }

    /** Writes {@code value}'s decimal digits at the end of {@link #digits}; returns how many. */
    private int formatDigits(final int value)
    {
        int v = value;
        int n = 0;
        do
        {
            digits[digits.length - 1 - n++] = (byte)('0' + v % 10);
            v /= 10;
        }
        while (v > 0);
        return n;
    }

    /** An id that can go into a JSON string as it is: hex digits and dashes, as SDKs send it. */
    private static boolean isPlainId(final Utf8Text id)
    {
        if (!id.isPresent() || id.isTruncated() || id.storedLength() > 64)
        {
            return false;
        }
        final byte[] b = id.bytes();
        for (int i = 0; i < id.storedLength(); i++)
        {
            final int c = b[i];
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-'))
            {
                return false;
            }
        }
        return true;
    }
}
