package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.aggregation.session.AggregateEntry;
import io.crashfree.aggregation.session.SessionUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays raw requests that real SDKs sent (reference/sdk-captures: sentry-java 8.63.0 and
 * @sentry/node 11.12.0) over a real socket, with their own headers, auth placement, encodings and chunking, and checks
 * that every decoded session equals what jackson-databind reads from the same payload.
 */
@Timeout(60)
class SdkCaptureReplayTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldDecodeEveryJavaSdkCaptureExactly() throws Exception
    {
        replay("sentry.java.samples.jsonl");
    }

    @Test
    void shouldDecodeEveryNodeSdkCaptureExactly() throws Exception
    {
        replay("sentry.javascript.node.samples.jsonl");
    }

    private void replay(final String file) throws Exception
    {
        final List<JsonNode> captures = new ArrayList<>();
        for (final String line : captureLines(file))
        {
            if (!line.isBlank())
            {
                captures.add(JSON.readTree(line));
            }
        }
        assertFalse(captures.isEmpty(), file);

        final RecordingSessionSink sink = new RecordingSessionSink();
        final List<JsonNode> expectedUpdates = new ArrayList<>();
        final List<JsonNode> expectedAggregates = new ArrayList<>();
        try (CrashfreeNode node = TestNodes.start(dataDir, sink, Map.of()))
        {
            for (final JsonNode capture : captures)
            {
                final String body = capture.get("body").asText();
                collectExpected(body, expectedUpdates, expectedAggregates);
                try (RawHttp http = new RawHttp(node.port()))
                {
                    final RawHttp.Response response = http.exchange(toRequest(capture));
                    assertEquals(200, response.status(), "capture " + capture.get("seq") + ": " + response.body());
                }
            }
        }

        LeakCheck.assertNoLeaks();
        final List<SessionUpdate> updates = sink.updates();
        assertEquals(expectedUpdates.size(), updates.size(), file + ": session items");
        for (int i = 0; i < updates.size(); i++)
        {
            assertSameSession(expectedUpdates.get(i), updates.get(i), file + " session " + i);
        }
        final List<RecordingSessionSink.RecordedAggregates> aggregates = sink.aggregates();
        assertEquals(expectedAggregates.size(), aggregates.size(), file + ": sessions items");
        for (int i = 0; i < aggregates.size(); i++)
        {
            assertSameAggregates(expectedAggregates.get(i), aggregates.get(i), file + " sessions " + i);
        }
        if (file.contains("node"))
        {
            assertFalse(aggregates.isEmpty(), "the Node captures include server-mode aggregates");
        }
    }

    private static void collectExpected(final String body, final List<JsonNode> updates,
        final List<JsonNode> aggregates) throws Exception
    {
        // The captured payloads are one line each, so a line split is an independent reference framing.
        final String[] lines = body.split("\n");
        for (int i = 1; i + 1 < lines.length; i += 2)
        {
            final String type = JSON.readTree(lines[i]).get("type").asText();
            if (type.equals("session"))
            {
                updates.add(JSON.readTree(lines[i + 1]));
            }
            else if (type.equals("sessions"))
            {
                aggregates.add(JSON.readTree(lines[i + 1]));
            }
        }
    }

    private static void assertSameSession(final JsonNode expected, final SessionUpdate actual, final String what)
    {
        assertArrayEquals(TestNodes.idHash(expected.get("sid").asText()),
            new long[] { actual.sidHashLow(), actual.sidHashHigh() }, what + " sid");
        if (expected.hasNonNull("did"))
        {
            assertTrue(actual.hasDid(), what + " did");
            assertArrayEquals(TestNodes.idHash(expected.get("did").asText()),
                new long[] { actual.didHashLow(), actual.didHashHigh() }, what + " did");
        }
        assertEquals(expected.path("init").asBoolean(false), actual.init(), what + " init");
        assertEquals(expected.path("status").asText("ok"), actual.status().wireName(), what + " status");
        assertEquals(expected.path("errors").asLong(0), actual.errors(), what + " errors");
        assertEquals(Instant.parse(expected.get("started").asText()).toEpochMilli(), actual.startedMs(),
            what + " started");
        if (expected.has("timestamp"))
        {
            assertEquals(Instant.parse(expected.get("timestamp").asText()).toEpochMilli(), actual.timestampMs(),
                what + " timestamp");
        }
        if (expected.has("duration"))
        {
            assertEquals(expected.get("duration").asDouble(), actual.durationSeconds(), 1e-12, what + " duration");
        }
        if (expected.has("seq"))
        {
            assertEquals(expected.get("seq").asLong(), actual.seq(), what + " seq");
        }
        assertEquals(expected.get("attrs").get("release").asText(), actual.attributes().release().toString(),
            what + " release");
        assertEquals(expected.get("attrs").path("environment").asText(null),
            actual.attributes().environment().toString(), what + " environment");
    }

    private static void assertSameAggregates(final JsonNode expected,
        final RecordingSessionSink.RecordedAggregates actual, final String what)
    {
        assertEquals(expected.get("attrs").get("release").asText(), actual.release(), what + " release");
        final JsonNode entries = expected.get("aggregates");
        assertEquals(entries.size(), actual.entries().size(), what + " entries");
        for (int i = 0; i < entries.size(); i++)
        {
            final JsonNode e = entries.get(i);
            final AggregateEntry a = actual.entries().get(i);
            assertEquals(Instant.parse(e.get("started").asText()).toEpochMilli(), a.startedMs(), what + " started");
            assertEquals(e.path("exited").asLong(0), a.exited(), what + " exited");
            assertEquals(e.path("errored").asLong(0), a.errored(), what + " errored");
            assertEquals(e.path("crashed").asLong(0), a.crashed(), what + " crashed");
            assertEquals(e.path("abnormal").asLong(0), a.abnormal(), what + " abnormal");
        }
    }

    private static byte[] toRequest(final JsonNode capture)
    {
        final byte[] decoded = Envelopes.utf8(capture.get("body").asText());
        final String encoding = capture.path("content_encoding").asText("");
        final byte[] body = encoding.equals("gzip") ? Envelopes.gzip(decoded) : decoded;
        final List<String> headers = new ArrayList<>();
        for (final JsonNode h : capture.get("headers"))
        {
            final String name = h.get(0).asText();
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length") &&
                !name.equalsIgnoreCase("transfer-encoding"))
            {
                headers.add(name + ": " + h.get(1).asText());
            }
        }
        final String query = capture.path("query").asText("");
        final String target = capture.get("path").asText() + (query.isEmpty() ? "" : "?" + query);
        final String[] hs = headers.toArray(new String[0]);
        return "chunked".equals(capture.path("transfer_encoding").asText(null)) ?
            RawHttp.chunkedRequest(target, hs, body, 100) : RawHttp.request("POST", target, hs, body);
    }

    /**
     * @param file a capture file.
     * @return its lines, from the test classpath ({@code reference/sdk-captures} in the repository).
     */
    static List<String> captureLines(final String file) throws java.io.IOException
    {
        try (java.io.InputStream in = SdkCaptureReplayTest.class.getResourceAsStream("/sdk-captures/" + file))
        {
            assertNotNull(in, "sdk-captures/" + file + " is not on the test classpath (reference/sdk-captures)");
            return List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n"));
        }
    }

}
