package io.crashfree.edge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a node's {@code /metrics} over HTTP and picks series out of it, for tests that assert the metric line a case
 * produced.
 */
public final class Scrape
{
    private final String text;

    private Scrape(final String text)
    {
        this.text = text;
    }

    /**
     * @param port    the port that serves {@code /metrics}.
     * @param headers extra header lines (e.g. the bearer token).
     * @return the scrape.
     */
    public static Scrape of(final int port, final String... headers) throws IOException
    {
        try (RawHttp http = new RawHttp(port))
        {
            final RawHttp.Response r = http.exchange(RawHttp.request("GET", "/metrics", headers, null));
            if (r.status() != 200)
            {
                throw new AssertionError("/metrics answered " + r.status() + ": " + r.body());
            }
            return new Scrape(r.body());
        }
    }

    /**
     * @param series a series with its labels, as it is written ({@code name{label="value"}}).
     * @return its value.
     * @throws AssertionError when the scrape has no such line.
     */
    public double value(final String series)
    {
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no line '" + series + "' in /metrics:\n" + text);
    }

    /** @return the lines that start with the name (a metric's series). */
    public List<String> lines(final String name)
    {
        final List<String> found = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(name))
            {
                found.add(line);
            }
        }
        return found;
    }

    /** @return the whole text. */
    public String text()
    {
        return text;
    }
}
