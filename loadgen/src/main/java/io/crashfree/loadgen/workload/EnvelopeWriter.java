package io.crashfree.loadgen.workload;

import java.nio.charset.StandardCharsets;

/**
 * Writes envelopes byte for byte as the real SDKs do (reference/sdk-captures): the Java SDK's envelope header
 * ({@code sdk} with packages and integrations, then {@code sent_at}), item headers with {@code content_type} and
 * {@code length}, payload fields in the SDK's order, and a trailing newline; the Node SDK's short header, item headers
 * of just a {@code type}, and no trailing newline.
 * <p>
 * One writer per client thread; the body goes into a caller's {@link ByteWriter}, so nothing is allocated per
 * envelope.
 */
public final class EnvelopeWriter
{
    private static final byte[] JAVA_HEADER_PREFIX = ascii("{\"sdk\":{\"name\":\"sentry.java\",\"version\":\"8.63.0\"," +
        "\"packages\":[{\"name\":\"maven:io.sentry:sentry\",\"version\":\"8.63.0\"}]," +
        "\"integrations\":[\"UncaughtExceptionHandler\",\"ShutdownHook\"]},\"sent_at\":\"");
    private static final byte[] JAVA_HEADER_SUFFIX = ascii("\"}\n");
    private static final byte[] JAVA_SESSION_ITEM = ascii("{\"content_type\":\"application/json\",\"type\":\"session\"," +
        "\"length\":");
    private static final byte[] JAVA_SESSIONS_ITEM = ascii("{\"content_type\":\"application/json\",\"type\":" +
        "\"sessions\",\"length\":");
    private static final byte[] ITEM_HEADER_END = ascii("}\n");
    private static final byte[] NODE_HEADER_PREFIX = ascii("{\"sent_at\":\"");
    private static final byte[] NODE_HEADER_SUFFIX = ascii("\",\"sdk\":{\"name\":\"sentry.javascript.node\"," +
        "\"version\":\"11.12.0\"}}\n");
    private static final byte[] NODE_SESSION_ITEM = ascii("{\"type\":\"session\"}\n");
    private static final byte[] NODE_SESSIONS_ITEM = ascii("{\"type\":\"sessions\"}\n");

    private static final byte[] SID = ascii("{\"sid\":\"");
    private static final byte[] DID = ascii("\",\"did\":\"");
    private static final byte[] INIT_TRUE_STARTED = ascii("\",\"init\":true,\"started\":\"");
    private static final byte[] STARTED = ascii("\",\"started\":\"");
    private static final byte[] STATUS = ascii("\",\"status\":\"");
    private static final byte[] SEQ = ascii("\",\"seq\":");
    private static final byte[] ERRORS_AFTER_NUMBER = ascii(",\"errors\":");
    private static final byte[] ERRORS_AFTER_STRING = ascii("\",\"errors\":");
    private static final byte[] DURATION = ascii(",\"duration\":");
    private static final byte[] TIMESTAMP_AFTER_NUMBER = ascii(",\"timestamp\":\"");
    private static final byte[] ANR_AFTER_STRING = ascii("\",\"abnormal_mechanism\":\"anr_foreground");
    private static final byte[] ANR_AFTER_NUMBER = ascii(",\"abnormal_mechanism\":\"anr_foreground\"");
    private static final byte[] ATTRS_AFTER_STRING = ascii("\",\"attrs\":{\"release\":\"");
    private static final byte[] ATTRS_AFTER_NUMBER = ascii(",\"attrs\":{\"release\":\"");
    private static final byte[] ATTRS_FIRST = ascii("\"attrs\":{\"release\":\"");
    private static final byte[] ENVIRONMENT = ascii("\",\"environment\":\"");
    private static final byte[] ATTRS_END = ascii("\"}");
    private static final byte[] NODE_INIT_TRUE = ascii("\",\"init\":true,\"started\":\"");
    private static final byte[] NODE_INIT_FALSE = ascii("\",\"init\":false,\"started\":\"");
    private static final byte[] NODE_TIMESTAMP = ascii("\",\"timestamp\":\"");
    private static final byte[] NODE_DID = ascii(",\"did\":\"");
    private static final byte[] DID_PREFIX = ascii("user-");
    private static final byte[] AGGREGATES_START = ascii("{\"aggregates\":[");
    private static final byte[] ENTRY_STARTED = ascii("{\"started\":\"");
    private static final byte[] ENTRY_EXITED = ascii("\",\"exited\":");
    private static final byte[] ENTRY_ERRORED = ascii(",\"errored\":");
    private static final byte[] ENTRY_CRASHED = ascii(",\"crashed\":");
    private static final byte[] ENTRY_ABNORMAL = ascii(",\"abnormal\":");
    private static final byte[] ENTRY_UNHANDLED = ascii(",\"unhandled\":");
    private static final byte[] AGGREGATES_END = ascii("],");

    private final WorkloadSpec spec;
    private final ByteWriter payload = new ByteWriter(1024);

    /** @param spec what is sent (release and environment names). */
    public EnvelopeWriter(final WorkloadSpec spec)
    {
        this.spec = spec;
    }

    /**
     * Writes the envelope of one session update.
     *
     * @param out    receives the envelope (cleared first).
     * @param s      the session (its SDK decides the format).
     * @param update which of its updates.
     * @param nowMs  now: {@code sent_at}, {@code timestamp}, {@code seq} and the duration so far.
     */
    public void writeUpdate(final ByteWriter out, final PlannedSession s, final UpdateSpec update, final long nowMs)
    {
        payload.clear();
        final boolean java = s.style() == SdkStyle.JAVA;
        if (java)
        {
            javaPayload(s, update, nowMs);
        }
        else
        {
            nodePayload(s, update, nowMs);
        }
        envelope(out, payload, nowMs, false, java);
    }

    /**
     * Writes one {@code sessions} aggregate envelope.
     *
     * @param out   receives the envelope (cleared first).
     * @param batch the entries (its SDK decides the framing).
     * @param nowMs now ({@code sent_at}).
     */
    public void writeAggregates(final ByteWriter out, final AggregateBatch batch, final long nowMs)
    {
        payload.clear();
        payload.put(AGGREGATES_START);
        for (int e = 0; e < batch.entries(); e++)
        {
            if (e > 0)
            {
                payload.put((byte)',');
            }
            payload.put(ENTRY_STARTED).putTimestamp(batch.startedMs()).put(DID).put(DID_PREFIX);
            payload.putPadded(batch.user(e), WorkloadSpec.DID_LENGTH - DID_PREFIX.length);
            payload.put(ENTRY_EXITED).putLong(batch.count(e, Outcome.HEALTHY));
            payload.put(ENTRY_ERRORED).putLong(batch.count(e, Outcome.ERRORED));
            payload.put(ENTRY_CRASHED).putLong(batch.count(e, Outcome.CRASHED));
            if (batch.count(e, Outcome.ABNORMAL) > 0)
            {
                payload.put(ENTRY_ABNORMAL).putLong(batch.count(e, Outcome.ABNORMAL));
            }
            if (batch.count(e, Outcome.UNHANDLED) > 0)
            {
                payload.put(ENTRY_UNHANDLED).putLong(batch.count(e, Outcome.UNHANDLED));
            }
            payload.put((byte)'}');
        }
        payload.put(AGGREGATES_END).put(ATTRS_FIRST);
        attrsTail(batch.release(), batch.environment());
        payload.put((byte)'}');
        envelope(out, payload, nowMs, true, batch.style() == SdkStyle.JAVA);
    }

    private static void envelope(final ByteWriter out, final ByteWriter item, final long nowMs,
        final boolean aggregates, final boolean java)
    {
        out.clear();
        if (java)
        {
            out.put(JAVA_HEADER_PREFIX).putTimestamp(nowMs).put(JAVA_HEADER_SUFFIX);
            out.put(aggregates ? JAVA_SESSIONS_ITEM : JAVA_SESSION_ITEM).putLong(item.length()).put(ITEM_HEADER_END);
            out.put(item).put((byte)'\n');
        }
        else
        {
            out.put(NODE_HEADER_PREFIX).putTimestamp(nowMs).put(NODE_HEADER_SUFFIX);
            out.put(aggregates ? NODE_SESSIONS_ITEM : NODE_SESSION_ITEM);
            out.put(item);
        }
    }

    private void javaPayload(final PlannedSession s, final UpdateSpec u, final long nowMs)
    {
        sidAndDid(s);
        if (u.init())
        {
            // {"sid","did","init":true,"started","status":"ok","errors":0,"timestamp","attrs"}
            payload.put(INIT_TRUE_STARTED).putTimestamp(s.startedMs());
            payload.put(STATUS).put(u.statusBytes()).put(ERRORS_AFTER_STRING).putLong(u.errors());
            payload.put(TIMESTAMP_AFTER_NUMBER).putTimestamp(s.startedMs());
        }
        else
        {
            // {"sid","did","started","status","seq","errors","duration","timestamp","abnormal_mechanism","attrs"}
            payload.put(STARTED).putTimestamp(s.startedMs());
            payload.put(STATUS).put(u.statusBytes()).put(SEQ).putLong(nowMs);
            payload.put(ERRORS_AFTER_NUMBER).putLong(u.errors());
            if (u.hasDuration())
            {
                payload.put(DURATION).putMillisAsSeconds(Math.max(0, nowMs - s.startedMs()));
            }
            payload.put(TIMESTAMP_AFTER_NUMBER).putTimestamp(nowMs);
            if (u.hasAnrMechanism())
            {
                payload.put(ANR_AFTER_STRING);
            }
        }
        payload.put(ATTRS_AFTER_STRING);
        attrsTail(s.release(), s.environment());
        payload.put((byte)'}');
    }

    private void nodePayload(final PlannedSession s, final UpdateSpec u, final long nowMs)
    {
        // {"sid","init","started","timestamp","status","errors","did","duration","abnormal_mechanism","attrs"}
        if (!u.init() && !u.explicitInitFalse())
        {
            throw new IllegalArgumentException("not a Node SDK update: " + u);
        }
        payload.put(SID).putHex64(s.sidHigh()).putHex64(s.sidLow());
        payload.put(u.init() ? NODE_INIT_TRUE : NODE_INIT_FALSE);
        payload.putTimestamp(s.startedMs()).put(NODE_TIMESTAMP).putTimestamp(nowMs);
        payload.put(STATUS).put(u.statusBytes()).put(ERRORS_AFTER_STRING).putLong(u.errors());
        payload.put(NODE_DID).put(DID_PREFIX).putPadded(s.user(), WorkloadSpec.DID_LENGTH - DID_PREFIX.length);
        payload.put((byte)'"');
        if (u.hasDuration())
        {
            payload.put(DURATION).putMillisAsSeconds(Math.max(0, nowMs - s.startedMs()));
        }
        if (u.hasAnrMechanism())
        {
            payload.put(ANR_AFTER_NUMBER);
        }
        payload.put(ATTRS_AFTER_NUMBER);
        attrsTail(s.release(), s.environment());
        payload.put((byte)'}');
    }

    private void sidAndDid(final PlannedSession s)
    {
        payload.put(SID).putHex64(s.sidHigh()).putHex64(s.sidLow());
        payload.put(DID).put(DID_PREFIX).putPadded(s.user(), WorkloadSpec.DID_LENGTH - DID_PREFIX.length);
    }

    private void attrsTail(final int release, final int environment)
    {
        payload.put(spec.releaseBytes(release));
        final byte[] env = spec.environmentBytes(environment);
        if (env != null)
        {
            payload.put(ENVIRONMENT).put(env);
        }
        payload.put(ATTRS_END);
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
