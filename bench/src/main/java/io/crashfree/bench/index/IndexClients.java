package io.crashfree.bench.index;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Dashboard clients polling the releases index: each its own thread and keep-alive connection, cycling through the
 * sorts, on a fixed schedule ({@code intervalMs}) or back to back. Latency is measured from the request's scheduled
 * time to the last byte of the answer, so a slow answer that delays the client's next requests counts in theirs too
 * (coordinated omission corrected); back to back, the schedule is the previous answer's end.
 */
final class IndexClients
{
    /** Latencies up to a minute, 3 significant digits. */
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * One phase's measurement.
     *
     * @param latencyNs  latency of every measured request.
     * @param requests   measured requests.
     * @param failures   measured requests not answered 200 (or not answered).
     * @param firstError the first failure, or null.
     * @param bytes      bytes of the measured answers' bodies.
     * @param seconds    the measured window.
     */
    record Phase(Histogram latencyNs, long requests, long failures, String firstError, long bytes, double seconds)
    {
    }

    private final int port;
    private final String token;
    private final String org;
    private final IndexOptions options;

    /**
     * @param port    the node's port on 127.0.0.1.
     * @param token   a read token.
     * @param org     the organization.
     * @param options the settings (clients, interval, sorts, page size).
     */
    IndexClients(final int port, final String token, final String org, final IndexOptions options)
    {
        this.port = port;
        this.token = token;
        this.org = org;
        this.options = options;
    }

    /**
     * Polls for {@code warmupSeconds + seconds}, measuring the last {@code seconds}.
     *
     * @param warmupSeconds unmeasured seconds first.
     * @param seconds       measured seconds.
     * @return the measured phase.
     * @throws InterruptedException if interrupted.
     */
    Phase run(final double warmupSeconds, final double seconds) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        final long measureFromNs = startNs + (long)(warmupSeconds * 1e9);
        final long endNs = measureFromNs + (long)(seconds * 1e9);
        final Client[] clients = new Client[options.clients()];
        final Thread[] threads = new Thread[clients.length];
        for (int c = 0; c < clients.length; c++)
        {
            clients[c] = new Client(c, startNs + c * options.intervalMs() * 1_000_000L / clients.length,
                measureFromNs, endNs);
            threads[c] = new Thread(clients[c], "index-client-" + c);
            threads[c].start();
        }
        final Histogram all = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        long requests = 0;
        long failures = 0;
        long bytes = 0;
        String firstError = null;
        for (int c = 0; c < clients.length; c++)
        {
            threads[c].join();
            all.add(clients[c].latencyNs);
            requests += clients[c].requests;
            failures += clients[c].failures;
            bytes += clients[c].bytes;
            firstError = firstError != null ? firstError : clients[c].firstError;
        }
        return new Phase(all, requests, failures, firstError, bytes, seconds);
    }

    /**
     * One request, timed.
     *
     * @param http a client.
     * @param path the path and query.
     * @return the answer and its latency.
     * @throws IOException          when the node cannot be reached.
     * @throws InterruptedException if interrupted.
     */
    Timed get(final HttpClient http, final String path) throws IOException, InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(TIMEOUT).header("Authorization", "Bearer " + token).GET().build();
        final long t0 = System.nanoTime();
        final HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Timed(r, System.nanoTime() - t0);
    }

    /**
     * @param response the answer.
     * @param ns       nanoseconds from sending to the last byte.
     */
    record Timed(HttpResponse<byte[]> response, long ns)
    {
    }

    /** @return a keep-alive HTTP/1.1 client. */
    static HttpClient newHttp()
    {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    private final class Client implements Runnable
    {
        private final int index;
        private final long firstNs;
        private final long measureFromNs;
        private final long endNs;
        private final Histogram latencyNs = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        private long requests;
        private long failures;
        private long bytes;
        private String firstError;

        Client(final int index, final long firstNs, final long measureFromNs, final long endNs)
        {
            this.index = index;
            this.firstNs = firstNs;
            this.measureFromNs = measureFromNs;
            this.endNs = endNs;
        }

        @Override
        public void run()
        {
            final HttpClient http = newHttp();
            final List<String> sorts = options.sorts();
            final long intervalNs = options.intervalMs() * 1_000_000L;
            long scheduledNs = firstNs;
            for (int n = index; scheduledNs < endNs; n++)
            {
                final long wait = scheduledNs - System.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(wait);
                }
                final String path = options.indexPath(org, sorts.get(n % sorts.size()));
                String error = null;
                long size = 0;
                try
                {
                    final Timed t = get(http, path);
                    size = t.response().body().length;
                    if (t.response().statusCode() != 200)
                    {
                        error = t.response().statusCode() + " " + new String(t.response().body(),
                            java.nio.charset.StandardCharsets.UTF_8);
                    }
                }
                catch (final IOException ex)
                {
                    error = ex.toString();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
                final long doneNs = System.nanoTime();
                if (scheduledNs >= measureFromNs)
                {
                    latencyNs.recordValue(Math.min(HIGHEST_TRACKABLE_NS, doneNs - scheduledNs));
                    requests++;
                    bytes += size;
                    if (error != null)
                    {
                        failures++;
                        firstError = firstError != null ? firstError : error;
                    }
                }
                scheduledNs = intervalNs == 0 ? doneNs : scheduledNs + intervalNs;
            }
        }
    }
}
