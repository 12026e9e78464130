package io.crashfree.errors.forward;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.crashfree.errors.forward.SpoolDescriptor.*;

/**
 * One event loop's appender to the spool: the single writer of its current segment, so an append is plain stores
 * into mapped memory and one ordered store that publishes it. No lock, no system call, no allocation (one duplicate
 * buffer per segment it moves to).
 * <p>
 * An append is claim, write, then {@link #commit} or {@link #abort}: the ingest path claims room before it folds the
 * envelope's sessions and commits only when the fold succeeded, so a refused envelope leaves nothing in the spool,
 * and a full spool refuses an envelope before anything of it is folded.
 */
public final class SpoolWriter
{
    /** {@link #tryClaim}: room claimed; write the envelope, then commit or abort. */
    public static final int CLAIMED = 0;
    /** {@link #tryClaim}: the spool holds {@code forward.spool.max.megabytes}. */
    public static final int FULL = 1;
    /** {@link #tryClaim}: the next segment is not ready yet (the forwarder is making it). */
    public static final int NOT_READY = 2;
    /** {@link #tryClaim}: larger than a segment can hold. */
    public static final int TOO_LARGE = 3;

    private final Spool spool;
    private final int id;
    private final CRC32C crc = new CRC32C();
    private SpoolSegment segment;
    private UnsafeBuffer buffer;
    private ByteBuffer checksumView;
    private int position;
    private int claimPosition = -1;
    private int writePosition;
    private int bodyLength;

    SpoolWriter(final Spool spool, final int id)
    {
        this.spool = spool;
        this.id = id;
    }

    /**
     * Claims room for a frame.
     *
     * @param clientIp       the request's client IP as ASCII in {@code clientIpBytes[0, clientIpLength)}.
     * @param clientIpBytes  its bytes.
     * @param clientIpLength its length (0 = none).
     * @param userAgent      the request's {@code User-Agent}, or null.
     * @param envelopeLength bytes of the envelope that will follow.
     * @return {@link #CLAIMED}, {@link #FULL}, {@link #NOT_READY} or {@link #TOO_LARGE}.
     */
    public int tryClaim(final byte[] clientIp, final int clientIpLength, final CharSequence userAgent,
        final int envelopeLength)
    {
        final int ipLength = Math.min(clientIpLength, MAX_CLIENT_IP_BYTES);
        final int uaLength = userAgent == null ? 0 : asciiLength(userAgent);
        final int body = 1 + ipLength + 2 + uaLength + envelopeLength;
        final int frame = frameLength(body);
        if (frame > spool.segmentBytes() - SEGMENT_HEADER_LENGTH - FRAME_ALIGNMENT || body < 0)
        {
            return TOO_LARGE;
        }
        // The last 8 bytes of a segment are kept for its end marker: the forwarder deletes a segment only after it
        // read that marker, so it never unmaps one its writer may still touch.
        if (segment == null || position + frame > segment.capacity() - FRAME_ALIGNMENT)
        {
            final int next = nextSegment();
            if (next != CLAIMED)
            {
                return next;
            }
        }
        claimPosition = position;
        bodyLength = body;
        int p = position + FRAME_HEADER_LENGTH;
        buffer.putByte(p++, (byte)ipLength);
        buffer.putBytes(p, clientIp, 0, ipLength);
        p += ipLength;
        buffer.putShort(p, (short)uaLength);
        p += 2;
        for (int i = 0; i < uaLength; i++)
        {
            buffer.putByte(p++, (byte)userAgent.charAt(i));
        }
        writePosition = p;
        return CLAIMED;
    }

    /**
     * Appends envelope bytes to the claimed frame (in order; exactly the claimed length in all).
     *
     * @param src    bytes.
     * @param offset first byte.
     * @param length how many.
     */
    public void append(final byte[] src, final int offset, final int length)
    {
        buffer.putBytes(writePosition, src, offset, length);
        writePosition += length;
    }

    /**
     * Appends ASCII text to the claimed frame.
     *
     * @param text ASCII characters.
     */
    public void appendAscii(final CharSequence text)
    {
        for (int i = 0, n = text.length(); i < n; i++)
        {
            buffer.putByte(writePosition++, (byte)text.charAt(i));
        }
    }

    /**
     * Publishes the claimed frame: from now on the forwarder sees it, and a {@code kill -9} keeps it.
     *
     * @param projectId  the project it came for.
     * @param appendedMs now.
     */
    public void commit(final long projectId, final long appendedMs)
    {
        final int at = claimPosition;
        if (writePosition != at + FRAME_HEADER_LENGTH + bodyLength)
        {
            throw new IllegalStateException("spool frame written " + (writePosition - at - FRAME_HEADER_LENGTH) +
                " of " + bodyLength + " body bytes");
        }
        buffer.putInt(at + STATE_OFFSET, STATE_PENDING);
        buffer.putInt(at + BODY_LENGTH_OFFSET, bodyLength);
        buffer.putLong(at + PROJECT_ID_OFFSET, projectId);
        buffer.putLong(at + APPENDED_MS_OFFSET, appendedMs);
        crc.reset();
        checksumView.limit(at + FRAME_HEADER_LENGTH + bodyLength).position(at + CHECKSUMMED_FROM);
        crc.update(checksumView);
        buffer.putInt(at + CHECKSUM_OFFSET, (int)crc.getValue());
        final int frame = frameLength(bodyLength);
        buffer.putIntOrdered(at + FRAME_LENGTH_OFFSET, frame); // publishes everything above
        position = at + frame;
        claimPosition = -1;
        spool.onAppended(frame);
    }

    /** Gives the claimed room back (the envelope was refused): nothing was published. */
    public void abort()
    {
        claimPosition = -1;
    }

    private int nextSegment()
    {
        if (segment != null)
        {
            // Tell the forwarder this segment is complete: it deletes it once everything in it is settled. This is
            // the writer's last touch of it.
            buffer.putIntOrdered(position + FRAME_LENGTH_OFFSET, END_OF_SEGMENT);
            segment = null;
            buffer = null;
            checksumView = null;
        }
        final SpoolSegment next = spool.takeSpare(id);
        if (next == null)
        {
            return spool.isFull() ? FULL : NOT_READY;
        }
        segment = next;
        buffer = next.buffer();
        checksumView = next.duplicate();
        position = SEGMENT_HEADER_LENGTH;
        return CLAIMED;
    }

    private static int asciiLength(final CharSequence text)
    {
        int n = Math.min(text.length(), MAX_USER_AGENT_BYTES);
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E)
            {
                return i; // keep the printable ASCII prefix only: it becomes a header value
            }
        }
        return n;
    }
}
