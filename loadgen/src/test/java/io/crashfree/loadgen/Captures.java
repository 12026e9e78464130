package io.crashfree.loadgen;

import io.crashfree.loadgen.verify.JsonTree;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real SDK captures (reference/sdk-captures in the repository, on the test classpath as {@code sdk-captures/}):
 * each request by its capture {@code seq}, as parsed JSON.
 */
public final class Captures
{
    private Captures()
    {
    }

    /**
     * @param file {@code sentry.java.samples.jsonl} or {@code sentry.javascript.node.samples.jsonl}.
     * @return each captured request by its {@code seq}.
     * @throws IOException when the file cannot be read.
     */
    @SuppressWarnings("unchecked")
    public static Map<Long, Map<String, Object>> load(final String file) throws IOException
    {
        final Map<Long, Map<String, Object>> bySeq = new LinkedHashMap<>();
        for (final String line : read(file).split("\n"))
        {
            if (!line.isBlank())
            {
                final Map<String, Object> capture = (Map<String, Object>)JsonTree.parse(line);
                bySeq.put((Long)capture.get("seq"), capture);
            }
        }
        return bySeq;
    }

    private static String read(final String file) throws IOException
    {
        try (InputStream in = Captures.class.getResourceAsStream("/sdk-captures/" + file))
        {
            if (in == null)
            {
                throw new AssertionError("sdk-captures/" + file + " is not on the test classpath " +
                    "(reference/sdk-captures)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
