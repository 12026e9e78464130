package io.crashfree.loadgen;

import io.crashfree.loadgen.http.ClientCounters;
import io.crashfree.loadgen.http.ClientSettings;
import io.crashfree.loadgen.http.LoadClient;
import io.crashfree.loadgen.truth.GroundTruth;
import io.crashfree.loadgen.truth.UserSets;
import io.crashfree.loadgen.verify.QueryException;
import io.crashfree.loadgen.verify.SessionsQuery;
import io.crashfree.loadgen.verify.Verifier;
import io.crashfree.loadgen.verify.VerifyReport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One load-generator run as a library call: preflight, load (bounded by duration and count), a progress line per
 * second, the result with its ground truth. {@link #verify} then asks the node's sessions API.
 * <p>
 * Runs on the caller's thread, which only waits and prints; the client's event loops do the work.
 */
public final class Loadgen
{
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private Loadgen()
    {
    }

    /**
     * Runs the load.
     *
     * @param options  what to do.
     * @param progress where the progress lines go (null for none).
     * @return what happened.
     * @throws LoadgenException     when the node cannot be reached or rejects the key.
     * @throws InterruptedException if interrupted.
     */
    public static RunResult run(final LoadgenOptions options, final PrintStream progress)
        throws LoadgenException, InterruptedException
    {
        return run(options, progress, null);
    }

    /**
     * Runs the load, telling a listener once a second where it stands (a soak driver's per-minute rows).
     *
     * @param options  what to do.
     * @param progress where the progress lines go (null for none).
     * @param listener called on this thread after each second of load (null for none); it should return quickly, the
     *                 load goes on meanwhile on the client's threads.
     * @return what happened.
     * @throws LoadgenException     when the node cannot be reached or rejects the key.
     * @throws InterruptedException if interrupted.
     */
    public static RunResult run(final LoadgenOptions options, final PrintStream progress,
        final LoadListener listener) throws LoadgenException, InterruptedException
    {
        Preflight.check(options);
        final ClientCounters counters = new ClientCounters();
        final Recorder recorder = new Recorder(3);
        final UserSets users = new UserSets(options.workload().keyCount(), options.workload().users());
        final Target t = options.target();
        final List<String> keys = new ArrayList<>();
        for (final Target each : options.targets())
        {
            keys.add(each.publicKey());
        }
        final ClientSettings settings = new ClientSettings(t.host(), t.address(), keys, options.workload(),
            options.closeOverride(), options.gzipOverride(), options.connections(), options.threads(),
            options.rate(), options.count(), options.timeoutMs(), options.seed(),
            options.seed() ^ System.nanoTime() ^ options.runId().hashCode(), options.nodes(), options.nodeWeights());
        final LoadClient client = new LoadClient(settings, counters, recorder, users);
        try
        {
            return drive(options, progress, listener, client, counters, recorder, users);
        }
        finally
        {
            // Normally already closed; after an interruption this stops the event loops the run started.
            client.forceClose();
            client.close();
        }
    }

    private static RunResult drive(final LoadgenOptions options, final PrintStream progress,
        final LoadListener listener, final LoadClient client, final ClientCounters counters, final Recorder recorder,
        final UserSets users)
        throws LoadgenException, InterruptedException
    {
        final Target t = options.target();
        final Histogram latency = new Histogram(3);
        Histogram interval = null;

        final long wallStartMs = System.currentTimeMillis();
        final long startNs = System.nanoTime();
        final long endNs = startNs + (long)(options.durationSeconds() * SECOND_NS);
        // The warm-up ends on a whole second, so each progress interval is either all warm-up or all measured.
        final int warmupSeconds = (int)Math.ceil(options.warmupSeconds());
        client.start(startNs);

        long windowStartNs = startNs;
        long answeredAtWindowStart = 0;
        long okAtWindowStart = 0;
        long sessionsAtWindowStart = 0;
        long tickNs = startNs;
        long lastAnswered = 0;
        long lastProblems = 0;
        int second = 0;
        while (true)
        {
            final long nextTickNs = startNs + (second + 1) * SECOND_NS;
            final long waitNs = Math.min(nextTickNs, endNs) - System.nanoTime();
            if (waitNs > 0 && client.finished().await(waitNs, TimeUnit.NANOSECONDS))
            {
                break;
            }
            final long now = System.nanoTime();
            if (now >= endNs || client.finished().getCount() == 0)
            {
                break;
            }
            if (now >= nextTickNs)
            {
                second++;
                interval = recorder.getIntervalHistogram(interval);
                if (second > warmupSeconds)
                {
                    latency.add(interval);
                }
                final long answered = counters.answered();
                final long problems = problems(counters);
                if (second == warmupSeconds)
                {
                    windowStartNs = now;
                    answeredAtWindowStart = answered;
                    okAtWindowStart = counters.ok.sum();
                    sessionsAtWindowStart = counters.sessionsOk.sum();
                }
                if (progress != null)
                {
                    progress.println(progressLine(second, second <= warmupSeconds,
                        (answered - lastAnswered) * 1e9 / (now - tickNs), problems - lastProblems, interval));
                    progress.flush();
                }
                if (listener != null)
                {
                    listener.onSecond(snapshot(second, now - startNs, counters));
                }
                lastAnswered = answered;
                lastProblems = problems;
                tickNs = now;
            }
        }
        final long stopNs = System.nanoTime();
        final long answeredAtStop = counters.answered();
        final long okAtStop = counters.ok.sum();
        final long sessionsAtStop = counters.sessionsOk.sum();
        client.stop();
        if (!client.awaitIdle(options.timeoutMs() + 1000))
        {
            client.forceClose();
            client.awaitIdle(2000);
        }
        client.close();
        final long wallEndMs = System.currentTimeMillis();
        if (listener != null)
        {
            listener.onEnd(snapshot((int)Math.round((System.nanoTime() - startNs) / 1e9), System.nanoTime() - startNs,
                counters));
        }
        interval = recorder.getIntervalHistogram(interval);
        if (second >= warmupSeconds)
        {
            latency.add(interval);
        }

        if (client.fatal())
        {
            throw new LoadgenException(LoadgenException.REJECTED, "the node rejected the key " + t.publicKey() +
                " for project " + t.projectId() + ": " + counters.authRejection.get() + "; stopped");
        }
        if (counters.connectsOk.sum() == 0 && counters.connectFailures.sum() > 0)
        {
            throw new LoadgenException(LoadgenException.CONNECTION, "no connection to " + t.baseUrl() +
                " succeeded: " + counters.firstConnectionError.get());
        }
        final double measuredSeconds = Math.max(1e-9, (stopNs - windowStartNs) / 1e9);
        final GroundTruth truth = GroundTruth.merge(options.workload(), client.truth(), users);
        final Map<Integer, Long> byStatus = new TreeMap<>();
        for (int s = 0; s <= ClientCounters.MAX_STATUS; s++)
        {
            if (counters.byStatus.get(s) > 0)
            {
                byStatus.put(s, counters.byStatus.get(s));
            }
        }
        return new RunResult(options, client.transport(), wallStartMs, wallEndMs, measuredSeconds,
            (answeredAtStop - answeredAtWindowStart) / measuredSeconds, (okAtStop - okAtWindowStart) / measuredSeconds,
            (sessionsAtStop - sessionsAtWindowStart) / measuredSeconds, counters.sent.sum(), counters.ok.sum(),
            counters.rejected.sum(), byStatus, counters.sessionsOk.sum(), counters.updatesOk.sum(),
            counters.aggregateEnvelopesOk.sum(), counters.connectsOk.sum(), counters.connectFailures.sum(),
            counters.timeouts.sum(), counters.inDoubt.sum(), counters.bytesSent.sum(), counters.firstRejection.get(),
            counters.firstConnectionError.get(), counters.terminalsPending(), latency, truth);
    }

    private static LoadSnapshot snapshot(final int second, final long elapsedNs, final ClientCounters c)
    {
        return new LoadSnapshot(second, elapsedNs, c.sent.sum(), c.ok.sum(), c.rejected.sum(),
            c.byStatus.get(429), c.byStatus.get(503), c.sessionsOk.sum(), c.inDoubt.sum(), c.connectFailures.sum(),
            c.timeouts.sum(), c.terminalsPending());
    }

    /**
     * Asks the node's sessions API about the run and compares with its ground truth.
     *
     * @param result a finished run.
     * @return the comparison.
     * @throws LoadgenException     when the sessions API cannot be asked (unreachable, token refused, missing).
     * @throws InterruptedException if interrupted.
     */
    public static VerifyReport verify(final RunResult result) throws LoadgenException, InterruptedException
    {
        final LoadgenOptions o = result.options();
        final SessionsQuery query = new SessionsQuery(o.target().host(), o.target().address().getPort(), o.org(),
            o.token(), Duration.ofSeconds(60));
        // Sessions start when they are generated, so the run's wall-clock span (plus a minute either side) holds them.
        final long from = Math.min(result.wallStartMs(), result.truth().minStartedMs()) - 60_000;
        final long to = Math.max(result.wallEndMs(), result.truth().maxStartedMs()) + 60_000;
        try
        {
            final long deadline = System.nanoTime() + (long)(o.verifyWithinSeconds() * 1e9);
            while (true)
            {
                final VerifyReport report = Verifier.verify(result.truth(), o.workload().releases(),
                    o.workload().environments().size(), query, o.projectIds(), from, to, o.usersTolerance());
                if (report.ok() || System.nanoTime() >= deadline)
                {
                    return report;
                }
                Thread.sleep(250);
            }
        }
        catch (final QueryException ex)
        {
            final int code = ex.status() == 401 || ex.status() == 403 ? LoadgenException.REJECTED :
                ex.status() == 0 ? LoadgenException.CONNECTION : LoadgenException.UNEXPECTED;
            throw new LoadgenException(code, "verify: " + ex.getMessage());
        }
    }

    private static long problems(final ClientCounters c)
    {
        return c.rejected.sum() + c.connectFailures.sum() + c.inDoubt.sum();
    }

    private static String progressLine(final int second, final boolean warmingUp, final double requestsPerSecond,
        final long problems, final Histogram interval)
    {
        final boolean any = interval.getTotalCount() > 0;
        return String.format(Locale.ROOT, "loadgen: %4d s%s %,10.0f req/s  errors %,d  p50 %s  p99 %s", second,
            warmingUp ? " (warm-up)" : "", requestsPerSecond, problems,
            any ? millis(interval.getValueAtPercentile(50)) : "-", any ? millis(interval.getValueAtPercentile(99)) : "-");
    }

    static String millis(final long nanos)
    {
        final double ms = nanos / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f ms", ms) : String.format(Locale.ROOT, "%.1f ms", ms);
    }
}
