package io.crashfree.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads a running node from outside: {@code GET /metrics} with the query bearer token (Prometheus text), and the
 * resident set of its process from {@code /proc/<pid>/status}. A failure is part of the sample, never an exception:
 * a soak keeps going when one scrape fails.
 */
public final class NodeProbe
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI metrics;
    private final String token;
    private final long pid;
    private final HttpClient http;

    /**
     * @param port  the node's port on 127.0.0.1.
     * @param token a query token of the node.
     * @param pid   the node's process id, or -1 when it runs in this JVM (no RSS of its own).
     */
    public NodeProbe(final int port, final String token, final long pid)
    {
        this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        this.token = token;
        this.pid = pid;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    /**
     * @return the node now.
     * @throws InterruptedException if interrupted.
     */
    public NodeSample sample() throws InterruptedException
    {
        final long rss = pid < 0 ? -1 : rssBytes(Path.of("/proc", Long.toString(pid), "status"));
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200)
            {
                return NodeSample.unreadable(rss, "/metrics answered " + response.statusCode());
            }
            return NodeSample.of(rss, PrometheusText.parse(response.body()));
        }
        catch (final IOException ex)
        {
            return NodeSample.unreadable(rss, "/metrics: " + ex);
        }
    }

    /**
     * @param status a {@code /proc/<pid>/status} file.
     * @return its {@code VmRSS} in bytes, or -1 when it cannot be read (not Linux, the process ended).
     */
    static long rssBytes(final Path status)
    {
        try
        {
            for (final String line : Files.readAllLines(status, StandardCharsets.US_ASCII))
            {
                if (line.startsWith("VmRSS:"))
                {
                    final String[] parts = line.substring(6).trim().split("\\s+");
                    final long n = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? n * 1024 : n;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }
}
