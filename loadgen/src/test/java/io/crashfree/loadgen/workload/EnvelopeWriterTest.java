package io.crashfree.loadgen.workload;

import io.crashfree.loadgen.Captures;
import io.crashfree.loadgen.verify.JsonTree;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The envelopes the load generator writes against the real SDKs' captured envelopes, one row per captured update:
 * same envelope header keys, same item header keys, same payload keys in the same order, same status and error count;
 * the Java item {@code length} equals the payload's size.
 */
class EnvelopeWriterTest
{
    private static final Object[][] ROWS = {
        {"sentry.java.samples.jsonl", 1L, SdkStyle.JAVA, UpdateSpec.JAVA_INIT},
        {"sentry.java.samples.jsonl", 2L, SdkStyle.JAVA, UpdateSpec.JAVA_EXITED},
        {"sentry.java.samples.jsonl", 6L, SdkStyle.JAVA, UpdateSpec.JAVA_ERROR},
        {"sentry.java.samples.jsonl", 8L, SdkStyle.JAVA, UpdateSpec.JAVA_EXITED_ERRORS},
        {"sentry.java.samples.jsonl", 16L, SdkStyle.JAVA, UpdateSpec.JAVA_ABNORMAL},
        {"sentry.java.samples.jsonl", 48L, SdkStyle.JAVA, UpdateSpec.JAVA_CRASHED},
        {"sentry.javascript.node.samples.jsonl", 156L, SdkStyle.NODE, UpdateSpec.NODE_INIT_EXITED},
        {"sentry.javascript.node.samples.jsonl", 159L, SdkStyle.NODE, UpdateSpec.NODE_INIT_ERRORED},
        {"sentry.javascript.node.samples.jsonl", 162L, SdkStyle.NODE, UpdateSpec.NODE_EXITED_ERRORS},
        {"sentry.javascript.node.samples.jsonl", 200L, SdkStyle.NODE, UpdateSpec.NODE_INIT_CRASHED},
        {"sentry.javascript.node.samples.jsonl", 240L, SdkStyle.NODE, UpdateSpec.NODE_INIT_ABNORMAL},
        // Long sessions' separate init and terminal updates (--session-length); a healthy session's have the shape of
        // the errored session's captured updates without the errors (false: errors not compared).
        {"sentry.javascript.node.samples.jsonl", 159L, SdkStyle.NODE, UpdateSpec.NODE_INIT_OK, false},
        {"sentry.javascript.node.samples.jsonl", 162L, SdkStyle.NODE, UpdateSpec.NODE_EXITED, false},
        {"sentry.javascript.node.samples.jsonl", 167L, SdkStyle.NODE, UpdateSpec.NODE_ABNORMAL},
        {"sentry.javascript.node.samples.jsonl", 192L, SdkStyle.NODE, UpdateSpec.NODE_CRASHED},
    };

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteSessionUpdatesAsTheSdksDo() throws Exception
    {
        for (final Object[] row : ROWS)
        {
            final String what = row[0] + " seq " + row[1];
            final Map<String, Object> capture = Captures.load((String)row[0]).get(row[1]);
            final List<String> captured = lines((String)capture.get("body"));
            final String capturedPayload = captured.get(captured.size() - 1);
            final String capturedItemHeader = captured.get(captured.size() - 2);

            final WorkloadSpec spec = spec((SdkStyle)row[2], EnvelopeKind.SESSION);
            final SessionPlanner planner = new SessionPlanner(spec, 5, 6, 0, 1);
            final PlannedSession s = planner.nextSession(1_795_606_115_179L);
            final UpdateSpec u = (UpdateSpec)row[3];
            final ByteWriter out = new ByteWriter(64);
            new EnvelopeWriter(spec).writeUpdate(out, s, u, 1_795_606_115_243L);
            final String body = out.toString();
            assertEquals(spec.style() == SdkStyle.JAVA, body.endsWith("\n"), "trailing newline: " + what);
            final List<String> ours = lines(body);
            assertEquals(3, ours.size(), what);

            if (captured.size() == 3)
            {
                // (With an error the SDK sends the event in the same envelope; the load generator sends the session
                // update alone, so only session-only envelopes have the same header.)
                assertEquals(keys(captured.get(0)), keys(ours.get(0)), "envelope header keys: " + what);
            }
            assertEquals(keys(capturedItemHeader), keys(ours.get(1)), "item header keys: " + what);
            assertEquals(keys(capturedPayload), keys(ours.get(2)), "payload keys in order: " + what);
            final Map<String, Object> theirs = (Map<String, Object>)JsonTree.parse(capturedPayload);
            final Map<String, Object> mine = (Map<String, Object>)JsonTree.parse(ours.get(2));
            assertEquals(theirs.get("status"), mine.get("status"), "status: " + what);
            assertEquals(theirs.get("init"), mine.get("init"), "init: " + what);
            if (!u.isErrorStatus() && row.length == 4)
            {
                // With ok or exited, errors > 0 is what makes the session errored; an error status is errored anyway.
                assertEquals((Long)theirs.get("errors") > 0, (Long)mine.get("errors") > 0, "errors: " + what);
            }
            assertEquals(theirs.get("abnormal_mechanism"), mine.get("abnormal_mechanism"), "mechanism: " + what);
            assertEquals(32, ((String)mine.get("sid")).length(), "sid is 32 hex characters: " + what);
            if (spec.style() == SdkStyle.JAVA)
            {
                final Map<String, Object> item = (Map<String, Object>)JsonTree.parse(ours.get(1));
                assertEquals((long)ours.get(2).getBytes(StandardCharsets.UTF_8).length, item.get("length"),
                    "item length: " + what);
            }
            else
            {
                assertNull(((Map<String, Object>)JsonTree.parse(ours.get(1))).get("length"), what);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteAggregatesAsTheNodeSdkDoes() throws Exception
    {
        final Map<String, Object> capture = Captures.load("sentry.javascript.node.samples.jsonl").get(184L);
        final List<String> captured = lines((String)capture.get("body"));
        final WorkloadSpec spec = spec(SdkStyle.NODE, EnvelopeKind.SESSIONS);
        final SessionPlanner planner = new SessionPlanner(spec, 5, 6, 0, 1);
        final AggregateBatch batch = new AggregateBatch(spec.entriesPerEnvelope());
        final long now = 1_795_606_116_775L;
        planner.fill(batch, now);
        final ByteWriter out = new ByteWriter(64);
        new EnvelopeWriter(spec).writeAggregates(out, batch, now);
        final List<String> ours = lines(out.toString());
        assertEquals(keys(captured.get(0)), keys(ours.get(0)));
        assertEquals(captured.get(1), ours.get(1));
        assertEquals(keys(captured.get(2)), keys(ours.get(2)));
        final Map<String, Object> payload = (Map<String, Object>)JsonTree.parse(ours.get(2));
        final List<Object> entries = (List<Object>)payload.get("aggregates");
        assertEquals(spec.entriesPerEnvelope(), entries.size());
        long total = 0;
        for (final Object e : entries)
        {
            final Map<String, Object> entry = (Map<String, Object>)e;
            assertEquals("2026-11-25T11:28:00.000Z", entry.get("started"), "started is rounded to the minute");
            for (final String counter : new String[] {"exited", "errored", "crashed", "abnormal", "unhandled"})
            {
                total += entry.containsKey(counter) ? (Long)entry.get(counter) : 0;
            }
        }
        assertEquals(batch.totalSessions(), total);
        assertEquals((long)spec.entriesPerEnvelope() * spec.sessionsPerEntry(), total);
    }

    private static WorkloadSpec spec(final SdkStyle style, final EnvelopeKind kind)
    {
        return new WorkloadSpec(List.of("java-app@1.1.0"), 1.0, List.of("production"), new double[] {1}, 100,
            new double[] {1, 1, 1, 1, 1}, style, kind, 0, 7, 3);
    }

    private static List<String> lines(final String body)
    {
        final List<String> lines = new ArrayList<>(List.of(body.split("\n")));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static List<String> keys(final String json) throws Exception
    {
        final Object value = JsonTree.parse(json);
        assertTrue(value instanceof Map, json);
        return new ArrayList<>(((Map<String, Object>)value).keySet());
    }
}
