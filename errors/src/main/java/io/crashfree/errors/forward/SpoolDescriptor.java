package io.crashfree.errors.forward;

import org.agrona.BitUtil;

/**
 * The byte layout of a spool segment file: a header, then frames appended one after the other by one writer.
 * <pre>
 * Segment header (64 bytes)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     magic "CFSPOOL1" (8 bytes)                |  0
 *  +---------------------------------------------------------------+
 *  |          version              |        header length (64)     |  8
 *  +---------------------------------------------------------------+
 *  |                     segment sequence (long)                   | 16
 *  +---------------------------------------------------------------+
 *  |        capacity bytes         |            reserved           | 24
 *  +---------------------------------------------------------------+
 *  |     settled cursor (long): frames before it are all settled   | 32  (forwarder only, ordered store)
 *  +---------------------------------------------------------------+
 *  |                     created (epoch ms)                        | 40
 *  +---------------------------------------------------------------+
 *  |                          reserved                             | 48..63
 *  +---------------------------------------------------------------+
 *
 * Frame (8-byte aligned)
 *  +---------------------------------------------------------------+
 *  | frame length (int): 0 = not written, -1 = end of segment      |  0  written last (ordered) by the writer
 *  +---------------------------------------------------------------+
 *  | checksum (CRC32C of bytes 16 .. 32 + body length)             |  4
 *  +---------------------------------------------------------------+
 *  | state (int): 0 pending, 1 delivered, 2 rejected, 3 damaged    |  8  written only by the forwarder
 *  +---------------------------------------------------------------+
 *  | body length (int)                                             | 12
 *  +---------------------------------------------------------------+
 *  | project id (long)                                             | 16
 *  +---------------------------------------------------------------+
 *  | appended (epoch ms, long)                                     | 24
 *  +---------------------------------------------------------------+
 *  | body: u8 client-ip length, client ip (ASCII),                 | 32
 *  |       u16 user-agent length, user agent (ASCII),              |
 *  |       the envelope to send upstream (header line, items)      |
 *  +---------------------------------------------------------------+
 * </pre>
 * A frame's length is stored last with release semantics, so a reader that sees it non-zero sees the whole frame; a
 * {@code kill -9} mid-append leaves it zero (the request was never answered). The checksum guards against what a
 * power loss or a disk may do to the file.
 */
public final class SpoolDescriptor
{
    /** "CFSPOOL1" as a little-endian long. */
    public static final long MAGIC = 0x314C4F4F50534643L;
    /** Layout version. */
    public static final int VERSION = 1;

    /** Bytes of the segment header; the first frame starts here. */
    public static final int SEGMENT_HEADER_LENGTH = 64;
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the segment's sequence number. */
    public static final int SEQUENCE_OFFSET = 16;
    /** Offset of the segment's capacity (its file size). */
    public static final int CAPACITY_OFFSET = 24;
    /** Offset of the settled cursor: every frame before it is delivered, rejected or damaged. */
    public static final int SETTLED_CURSOR_OFFSET = 32;
    /** Offset of the creation time. */
    public static final int CREATED_MS_OFFSET = 40;

    /** Offset of a frame's length, from the frame's start. */
    public static final int FRAME_LENGTH_OFFSET = 0;
    /** Offset of a frame's checksum. */
    public static final int CHECKSUM_OFFSET = 4;
    /** Offset of a frame's state. */
    public static final int STATE_OFFSET = 8;
    /** Offset of a frame's body length. */
    public static final int BODY_LENGTH_OFFSET = 12;
    /** Offset of a frame's project id. */
    public static final int PROJECT_ID_OFFSET = 16;
    /** Offset of a frame's append time. */
    public static final int APPENDED_MS_OFFSET = 24;
    /** Bytes of a frame header; the body starts here. */
    public static final int FRAME_HEADER_LENGTH = 32;
    /** The checksum covers the frame from here to the end of the body (the state word is not covered). */
    public static final int CHECKSUMMED_FROM = PROJECT_ID_OFFSET;
    /** Frames start on multiples of this. */
    public static final int FRAME_ALIGNMENT = 8;

    /** A frame length that marks the end of a segment: its writer moved on to another. */
    public static final int END_OF_SEGMENT = -1;

    /** A frame not yet delivered. */
    public static final int STATE_PENDING = 0;
    /** A frame the upstream accepted. */
    public static final int STATE_DELIVERED = 1;
    /** A frame the upstream refused for good (a 4xx other than 429), or whose project has no upstream any more. */
    public static final int STATE_REJECTED = 2;
    /** A frame whose checksum does not match: not sent. */
    public static final int STATE_DAMAGED = 3;

    /** Longest client IP text kept (a full IPv6 address is 39). */
    public static final int MAX_CLIENT_IP_BYTES = 64;
    /** Longest user agent kept; a longer one is cut. */
    public static final int MAX_USER_AGENT_BYTES = 256;

    private SpoolDescriptor()
    {
    }

    /**
     * @param bodyLength a frame's body bytes.
     * @return the frame's bytes in the segment, aligned.
     */
    public static int frameLength(final int bodyLength)
    {
        return BitUtil.align(FRAME_HEADER_LENGTH + bodyLength, FRAME_ALIGNMENT);
    }
}
