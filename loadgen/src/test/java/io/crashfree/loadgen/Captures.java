package io.crashfree.loadgen;

import io.crashfree.loadgen.verify.JsonTree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real SDK captures (../shared/reference/sdk-captures, beside the project): each request by its capture
 * {@code seq}, as parsed JSON.
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
        for (final String line : Files.readAllLines(dir().resolve(file)))
        {
            if (!line.isBlank())
            {
                final Map<String, Object> capture = (Map<String, Object>)JsonTree.parse(line);
                bySeq.put((Long)capture.get("seq"), capture);
            }
        }
        return bySeq;
    }

    private static Path dir()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null)
        {
            final Path candidate = dir.resolve("../shared/reference/sdk-captures").normalize();
            if (Files.isDirectory(candidate))
            {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new AssertionError("shared/reference/sdk-captures not found beside the project");
    }
}
