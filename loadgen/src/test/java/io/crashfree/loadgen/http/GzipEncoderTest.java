package io.crashfree.loadgen.http;

import io.crashfree.loadgen.Captures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written gzip encoder against the JDK's decoder (the oracle): real SDK envelopes, edge cases of the format
 * (empty input, the longest match, the farthest distance, every byte value), and a seeded random sweep; one encoder
 * reused throughout, as a client thread reuses it.
 */
class GzipEncoderTest
{
    private final GzipEncoder encoder = new GzipEncoder();

    @Test
    @SuppressWarnings("unchecked")
    void shouldRoundTripRealEnvelopesAndCompressThem() throws Exception
    {
        for (final String file : new String[] {"sentry.java.samples.jsonl", "sentry.javascript.node.samples.jsonl"})
        {
            for (final Map<String, Object> capture : Captures.load(file).values())
            {
                final byte[] body = ((String)capture.get("body")).getBytes(StandardCharsets.UTF_8);
                final byte[] gz = roundTrip(body, file + " seq " + capture.get("seq"));
                final Deflater zlib = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                zlib.setInput(body);
                zlib.finish();
                final int zlibBytes = zlib.deflate(new byte[body.length * 2]) + 18;
                zlib.end();
                assertTrue(gz.length <= zlibBytes * 1.5 + 8, "compresses a " + body.length + "-byte envelope to " +
                    gz.length + " bytes, zlib to " + zlibBytes);
                if (body.length > 500)
                {
                    assertTrue(gz.length < body.length * 0.8, gz.length + " of " + body.length);
                }
            }
        }
    }

    @Test
    void shouldRoundTripTheFormatsEdgeCases() throws Exception
    {
        final List<byte[]> inputs = new ArrayList<>();
        inputs.add(new byte[0]);
        inputs.add(new byte[] {'a'});
        inputs.add("ab".getBytes(StandardCharsets.US_ASCII));
        final byte[] run = new byte[1000];
        Arrays.fill(run, (byte)'x');
        inputs.add(run);
        final byte[] all = new byte[256 * 3];
        for (int i = 0; i < all.length; i++)
        {
            all[i] = (byte)i;
        }
        inputs.add(all);
        final byte[] far = new byte[40_000];
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 300; i++)
        {
            far[i] = (byte)random.nextInt(256);
        }
        System.arraycopy(far, 0, far, 32_468, 300); // a repeat exactly 32,468 bytes back, inside the window
        System.arraycopy(far, 0, far, 39_000, 300); // and one beyond the window
        inputs.add(far);
        for (final byte[] input : inputs)
        {
            roundTrip(input, input.length + " bytes");
        }
    }

    @Test
    void shouldRoundTripASeededRandomSweep() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++)
        {
            final int length = random.nextInt(0, 5000);
            final int alphabet = 1 + random.nextInt(255);
            final byte[] input = new byte[length];
            for (int j = 0; j < length; j++)
            {
                // Mix fresh bytes with copies of earlier ones so that matches of every length and distance occur.
                if (j > 3 && random.nextInt(4) == 0)
                {
                    final int back = 1 + random.nextInt(Math.min(j, 300));
                    input[j] = input[j - back];
                }
                else
                {
                    input[j] = (byte)random.nextInt(alphabet);
                }
            }
            roundTrip(input, "random input " + i);
        }
    }

    private byte[] roundTrip(final byte[] input, final String what) throws IOException
    {
        final int n = encoder.encode(input, input.length);
        final byte[] gz = Arrays.copyOf(encoder.output(), n);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz)))
        {
            assertArrayEquals(input, in.readAllBytes(), what);
        }
        return gz;
    }
}
