package io.crashfree.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.crashfree.aggregation.session.AbnormalMechanism;
import io.crashfree.aggregation.session.AggregateEntry;
import io.crashfree.aggregation.session.IdHash;
import io.crashfree.aggregation.session.SessionAggregates;
import io.crashfree.aggregation.session.SessionAttributes;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.aggregation.session.Utf8Text;

import java.io.IOException;
import java.math.BigInteger;

/**
 * Decodes a Sentry envelope (already decompressed, in one byte array) into a reusable {@link SessionBatch}.
 * <p>
 * Framing is done here over the bytes: the header line, then per item a header line and a payload of
 * {@code length} bytes, or up to the next newline when there is no {@code length}. Each JSON segment is fed to one
 * long-lived jackson-core non-blocking parser. A Jackson parser reads any number of root-level values, so the same
 * parser instance serves every segment of every envelope this thread decodes: after warm-up a well-formed envelope
 * is decoded without allocating. Only a malformed segment costs a fresh parser.
 * <p>
 * Items of types other than {@code session} and {@code sessions} are skipped and counted, never rejected; when the
 * caller forwards them (the project has an upstream), their byte ranges (item header line to the end of the payload)
 * are recorded for {@link #forwardedStart}/{@link #forwardedEnd}, with the envelope header line's, so the edge can copy
 * them unchanged into the forwarding spool.
 * Identifiers ({@code sid}, {@code did}) are hashed as they are read (see {@link IdHash}); the text is not kept.
 * <p>
 * One instance per event-loop thread; not thread-safe.
 */
public final class EnvelopeDecoder
{
    private static final String NIL_UUID_DASHED = "00000000-0000-0000-0000-000000000000";
    private static final String NIL_UUID_PLAIN = "00000000000000000000000000000000";
    private static final BigInteger U64_MAX = new BigInteger("18446744073709551615");
    private static final long U32_MAX = 0xFFFF_FFFFL;

    private final JsonFactory jsonFactory;
    private final IdHash idHash;
    private final Utf8Text dsn = new Utf8Text(512);
    private final Utf8Text eventId = new Utf8Text(64);
    private JsonParser parser;
    private ByteArrayFeeder feeder;
    private int skippedItems;
    private int itemIndex;
    private boolean collectForwarded;
    private int headerStart;
    private int headerEnd;
    private int forwardedCount;
    private final int[] forwardedStart = new int[MAX_FORWARDED_ITEMS];
    private final int[] forwardedEnd = new int[MAX_FORWARDED_ITEMS];

    /** Items of other types one envelope may carry to an upstream; past it, {@code 413}. */
    public static final int MAX_FORWARDED_ITEMS = 1000;

    /**
     * @param jsonFactory the factory to make parsers with (shared, thread-safe).
     * @param idHash      this thread's identifier hasher.
     */
    public EnvelopeDecoder(final JsonFactory jsonFactory, final IdHash idHash)
    {
        this.jsonFactory = jsonFactory;
        this.idHash = idHash;
        renewParser();
    }

    /**
     * Decodes one envelope. On failure the batch content is undefined and must not be folded.
     *
     * @param buf    bytes of the envelope.
     * @param offset first byte.
     * @param length number of bytes.
     * @param batch  batch to fill; the caller has reset it with project and receive time.
     * @return null when the envelope is valid, else why it is not.
     */
    public Rejection decode(final byte[] buf, final int offset, final int length, final SessionBatch batch)
    {
        return decode(buf, offset, length, batch, false);
    }

    /**
     * Decodes one envelope, recording the ranges of its other items when they are to be forwarded.
     *
     * @param buf              bytes of the envelope.
     * @param offset           first byte.
     * @param length           number of bytes.
     * @param batch            batch to fill; the caller has reset it with project and receive time.
     * @param collectForwarded whether to record the other items' ranges ({@link #forwardedCount}).
     * @return null when the envelope is valid, else why it is not.
     */
    public Rejection decode(final byte[] buf, final int offset, final int length, final SessionBatch batch,
        final boolean collectForwarded)
    {
        this.collectForwarded = collectForwarded;
        forwardedCount = 0;
        dsn.clear();
        eventId.clear();
        skippedItems = 0;
        itemIndex = 0;
        if (length == 0)
        {
            return Rejection.EMPTY_BODY;
        }
        try
        {
            decodeEnvelope(buf, offset, offset + length, batch);
            return null;
        }
        catch (final Failure failure)
        {
            renewParser(); // it may be mid-value; failures are rare enough to pay for a fresh one
            return failure.rejection;
        }
        catch (final IOException ex)
        {
            // Jackson's parse errors: the parser may be mid-value, so it is replaced.
            renewParser();
            return Rejection.invalidEnvelope(where() + "malformed JSON: " + firstLine(ex.getMessage()));
        }
    }

    /** @return the envelope header's {@code dsn}, if it had one; valid after {@link #decode}. */
    public Utf8Text dsn()
    {
        return dsn;
    }

    /** @return the envelope header's {@code event_id}, if it had one; valid after {@link #decode}. */
    public Utf8Text eventId()
    {
        return eventId;
    }

    /** @return items recorded for forwarding in the last envelope (0 unless asked for). */
    public int forwardedCount()
    {
        return forwardedCount;
    }

    /**
     * @param i an item recorded for forwarding.
     * @return the first byte of its header line.
     */
    public int forwardedStart(final int i)
    {
        return forwardedStart[i];
    }

    /**
     * @param i an item recorded for forwarding.
     * @return one past its payload (and the newline after it, when there was one).
     */
    public int forwardedEnd(final int i)
    {
        return forwardedEnd[i];
    }

    /** @return the first byte of the last envelope's header line. */
    public int headerStart()
    {
        return headerStart;
    }

    /** @return one past the last byte of the last envelope's header line (its newline excluded). */
    public int headerEnd()
    {
        return headerEnd;
    }

    /** @return items of types other than session data in the last envelope. */
    public int skippedItems()
    {
        return skippedItems;
    }

    private void decodeEnvelope(final byte[] buf, final int start, final int end, final SessionBatch batch)
        throws IOException, Failure
    {
        int lineEnd = indexOfNewline(buf, start, end);
        headerStart = start;
        headerEnd = lineEnd;
        beginValue(buf, start, lineEnd, "envelope header");
        parseEnvelopeHeader(batch);
        endValue("envelope header");

        int pos = lineEnd + 1;
        while (pos < end)
        {
            if (buf[pos] == '\n')
            {
                pos++; // tolerate blank lines between items and at the end
                continue;
            }
            itemIndex++;
            final int itemStart = pos;
            lineEnd = indexOfNewline(buf, pos, end);
            beginValue(buf, pos, lineEnd, "item header");
            final int itemType = parseItemHeader();
            final long declaredLength = itemLength;
            endValue("item header");

            final int payloadStart = Math.min(lineEnd + 1, end);
            final int payloadEnd;
            if (declaredLength >= 0)
            {
                if (declaredLength > end - payloadStart)
                {
                    throw new Failure(Rejection.invalidEnvelope("item " + itemIndex + ": length " + declaredLength +
                        " exceeds the " + (end - payloadStart) + " bytes left in the envelope"));
                }
                payloadEnd = payloadStart + (int)declaredLength;
                pos = payloadEnd < end && buf[payloadEnd] == '\n' ? payloadEnd + 1 : payloadEnd;
            }
            else
            {
                payloadEnd = indexOfNewline(buf, payloadStart, end);
                pos = payloadEnd + 1;
            }

            switch (itemType)
            {
                case ITEM_SESSION:
                {
                    final SessionUpdate update = batch.tryAddUpdate();
                    if (update == null)
                    {
                        throw tooManyItems("session", batch);
                    }
                    beginValue(buf, payloadStart, payloadEnd, "session payload");
                    parseSession(update);
                    endValue("session payload");
                    break;
                }
                case ITEM_SESSIONS:
                {
                    final SessionAggregates aggregates = batch.tryAddAggregates();
                    if (aggregates == null)
                    {
                        throw tooManyItems("sessions", batch);
                    }
                    beginValue(buf, payloadStart, payloadEnd, "sessions payload");
                    parseAggregates(aggregates);
                    endValue("sessions payload");
                    break;
                }
                default:
                    skippedItems++;
                    if (collectForwarded)
                    {
                        if (forwardedCount == MAX_FORWARDED_ITEMS)
                        {
                            throw new Failure(Rejection.sizeLimit("event", "more than " + MAX_FORWARDED_ITEMS +
                                " items other than sessions in one envelope"));
                        }
                        forwardedStart[forwardedCount] = itemStart;
                        forwardedEnd[forwardedCount] = Math.min(pos, end);
                        forwardedCount++;
                    }
                    break;
            }
        }
    }

    /**
     * Checks the body of a legacy {@code store} request (one event as a JSON object) and reads its {@code event_id};
     * the rest of the event is skipped, not kept.
     *
     * @param buf    the body.
     * @param offset first byte.
     * @param length bytes.
     * @return null when it is a JSON object, else why not.
     */
    public Rejection decodeStoreEvent(final byte[] buf, final int offset, final int length)
    {
        dsn.clear();
        eventId.clear();
        skippedItems = 0;
        itemIndex = 0;
        forwardedCount = 0;
        if (length == 0)
        {
            return Rejection.EMPTY_BODY;
        }
        try
        {
            beginValue(buf, offset, offset + length, "event");
            JsonToken t;
            while ((t = parser.nextToken()) == JsonToken.FIELD_NAME)
            {
                final boolean isId = "event_id".equals(parser.currentName());
                t = nextValue();
                if (isId && t == JsonToken.VALUE_STRING)
                {
                    eventId.set(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                }
                else
                {
                    parser.skipChildren();
                }
            }
            expectEndObject(t, "event");
            endValue("event");
            return null;
        }
        catch (final Failure failure)
        {
            renewParser();
            return new Rejection(400, "invalid event: " + failure.rejection.detail().substring(
                "invalid event envelope: ".length()));
        }
        catch (final IOException ex)
        {
            renewParser();
            return new Rejection(400, "invalid event: malformed JSON: " + firstLine(ex.getMessage()));
        }
    }

    private static Failure tooManyItems(final String type, final SessionBatch batch)
    {
        return new Failure(Rejection.sizeLimit(type, "more than " + batch.maxItems() +
            " session items in one envelope (limits.envelope.session.items)"));
    }

    // ---------------------------------------------------------------- envelope and item headers

    private void parseEnvelopeHeader(final SessionBatch batch) throws IOException, Failure
    {
        boolean sawSentAt = false;
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            t = nextValue();
            switch (name)
            {
                case "dsn":
                    if (t == JsonToken.VALUE_STRING)
                    {
                        dsn.set(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                    }
                    else
                    {
                        parser.skipChildren();
                    }
                    break;
                case "event_id":
                    if (t == JsonToken.VALUE_STRING)
                    {
                        eventId.set(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                    }
                    else
                    {
                        parser.skipChildren();
                    }
                    break;
                case "sent_at":
                    if (sawSentAt)
                    {
                        throw new Failure(Rejection.invalidEnvelope("envelope header repeats 'sent_at'"));
                    }
                    sawSentAt = true;
                    if (t != JsonToken.VALUE_NULL)
                    {
                        batch.sentAtMs(readTime("sent_at", t));
                    }
                    break;
                default:
                    parser.skipChildren();
                    break;
            }
        }
        expectEndObject(t, "envelope header");
    }

    private static final int ITEM_OTHER = 0;
    private static final int ITEM_SESSION = 1;
    private static final int ITEM_SESSIONS = 2;

    private long itemLength;

    private int parseItemHeader() throws IOException, Failure
    {
        int type = -1;
        itemLength = -1;
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            t = nextValue();
            switch (name)
            {
                case "type":
                    if (t != JsonToken.VALUE_STRING)
                    {
                        throw fieldFailure("item header", "type", "must be a string");
                    }
                    type = itemType(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                    break;
                case "length":
                    if (t == JsonToken.VALUE_NULL)
                    {
                        break;
                    }
                    if (t != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT ||
                        parser.getIntValue() < 0)
                    {
                        throw fieldFailure("item header", "length", "must be a non-negative integer");
                    }
                    itemLength = parser.getIntValue();
                    break;
                default:
                    parser.skipChildren();
                    break;
            }
        }
        expectEndObject(t, "item header");
        if (type < 0)
        {
            throw new Failure(Rejection.invalidEnvelope("item " + itemIndex + ": item header has no 'type'"));
        }
        return type;
    }

    private static int itemType(final char[] c, final int off, final int len)
    {
        if (len == 7 && c[off] == 's' && c[off + 1] == 'e' && c[off + 2] == 's' && c[off + 3] == 's' &&
            c[off + 4] == 'i' && c[off + 5] == 'o' && c[off + 6] == 'n')
        {
            return ITEM_SESSION;
        }
        if (len == 8 && c[off] == 's' && c[off + 1] == 'e' && c[off + 2] == 's' && c[off + 3] == 's' &&
            c[off + 4] == 'i' && c[off + 5] == 'o' && c[off + 6] == 'n' && c[off + 7] == 's')
        {
            return ITEM_SESSIONS;
        }
        return ITEM_OTHER;
    }

    // ---------------------------------------------------------------- payloads

    private void parseSession(final SessionUpdate update) throws IOException, Failure
    {
        boolean sawAttrs = false;
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            t = nextValue();
            if (t == JsonToken.VALUE_NULL)
            {
                continue; // null means absent for every field
            }
            switch (name)
            {
                case "sid":
                {
                    final long[] h = hashString("session", "sid", t);
                    update.sidHash(h[0], h[1]);
                    break;
                }
                case "did":
                    if (!isNilUuid(t))
                    {
                        final long[] h = hashString("session", "did", t);
                        update.didHash(h[0], h[1]);
                    }
                    break;
                case "seq":
                    update.seq(readUnsigned64("session", "seq", t));
                    break;
                case "init":
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE)
                    {
                        throw fieldFailure("session", "init", "must be true or false");
                    }
                    update.init(t == JsonToken.VALUE_TRUE);
                    break;
                case "started":
                    update.startedMs(readTime("started", t));
                    break;
                case "timestamp":
                    update.timestampMs(readTime("timestamp", t));
                    break;
                case "duration":
                    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT)
                    {
                        throw fieldFailure("session", "duration", "must be a number of seconds");
                    }
                    update.durationSeconds(readDouble());
                    break;
                case "status":
                    if (t != JsonToken.VALUE_STRING)
                    {
                        throw fieldFailure("session", "status", "must be a string");
                    }
                    update.status(SessionStatus.fromChars(
                        parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength()));
                    break;
                case "errors":
                    update.errors(readCount("session", "errors", t, Long.MAX_VALUE));
                    break;
                case "abnormal_mechanism":
                    if (t == JsonToken.VALUE_STRING)
                    {
                        update.abnormalMechanism(AbnormalMechanism.fromChars(
                            parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength()));
                    }
                    else
                    {
                        parser.skipChildren();
                    }
                    break;
                case "attrs":
                    parseAttributes("session", t, update.attributes());
                    sawAttrs = true;
                    break;
                default:
                    parser.skipChildren();
                    break;
            }
        }
        expectEndObject(t, "session payload");
        if (update.startedMs() == SessionUpdate.NO_TIME)
        {
            throw fieldFailure("session", "started", "is required");
        }
        requireAttributes("session", sawAttrs, update.attributes());
    }

    private void parseAggregates(final SessionAggregates aggregates) throws IOException, Failure
    {
        boolean sawAttrs = false;
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            t = nextValue();
            switch (name)
            {
                case "attrs":
                    parseAttributes("sessions", t, aggregates.attributes());
                    sawAttrs = true;
                    break;
                case "aggregates":
                    if (t == JsonToken.VALUE_NULL)
                    {
                        break;
                    }
                    if (t != JsonToken.START_ARRAY)
                    {
                        throw fieldFailure("sessions", "aggregates", "must be an array");
                    }
                    while ((t = nextValue()) != JsonToken.END_ARRAY)
                    {
                        final AggregateEntry entry = aggregates.tryAddEntry();
                        if (entry == null)
                        {
                            throw new Failure(Rejection.sizeLimit("sessions", "more than " + aggregates.maxEntries() +
                                " aggregate entries in item " + itemIndex + " (limits.sessions.aggregates)"));
                        }
                        parseAggregateEntry(t, entry);
                    }
                    break;
                default:
                    parser.skipChildren();
                    break;
            }
        }
        expectEndObject(t, "sessions payload");
        requireAttributes("sessions", sawAttrs, aggregates.attributes());
    }

    private void parseAggregateEntry(final JsonToken start, final AggregateEntry entry) throws IOException, Failure
    {
        if (start != JsonToken.START_OBJECT)
        {
            throw fieldFailure("sessions", "aggregates[]", "entries must be objects");
        }
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            t = nextValue();
            if (t == JsonToken.VALUE_NULL)
            {
                continue;
            }
            switch (name)
            {
                case "started":
                    entry.startedMs(readTime("aggregates[].started", t));
                    break;
                case "did":
                    if (!isNilUuid(t))
                    {
                        final long[] h = hashString("sessions", "aggregates[].did", t);
                        entry.didHash(h[0], h[1]);
                    }
                    break;
                case "exited":
                    entry.exited(readCount("sessions", "aggregates[].exited", t, U32_MAX));
                    break;
                case "errored":
                    entry.errored(readCount("sessions", "aggregates[].errored", t, U32_MAX));
                    break;
                case "abnormal":
                    entry.abnormal(readCount("sessions", "aggregates[].abnormal", t, U32_MAX));
                    break;
                case "unhandled":
                    entry.unhandled(readCount("sessions", "aggregates[].unhandled", t, U32_MAX));
                    break;
                case "crashed":
                    entry.crashed(readCount("sessions", "aggregates[].crashed", t, U32_MAX));
                    break;
                default:
                    parser.skipChildren();
                    break;
            }
        }
        if (t != JsonToken.END_OBJECT)
        {
            throw fieldFailure("sessions", "aggregates[]", "entry is not a complete object");
        }
        if (entry.startedMs() == SessionUpdate.NO_TIME)
        {
            throw fieldFailure("sessions", "aggregates[].started", "is required");
        }
    }

    private void parseAttributes(final String item, final JsonToken start, final SessionAttributes attrs)
        throws IOException, Failure
    {
        if (start != JsonToken.START_OBJECT)
        {
            throw fieldFailure(item, "attrs", "must be an object");
        }
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            t = nextValue();
            final Utf8Text target;
            switch (name)
            {
                case "release":
                    target = attrs.release();
                    break;
                case "environment":
                    target = attrs.environment();
                    break;
                case "ip_address":
                    target = attrs.ipAddress();
                    break;
                case "user_agent":
                    target = attrs.userAgent();
                    break;
                default:
                    parser.skipChildren();
                    continue;
            }
            if (t == JsonToken.VALUE_STRING)
            {
                target.set(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            }
            else if (t != JsonToken.VALUE_NULL)
            {
                throw fieldFailure(item, "attrs." + name, "must be a string");
            }
        }
        if (t != JsonToken.END_OBJECT)
        {
            throw fieldFailure(item, "attrs", "is not a complete object");
        }
    }

    private void requireAttributes(final String item, final boolean sawAttrs, final SessionAttributes attrs)
        throws Failure
    {
        if (!sawAttrs)
        {
            throw fieldFailure(item, "attrs", "is required");
        }
        if (!attrs.release().isPresent())
        {
            throw fieldFailure(item, "attrs.release", "is required");
        }
    }

    // ---------------------------------------------------------------- values

    private long[] hashString(final String item, final String field, final JsonToken t) throws IOException, Failure
    {
        if (t != JsonToken.VALUE_STRING)
        {
            throw fieldFailure(item, field, "must be a string");
        }
        return idHash.hashChars(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    private boolean isNilUuid(final JsonToken t) throws IOException
    {
        if (t != JsonToken.VALUE_STRING)
        {
            return false;
        }
        final int len = parser.getTextLength();
        return (len == 36 || len == 32) && SessionStatus.regionEquals(len == 36 ? NIL_UUID_DASHED : NIL_UUID_PLAIN,
            parser.getTextCharacters(), parser.getTextOffset(), len);
    }

    private long readTime(final String field, final JsonToken t) throws IOException, Failure
    {
        final long ms;
        if (t == JsonToken.VALUE_STRING)
        {
            ms = Rfc3339.parseMillis(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        }
        else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)
        {
            // Relay also accepts a timestamp as epoch seconds; anything past year 9999 is absurd.
            final double seconds = parser.getDoubleValue();
            ms = seconds >= 0 && seconds < 253_402_300_800.0 ? (long)(seconds * 1000.0) : Rfc3339.INVALID;
        }
        else
        {
            ms = Rfc3339.INVALID;
        }
        if (ms == Rfc3339.INVALID)
        {
            throw fieldFailure(itemIndex == 0 ? "envelope header" : "item", field,
                "must be an RFC 3339 timestamp (e.g. 2026-11-25T12:00:00.000Z)");
        }
        return ms;
    }

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    private static final long MAX_EXACT_MANTISSA = 1L << 53;

    /**
     * Reads a number as a double without the allocation jackson's own conversion makes: plain decimals whose digits
     * fit 2^53 and whose scale is at most 10^22 are exact as {@code digits / 10^scale} (one correctly rounded
     * division of two exact doubles); anything else falls back to the parser.
     */
    private double readDouble() throws IOException
    {
        final char[] c = parser.getTextCharacters();
        final int off = parser.getTextOffset();
        final int len = parser.getTextLength();
        long mantissa = 0;
        int scale = -1;
        boolean negative = false;
        for (int i = 0; i < len; i++)
        {
            final char ch = c[off + i];
            if (ch >= '0' && ch <= '9')
            {
                mantissa = mantissa * 10 + (ch - '0');
                if (mantissa >= MAX_EXACT_MANTISSA)
                {
                    return parser.getDoubleValue();
                }
                if (scale >= 0)
                {
                    scale++;
                }
            }
            else if (ch == '.' && scale < 0)
            {
                scale = 0;
            }
            else if (ch == '-' && i == 0)
            {
                negative = true;
            }
            else
            {
                return parser.getDoubleValue(); // exponent or anything unusual
            }
        }
        if (scale > 22)
        {
            return parser.getDoubleValue();
        }
        final double value = scale <= 0 ? mantissa : mantissa / POWERS_OF_TEN[scale];
        return negative ? -value : value;
    }

    private long readUnsigned64(final String item, final String field, final JsonToken t) throws IOException, Failure
    {
        if (t != JsonToken.VALUE_NUMBER_INT)
        {
            throw fieldFailure(item, field, "must be a non-negative integer");
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER)
        {
            final BigInteger v = parser.getBigIntegerValue();
            if (v.signum() < 0 || v.compareTo(U64_MAX) > 0)
            {
                throw fieldFailure(item, field, "must fit an unsigned 64-bit integer");
            }
            return v.longValue(); // unsigned bits
        }
        final long v = parser.getLongValue();
        if (v < 0)
        {
            throw fieldFailure(item, field, "must be a non-negative integer");
        }
        return v;
    }

    private long readCount(final String item, final String field, final JsonToken t, final long max)
        throws IOException, Failure
    {
        if (t != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER)
        {
            throw fieldFailure(item, field, "must be a non-negative integer");
        }
        final long v = parser.getLongValue();
        if (v < 0 || v > max)
        {
            throw fieldFailure(item, field, "must be between 0 and " + max);
        }
        return v;
    }

    // ---------------------------------------------------------------- parser plumbing

    private void beginValue(final byte[] buf, final int start, final int end, final String what)
        throws IOException, Failure
    {
        if (!feeder.needMoreInput())
        {
            renewParser();
        }
        feeder.feedInput(buf, start, end);
        final JsonToken t = parser.nextToken();
        if (t != JsonToken.START_OBJECT)
        {
            throw new Failure(Rejection.invalidEnvelope(where() + what + " is not a JSON object"));
        }
    }

    private void endValue(final String what) throws IOException, Failure
    {
        // Everything fed must have been consumed by exactly one value; anything else is trailing garbage.
        final JsonToken t = parser.nextToken();
        if (t != JsonToken.NOT_AVAILABLE || !feeder.needMoreInput())
        {
            throw new Failure(Rejection.invalidEnvelope(where() + "unexpected data after the " + what));
        }
    }

    /** Reads the next token, which must exist: the whole segment was fed, so "not available" means truncated. */
    private JsonToken nextValue() throws IOException, Failure
    {
        final JsonToken t = parser.nextToken();
        if (t == JsonToken.NOT_AVAILABLE || t == null)
        {
            throw new Failure(Rejection.invalidEnvelope(where() + "JSON is truncated"));
        }
        return t;
    }

    private void expectEndObject(final JsonToken t, final String what) throws Failure
    {
        if (t != JsonToken.END_OBJECT)
        {
            throw new Failure(Rejection.invalidEnvelope(where() + what + " is truncated or not a complete object"));
        }
    }

    private Failure fieldFailure(final String item, final String field, final String problem)
    {
        return new Failure(Rejection.invalidEnvelope(where() + item + " field '" + field + "' " + problem));
    }

    private String where()
    {
        return itemIndex == 0 ? "" : "item " + itemIndex + ": ";
    }

    private void renewParser()
    {
        try
        {
            if (parser != null)
            {
                parser.close();
            }
            parser = jsonFactory.createNonBlockingByteArrayParser();
            feeder = (ByteArrayFeeder)parser.getNonBlockingInputFeeder();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot create a JSON parser", ex);
        }
    }

    private static int indexOfNewline(final byte[] buf, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            if (buf[i] == '\n')
            {
                return i;
            }
        }
        return end;
    }

    private static String firstLine(final String message)
    {
        if (message == null)
        {
            return "unreadable JSON";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** A decoding failure with its rejection; no stack trace, it is an expected outcome. */
    private static final class Failure extends Exception
    {
        private static final long serialVersionUID = 1L;
        final transient Rejection rejection;

        Failure(final Rejection rejection)
        {
            super(rejection.detail(), null, false, false);
            this.rejection = rejection;
        }
    }
}
