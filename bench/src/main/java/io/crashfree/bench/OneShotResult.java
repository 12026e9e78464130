package io.crashfree.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a one-shot benchmark ({@link FlushPauseBenchmark}, {@link QueryUnderLoadBenchmark}) as named
 * values, written with {@code --result FILE} so that the report driver, which runs the benchmark in a child JVM,
 * reads values instead of parsing the text the benchmark prints for people.
 * <p>
 * The file is one {@code key=value} line per figure, sorted by key; numbers are written by {@code Double.toString}.
 */
public final class OneShotResult
{
    private final Map<String, String> values = new TreeMap<>();
    private final String source;

    /**
     * An empty result.
     *
     * @param source what produced it, for error messages (a class name or a file).
     */
    public OneShotResult(final String source)
    {
        this.source = source;
    }

    /**
     * @param key   the figure's name, e.g. {@code flush.seconds}.
     * @param value its value.
     * @return this.
     */
    public OneShotResult put(final String key, final double value)
    {
        values.put(key, Double.toString(value));
        return this;
    }

    /**
     * @param key   the value's name, e.g. {@code gc}.
     * @param value its text (one line).
     * @return this.
     */
    public OneShotResult put(final String key, final String value)
    {
        if (value.indexOf('\n') >= 0)
        {
            throw new IllegalArgumentException("a result value must be one line: " + key + "=" + value);
        }
        values.put(key, value);
        return this;
    }

    /**
     * @param key a figure's name.
     * @return its value.
     * @throws IllegalArgumentException naming the key and the source when it is missing or not a number.
     */
    public double number(final String key)
    {
        final String v = text(key);
        try
        {
            return Double.parseDouble(v);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(source + ": " + key + " is not a number: " + v, ex);
        }
    }

    /**
     * @param key a value's name.
     * @return its text.
     * @throws IllegalArgumentException naming the key and the source when it is missing.
     */
    public String text(final String key)
    {
        final String v = values.get(key);
        if (v == null)
        {
            throw new IllegalArgumentException(source + " has no value " + key + " (has " + values.keySet() + ")");
        }
        return v;
    }

    /**
     * @param path where to write the {@code key=value} lines.
     * @throws IOException when it cannot be written.
     */
    public void write(final Path path) throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final Map.Entry<String, String> e : values.entrySet())
        {
            lines.add(e.getKey() + "=" + e.getValue());
        }
        Files.write(path, lines, StandardCharsets.UTF_8);
    }

    /**
     * @param path a file written by {@link #write}.
     * @return its values.
     * @throws IOException when it cannot be read or a line has no {@code =}.
     */
    public static OneShotResult read(final Path path) throws IOException
    {
        final OneShotResult result = new OneShotResult(path.toString());
        for (final String line : Files.readAllLines(path, StandardCharsets.UTF_8))
        {
            if (line.isBlank())
            {
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq <= 0)
            {
                throw new IOException(path + ": not a key=value line: " + line);
            }
            result.values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return result;
    }
}
