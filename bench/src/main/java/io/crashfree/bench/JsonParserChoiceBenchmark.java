package io.crashfree.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
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
import java.util.concurrent.TimeUnit;

/**
 * Why the envelope decoder uses the parser it uses: the cost of only tokenizing the benchmark envelope with
 * jackson-core's blocking parser (a new one per envelope) and with one reused non-blocking parser.
 * <p>
 * Run: {@code bin/crashfree bench JsonParserChoiceBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class JsonParserChoiceBenchmark
{
    private final JsonFactory factory = new JsonFactory();
    private byte[] envelope;
    private JsonParser asyncParser;
    private ByteArrayFeeder feeder;

    /** Creates the reused non-blocking parser. */
    @Setup
    public void setUp() throws IOException
    {
        envelope = EnvelopeDecodeBenchmark.ENVELOPE.getBytes(StandardCharsets.UTF_8);
        asyncParser = factory.createNonBlockingByteArrayParser();
        feeder = (ByteArrayFeeder)asyncParser.getNonBlockingInputFeeder();
    }

    /** @return tokens seen by a fresh blocking parser over the whole envelope (all JSON, so one parser reads it). */
    @Benchmark
    public int blockingParserPerEnvelope() throws IOException
    {
        int tokens = 0;
        try (JsonParser p = factory.createParser(envelope, 0, envelope.length))
        {
            JsonToken t;
            while ((t = p.nextToken()) != null)
            {
                tokens += t.id();
            }
        }
        return tokens;
    }

    /** @return tokens seen by the one reused non-blocking parser fed the whole envelope. */
    @Benchmark
    public int reusedNonBlockingParser() throws IOException
    {
        int tokens = 0;
        feeder.feedInput(envelope, 0, envelope.length);
        JsonToken t;
        while ((t = asyncParser.nextToken()) != JsonToken.NOT_AVAILABLE)
        {
            tokens += t.id();
        }
        return tokens;
    }
}
