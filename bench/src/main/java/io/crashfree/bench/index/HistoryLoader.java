package io.crashfree.bench.index;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a {@link HistoryPlan} to a node as envelopes of {@code sessions} aggregate items (Sentry's envelope format,
 * the project's key in {@code X-Sentry-Auth}), {@value #ITEMS_PER_ENVELOPE} items an envelope, from two sender
 * threads. Every envelope must be answered {@code 200}; anything else stops the load with the node's answer.
 */
final class HistoryLoader
{
    /** Items per envelope: well under {@code limits.envelope.session.items} and the body limits. */
    static final int ITEMS_PER_ENVELOPE = 20;
    private static final int SENDERS = 2;
    private static final byte[] STOP = new byte[0];

    /**
     * What was sent.
     *
     * @param envelopes envelopes.
     * @param items     {@code sessions} items.
     * @param entries   aggregate entries.
     * @param sessions  sessions (the entries' counts).
     * @param bytes     request bodies' bytes.
     * @param seconds   wall time.
     */
    record Sent(long envelopes, long items, long entries, long sessions, long bytes, double seconds)
    {
    }

    private HistoryLoader()
    {
    }

    /**
     * @param plan      the history.
     * @param port      the node's port on 127.0.0.1.
     * @param projectId the project.
     * @param publicKey its key.
     * @return what was sent.
     * @throws IOException          when the node refuses an envelope or cannot be reached.
     * @throws InterruptedException if interrupted.
     */
    static Sent send(final HistoryPlan plan, final int port, final long projectId, final String publicKey)
        throws IOException, InterruptedException
    {
        final long startNs = System.nanoTime();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
        final URI uri = URI.create("http://127.0.0.1:" + port + "/api/" + projectId + "/envelope/");
        final String auth = "Sentry sentry_version=7,sentry_client=crashfree-index-bench/1.0,sentry_key=" + publicKey;
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(16);
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread[] senders = new Thread[SENDERS];
        for (int s = 0; s < SENDERS; s++)
        {
            senders[s] = new Thread(() -> drain(http, uri, auth, queue, failure), "history-sender-" + s);
            senders[s].setDaemon(true);
            senders[s].start();
        }
        final long[] totals = new long[5]; // envelopes, items, entries, sessions, bytes
        final StringBuilder body = new StringBuilder(1 << 20);
        final int[] inEnvelope = { 0 };
        try
        {
            plan.forEachItem((release, environment, startedSec, users, counts, entries) ->
            {
                if (inEnvelope[0] == 0)
                {
                    body.setLength(0);
                    body.append("{}\n");
                }
                appendItem(body, release.version(), environment, startedSec, users, counts, entries);
                totals[1]++;
                totals[2] += entries;
                for (int i = 0; i < 4 * entries; i++)
                {
                    totals[3] += counts[i];
                }
                if (++inEnvelope[0] == ITEMS_PER_ENVELOPE)
                {
                    enqueue(queue, body, totals, failure);
                    inEnvelope[0] = 0;
                }
            });
            if (inEnvelope[0] > 0)
            {
                enqueue(queue, body, totals, failure);
            }
        }
        catch (final IllegalStateException ex)
        {
            failure.compareAndSet(null, ex.getMessage()); // a sender failed: stop making envelopes
        }
        finally
        {
            for (int s = 0; s < SENDERS; s++)
            {
                queue.put(STOP);
            }
            for (final Thread t : senders)
            {
                t.join();
            }
        }
        if (failure.get() != null)
        {
            throw new IOException("the node refused the history: " + failure.get());
        }
        return new Sent(totals[0], totals[1], totals[2], totals[3], totals[4],
            (System.nanoTime() - startNs) / 1e9);
    }

    /**
     * Appends one {@code sessions} item (header line and payload line) to an envelope.
     *
     * @param out         the envelope so far.
     * @param release     the release.
     * @param environment the environment.
     * @param startedSec  the entries' {@code started}.
     * @param users       the entries' users.
     * @param counts      per entry {exited, errored, crashed, abnormal}.
     * @param entries     entries.
     */
    static void appendItem(final StringBuilder out, final String release, final String environment,
        final long startedSec, final int[] users, final int[] counts, final int entries)
    {
        final String started = HistoryPlan.iso(startedSec);
        out.append("{\"type\":\"sessions\"}\n{\"aggregates\":[");
        for (int i = 0; i < entries; i++)
        {
            if (i > 0)
            {
                out.append(',');
            }
            out.append("{\"started\":\"").append(started).append("\",\"did\":\"u").append(users[i]).append('"');
            count(out, "exited", counts[4 * i]);
            count(out, "errored", counts[4 * i + 1]);
            count(out, "crashed", counts[4 * i + 2]);
            count(out, "abnormal", counts[4 * i + 3]);
            out.append('}');
        }
        out.append("],\"attrs\":{\"release\":\"").append(release).append("\",\"environment\":\"")
            .append(environment).append("\"}}\n");
    }

    private static void count(final StringBuilder out, final String name, final int n)
    {
        if (n > 0)
        {
            out.append(",\"").append(name).append("\":").append(n);
        }
    }

    private static void enqueue(final BlockingQueue<byte[]> queue, final StringBuilder body, final long[] totals,
        final AtomicReference<String> failure)
    {
        if (failure.get() != null)
        {
            throw new IllegalStateException(failure.get());
        }
        final byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        totals[0]++;
        totals[4] += bytes.length;
        try
        {
            queue.put(bytes);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    private static void drain(final HttpClient http, final URI uri, final String auth,
        final BlockingQueue<byte[]> queue, final AtomicReference<String> failure)
    {
        try
        {
            for (byte[] body = queue.take(); body != STOP; body = queue.take())
            {
                if (failure.get() != null)
                {
                    continue; // keep draining so the producer never blocks
                }
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("X-Sentry-Auth", auth).header("Content-Type", "application/x-sentry-envelope")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (r.statusCode() != 200)
                {
                    failure.compareAndSet(null, r.statusCode() + " " + r.body());
                }
            }
        }
        catch (final IOException ex)
        {
            failure.compareAndSet(null, ex.toString());
            drainRest(queue);
        }
        catch (final InterruptedException ex)
        {
            failure.compareAndSet(null, "interrupted");
            Thread.currentThread().interrupt();
        }
    }

    private static void drainRest(final BlockingQueue<byte[]> queue)
    {
        try
        {
            for (byte[] body = queue.take(); body != STOP; body = queue.take())
            {
                // discard: the load has failed
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
