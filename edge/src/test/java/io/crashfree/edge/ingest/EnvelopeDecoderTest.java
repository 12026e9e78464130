package io.crashfree.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import io.crashfree.aggregation.session.AbnormalMechanism;
import io.crashfree.aggregation.session.IdHash;
import io.crashfree.aggregation.session.SessionAggregates;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.edge.TestNodes;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The envelope decoder on its own: framing rules, field mapping, and that one decoder instance keeps working after
 * failures (its parser is reused across envelopes).
 */
class EnvelopeDecoderTest
{
    private final EnvelopeDecoder decoder = new EnvelopeDecoder(new JsonFactory(), new IdHash(1024));
    private final SessionBatch batch = new SessionBatch(100, 100);

    private Rejection decode(final String envelope)
    {
        final byte[] bytes = envelope.getBytes(StandardCharsets.UTF_8);
        batch.reset(42, 0);
        return decoder.decode(bytes, 0, bytes.length, batch);
    }

    private static final String SESSION = "{\"sid\":\"s1\",\"did\":\"u1\",\"started\":\"2026-11-25T11:28:35.179Z\"," +
        "\"attrs\":{\"release\":\"app@1\"}}";

    @Test
    void shouldMapEveryFieldOfASessionUpdate()
    {
        assertNull(decode("{\"sent_at\":\"2026-11-25T11:28:36Z\",\"event_id\":\"abc\"}\n{\"type\":\"session\"}\n" +
            "{\"sid\":\"7751317762724069a05d82866b88741a\",\"did\":\"käyttäjä@example.com\",\"seq\":42,\"init\":true," +
            "\"started\":\"2026-11-25T11:28:35.179Z\",\"timestamp\":\"2026-11-25T13:28:35.5+02:00\",\"duration\":12.5," +
            "\"status\":\"abnormal\",\"errors\":3,\"abnormal_mechanism\":\"anr_foreground\",\"unknown\":{\"a\":[1]}," +
            "\"attrs\":{\"release\":\"app@1.0\",\"environment\":\"prod\",\"ip_address\":\"{{auto}}\"," +
            "\"user_agent\":\"Mozilla/5.0\",\"other\":1}}\n"));
        assertEquals(1, batch.updateCount());
        final SessionUpdate u = batch.update(0);
        assertArrayEquals(TestNodes.idHash("7751317762724069a05d82866b88741a"),
            new long[] { u.sidHashLow(), u.sidHashHigh() });
        assertArrayEquals(TestNodes.idHash("käyttäjä@example.com"), new long[] { u.didHashLow(), u.didHashHigh() });
        assertEquals(42, u.seq());
        assertTrue(u.init());
        assertEquals(Instant.parse("2026-11-25T11:28:35.179Z").toEpochMilli(), u.startedMs());
        assertEquals(Instant.parse("2026-11-25T11:28:35.500Z").toEpochMilli(), u.timestampMs());
        assertEquals(12.5, u.durationSeconds());
        assertEquals(SessionStatus.ABNORMAL, u.status());
        assertEquals(3, u.errors());
        assertEquals(AbnormalMechanism.ANR_FOREGROUND, u.abnormalMechanism());
        assertEquals("app@1.0", u.attributes().release().toString());
        assertEquals("prod", u.attributes().environment().toString());
        assertEquals("{{auto}}", u.attributes().ipAddress().toString());
        assertEquals("Mozilla/5.0", u.attributes().userAgent().toString());
        assertEquals(Instant.parse("2026-11-25T11:28:36Z").toEpochMilli(), batch.sentAtMs());
        assertEquals("abc", decoder.eventId().toString());
    }

    @Test
    void shouldHashIdsExactlyAsDataSketchesDoes()
    {
        final byte[] id = "7751317762724069a05d82866b88741a".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(MurmurHash3.hash(id, IdHash.DEFAULT_UPDATE_SEED), TestNodes.idHash(new String(id,
            StandardCharsets.UTF_8)));
    }

    @Test
    void shouldTreatNilUuidAndNullAsAbsentDid()
    {
        for (final String did : new String[] { "\"00000000-0000-0000-0000-000000000000\"",
            "\"00000000000000000000000000000000\"", "null" })
        {
            assertNull(decode("{}\n{\"type\":\"session\"}\n" + SESSION.replace("\"u1\"", did) + "\n"), did);
            assertFalse(batch.update(0).hasDid(), did);
        }
    }

    @Test
    void shouldApplyProtocolDefaults()
    {
        assertNull(decode("{}\n{\"type\":\"session\"}\n" + SESSION));
        final SessionUpdate u = batch.update(0);
        assertFalse(u.init());
        assertEquals(SessionStatus.OK, u.status());
        assertEquals(0, u.errors());
        assertFalse(u.hasSeq());
        assertEquals(SessionUpdate.NO_TIME, u.timestampMs());
        assertTrue(Double.isNaN(u.durationSeconds()));
        assertFalse(u.attributes().environment().isPresent());
        assertEquals(SessionUpdate.NO_TIME, batch.sentAtMs());
    }

    @Test
    void shouldKeepUnknownStatusForValidationToDrop()
    {
        assertNull(decode("{}\n{\"type\":\"session\"}\n" + SESSION.replace("{\"sid\"", "{\"status\":\"weird\",\"sid\"")));
        assertEquals(SessionStatus.UNKNOWN, batch.update(0).status());
    }

    @Test
    void shouldReadMaximumUnsignedSeq()
    {
        assertNull(decode("{}\n{\"type\":\"session\"}\n" +
            SESSION.replace("{\"sid\"", "{\"seq\":18446744073709551615,\"sid\"")));
        assertEquals(-1L, batch.update(0).seq());
        assertEquals(Rejection.class, decode("{}\n{\"type\":\"session\"}\n" +
            SESSION.replace("{\"sid\"", "{\"seq\":18446744073709551616,\"sid\"")).getClass());
    }

    @Test
    void shouldFrameItemsWithAndWithoutLengthBlankLinesAndNoFinalNewline()
    {
        final int len = SESSION.getBytes(StandardCharsets.UTF_8).length;
        assertNull(decode("{}\n{\"type\":\"session\",\"length\":" + len + "}\n" + SESSION +
            "\n\n{\"type\":\"attachment\",\"length\":5}\nab\ncd\n{\"type\":\"session\"}\n" + SESSION +
            "\n{\"type\":\"client_report\"}\n{\"discarded_events\":[]}\n{\"type\":\"session\",\"length\":" + len + "}\n" +
            SESSION));
        assertEquals(3, batch.updateCount());
        assertEquals(2, decoder.skippedItems());
    }

    @Test
    void shouldAcceptLengthPayloadWithoutTrailingNewlineAndCarriageReturn()
    {
        assertNull(decode("{}\r\n{\"type\":\"session\"}\r\n" + SESSION + "\r\n"));
        assertEquals(1, batch.updateCount());
    }

    @Test
    void shouldDecodeAggregates()
    {
        assertNull(decode("{}\n{\"type\":\"sessions\"}\n{\"aggregates\":[{\"started\":\"2026-11-25T11:28:00Z\"," +
            "\"did\":\"u1\",\"exited\":5,\"errored\":2,\"abnormal\":1,\"unhandled\":1,\"crashed\":3}," +
            "{\"started\":1764070080,\"exited\":1}],\"attrs\":{\"release\":\"r@2\",\"environment\":\"staging\"}}\n"));
        assertEquals(1, batch.aggregatesCount());
        final SessionAggregates a = batch.aggregates(0);
        assertEquals(2, a.entryCount());
        assertEquals(12, a.entry(0).totalCount());
        assertEquals(7, a.entry(0).allErrors());
        assertTrue(a.entry(0).hasDid());
        assertEquals(1764070080_000L, a.entry(1).startedMs());
        assertEquals("staging", a.attributes().environment().toString());
    }

    @Test
    void shouldKeepWorkingAfterEveryKindOfFailure()
    {
        final String[] bad = {
            "{\"sent_at\":", "{}\n{\"type\":\"session\"}\n{\"sid\":", "{}\n{\"type\":\"session\"}\n[", "[1]\n",
            "{}\n{\"type\":\"session\"}\n12", "{}\n{\"type\":\"session\"}\n\"str\"", "{}\n{\"type\":\"session\"}\n{}}",
            "{}\n{\"type\":\"session\",\"length\":3}\n{}", "{}\n{\"type\":\"session\"}\n{\"sid\":1,\"started\":1}" };
        for (final String b : bad)
        {
            final Rejection r = decode(b);
            assertEquals(400, r == null ? 200 : r.status(), b);
            assertNull(decode("{}\n{\"type\":\"session\"}\n" + SESSION), "after: " + b);
            assertEquals(1, batch.updateCount(), "after: " + b);
        }
    }

    @Test
    void shouldParseDurationsExactlyLikeDoubleParseDouble()
    {
        final Random random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            final String text = switch (i % 4)
            {
                case 0 -> Double.toString(random.nextDouble() * 1e6);
                case 1 -> String.valueOf(random.nextInt(100_000)) + "." + String.valueOf(random.nextInt(1000));
                case 2 -> Double.toString(random.nextDouble());
                default -> String.format("%.6e", random.nextDouble() * 1e4);
            };
            assertNull(decode("{}\n{\"type\":\"session\"}\n" + SESSION.replace("{\"sid\"",
                "{\"duration\":" + text + ",\"sid\"")), text);
            assertEquals(Double.parseDouble(text), batch.update(0).durationSeconds(), text);
        }
    }

    @Test
    void shouldParseRfc3339Variants()
    {
        final String[][] rows = {
            { "2026-11-25T11:28:35Z", "2026-11-25T11:28:35Z" },
            { "2026-11-25T11:28:35.1Z", "2026-11-25T11:28:35.100Z" },
            { "2026-11-25T11:28:35.123456789Z", "2026-11-25T11:28:35.123Z" },
            { "2026-11-25t11:28:35z", "2026-11-25T11:28:35Z" },
            { "2026-11-25T11:28:35", "2026-11-25T11:28:35Z" },
            { "2026-11-25T11:28:35-05:30", "2026-11-25T16:58:35Z" },
            { "2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z" },
            { "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z" },
        };
        for (final String[] row : rows)
        {
            final char[] c = row[0].toCharArray();
            assertEquals(Instant.parse(row[1]).toEpochMilli(), Rfc3339.parseMillis(c, 0, c.length), row[0]);
        }
        for (final String bad : new String[] { "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-25T24:00:00Z",
            "2026-11-25 11:28", "2026-11-25T11:28:35.Z", "2026-11-25T11:28:35+5", "yesterday", "2026-11-25T11:28:35ZZ" })
        {
            final char[] c = bad.toCharArray();
            assertEquals(Rfc3339.INVALID, Rfc3339.parseMillis(c, 0, c.length), bad);
        }
    }
}
