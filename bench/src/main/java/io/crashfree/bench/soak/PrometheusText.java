package io.crashfree.bench.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code GET /metrics} answer in the Prometheus text format, parsed into samples: name, labels, value. Comments and
 * lines that do not parse are skipped, so a metric the node does not (yet) export is simply absent: every reader
 * returns NaN for it and the soak prints {@code n/a}.
 */
public final class PrometheusText
{
    /**
     * One sample line.
     *
     * @param name   metric name.
     * @param labels its labels, in order.
     * @param value  its value.
     */
    public record Sample(String name, Map<String, String> labels, double value)
    {
    }

    private final List<Sample> samples;

    private PrometheusText(final List<Sample> samples)
    {
        this.samples = Collections.unmodifiableList(samples);
    }

    /**
     * @param text the exposition text.
     * @return its samples.
     */
    public static PrometheusText parse(final String text)
    {
        final List<Sample> samples = new ArrayList<>();
        for (final String raw : text.split("\n"))
        {
            final String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final Sample s = sample(line);
            if (s != null)
            {
                samples.add(s);
            }
        }
        return new PrometheusText(samples);
    }

    /** @return every sample. */
    public List<Sample> samples()
    {
        return samples;
    }

    /**
     * @param name a metric name.
     * @return the sum of its samples over all label sets (the causes of early flushes, say), or NaN when it has none.
     */
    public double sum(final String name)
    {
        double sum = 0;
        boolean any = false;
        for (final Sample s : samples)
        {
            if (s.name.equals(name))
            {
                sum += s.value;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /**
     * @param name  a metric name.
     * @param label a label name.
     * @param value the label's value.
     * @return the sum of the samples with that label value, or NaN when there is none.
     */
    public double sum(final String name, final String label, final String value)
    {
        double sum = 0;
        boolean any = false;
        for (final Sample s : samples)
        {
            if (s.name.equals(name) && value.equals(s.labels.get(label)))
            {
                sum += s.value;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /**
     * @param name   a metric name.
     * @param labels label name and value pairs, all of which must match.
     * @return the sum of the matching samples, or NaN when there is none.
     */
    public double sum(final String name, final Map<String, String> labels)
    {
        double sum = 0;
        boolean any = false;
        for (final Sample s : samples)
        {
            if (s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet()))
            {
                sum += s.value;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    private static Sample sample(final String line)
    {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t')
        {
            i++;
        }
        final String name = line.substring(0, i);
        final Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{')
        {
            i = labels(line, i + 1, labels);
            if (i < 0)
            {
                return null;
            }
        }
        final String[] rest = line.substring(i).trim().split("\\s+");
        if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty())
        {
            return null;
        }
        try
        {
            return new Sample(name, labels, Double.parseDouble(rest[0].replace("+Inf", "Infinity")
                .replace("-Inf", "-Infinity")));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /** @return the index after the closing brace, or -1 when the labels do not parse. */
    private static int labels(final String line, final int from, final Map<String, String> labels)
    {
        int i = from;
        while (i < line.length())
        {
            final char c = line.charAt(i);
            if (c == '}')
            {
                return i + 1;
            }
            if (c == ',' || c == ' ')
            {
                i++;
                continue;
            }
            final int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"')
            {
                return -1;
            }
            final StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (j < line.length() && line.charAt(j) != '"')
            {
                if (line.charAt(j) == '\\' && j + 1 < line.length())
                {
                    final char e = line.charAt(++j);
                    value.append(e == 'n' ? '\n' : e);
                }
                else
                {
                    value.append(line.charAt(j));
                }
                j++;
            }
            if (j >= line.length())
            {
                return -1;
            }
            labels.put(line.substring(i, eq).trim(), value.toString());
            i = j + 1;
        }
        return -1;
    }
}
