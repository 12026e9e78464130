package io.crashfree.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.aggregation.session.IdHash;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.edge.ingest.EnvelopeDecoder;
import io.crashfree.edge.ingest.Rejection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decoding a typical single-session envelope (the Java SDK's init update, 555 bytes): Crashfree's streaming decoder
 * into reusable records, beside jackson-databind decoding the same envelope into objects.
 * <p>
 * Run: {@code bin/crashfree bench EnvelopeDecodeBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class EnvelopeDecodeBenchmark
{
    /** The Java SDK's init update as captured on the wire (gzip-decoded), 555 bytes. */
    static final String ENVELOPE = "{\"sdk\":{\"name\":\"sentry.java\",\"version\":\"8.63.0\",\"packages\":" +
        "[{\"name\":\"maven:io.sentry:sentry\",\"version\":\"8.63.0\"}],\"integrations\":[\"UncaughtExceptionHandler\"," +
        "\"ShutdownHook\"]},\"sent_at\":\"2026-11-25T11:28:35.246Z\"}\n" +
        "{\"content_type\":\"application/json\",\"type\":\"session\",\"length\":268}\n" +
        "{\"sid\":\"7751317762724069a05d82866b88741a\",\"did\":\"java-user-0\",\"started\":\"2026-11-25T11:28:35.179Z\"," +
        "\"status\":\"exited\",\"seq\":1795606115243,\"errors\":0,\"duration\":0.064," +
        "\"timestamp\":\"2026-11-25T11:28:35.243Z\",\"attrs\":{\"release\":\"java-app@1.1.0\"," +
        "\"environment\":\"production\"}}\n";

    private byte[] envelope;
    private EnvelopeDecoder decoder;
    private SessionBatch batch;
    private ObjectMapper mapper;

    /** Prepares the decoder, its batch and the databind baseline. */
    @Setup
    public void setUp()
    {
        envelope = ENVELOPE.getBytes(StandardCharsets.UTF_8);
        decoder = new EnvelopeDecoder(new JsonFactory(), new IdHash(1024));
        batch = new SessionBatch(100, 100);
        mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        if (streamingDecoder() != null || batch.updateCount() != 1)
        {
            throw new IllegalStateException("the benchmark envelope does not decode");
        }
    }

    /** @return null: the envelope is valid (returned so the work is not dead code). */
    @Benchmark
    public Rejection streamingDecoder()
    {
        batch.reset(42, 0);
        return decoder.decode(envelope, 0, envelope.length, batch);
    }

    /** @return the decoded payload: the same framing, then jackson-databind into a plain object. */
    @Benchmark
    public SessionJson databindBaseline() throws IOException
    {
        final byte[] b = envelope;
        int nl = indexOf(b, 0);
        final JsonNode header = mapper.readTree(b, 0, nl);
        final int itemStart = nl + 1;
        nl = indexOf(b, itemStart);
        final ItemHeaderJson item = mapper.readValue(b, itemStart, nl - itemStart, ItemHeaderJson.class);
        final SessionJson session = mapper.readValue(b, nl + 1, item.length, SessionJson.class);
        session.sentAt = header.path("sent_at").asText();
        return session;
    }

    private static int indexOf(final byte[] b, final int from)
    {
        for (int i = from; i < b.length; i++)
        {
            if (b[i] == '\n')
            {
                return i;
            }
        }
        return b.length;
    }

    /** The item header as databind sees it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class ItemHeaderJson
    {
        /** Item type. */
        public String type;
        /** Payload length. */
        public int length;
    }

    /** A session update as databind sees it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class SessionJson
    {
        /** Session id. */
        public String sid;
        /** Distinct id. */
        public String did;
        /** Sequence. */
        public long seq;
        /** First update. */
        public boolean init;
        /** Start time. */
        public String started;
        /** Update time. */
        public String timestamp;
        /** Duration in seconds. */
        public Double duration;
        /** Status. */
        public String status;
        /** Error count. */
        public long errors;
        /** Attributes. */
        public Map<String, String> attrs;
        /** Envelope's sent_at. */
        public String sentAt;
    }
}
