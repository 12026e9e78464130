package io.crashfree.bench;

import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.edge.CrashfreeNode;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.loadgen.Loadgen;
import io.crashfree.loadgen.LoadgenOptions;
import io.crashfree.loadgen.RunResult;
import org.HdrHistogram.Histogram;
import org.apache.datasketches.hash.MurmurHash3;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dashboard query of issue 4 while ingest runs at half the node's maximum keep-alive rate: a node in this JVM
 * holds a day of data for 100 releases (folded through its sink, flushed by its own flusher); the load generator
 * finds the maximum rate, then runs open loop at half of it twice, without and with a thread that issues the
 * sessions query (24 h, 1 h interval, grouped by release) over HTTP back to back.
 * <p>
 * Run: {@code java $(flags) -cp bench/target/crashfree-benchmarks.jar io.crashfree.bench.QueryUnderLoadBenchmark}.
 * With {@code --quick}, two hours of data for 5 releases and 1.5 s legs (a smoke run); with {@code --result FILE},
 * the figures are also written for the report driver ({@link OneShotResult}); {@code --no-cache} turns the sessions
 * query's cache of settled hours off, so every query reads and unions the whole day (what a first query costs).
 */
public final class QueryUnderLoadBenchmark
{
    private static final String KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private static final String TOKEN = "benchmark-read-token-0000";
    private static final int RELEASES = 100;
    private static final int HOURS = 24;
    private static final int QUICK_RELEASES = 5;
    private static final int QUICK_HOURS = 2;

    private QueryUnderLoadBenchmark()
    {
    }

    /**
     * @param args {@code [--quick] [--result FILE] [--no-cache]} (see {@link OneShotOptions}).
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final boolean cache = !java.util.Arrays.asList(args).contains("--no-cache");
        final OneShotOptions options = OneShotOptions.parseOrExit("query under load",
                java.util.Arrays.stream(args).filter(a -> !a.equals("--no-cache")).toArray(String[]::new));
        System.out.println("sessions query cache: " + (cache ? "on (default)" : "off"));
        final boolean quick = options.quick();
        final String maxSeconds = quick ? "1.5" : "8";
        final String maxWarmup = quick ? "0.5" : "3";
        final Path dir = Files.createTempDirectory("crashfree-query-load");
        final CrashfreeNode node = CrashfreeNode.start(ConfigLoader.fromMap(Map.of(
            "edge.http.port", "0", "node.data.dir", dir.toString(), "project.1.keys", KEY,
            "query.tokens", TOKEN, "aggregation.live.memory.megabytes", "1024",
            "aggregation.store.entries", "400000", "aggregation.flush.quiet.seconds", "60",
            "query.cache.megabytes", cache ? "64" : "0")), Clock.systemUTC());
        try
        {
            prefill(node, quick ? QUICK_RELEASES : RELEASES, quick ? QUICK_HOURS : HOURS);
            final String dsn = "http://" + KEY + "@127.0.0.1:" + node.port() + "/1";
            final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            // Let the flusher move the prefilled day into the store (as it would have over the day), and warm the
            // JIT of both paths, before anything is measured: the maximum rate measured while the flusher still
            // drained the backlog varied 3x between runs.
            final long drainUntil = System.currentTimeMillis() + (quick ? 5_000 : 60_000);
            while (node.aggregation().table().liveRecords() > 2_000 && System.currentTimeMillis() < drainUntil)
            {
                Thread.sleep(200);
            }
            System.out.printf("flusher drained: %,d live records, %,d stored entries%n",
                node.aggregation().table().liveRecords(), node.aggregation().store().size());
            queries(node, null, quick ? 3 : 30);
            Loadgen.run(LoadgenOptions.parse("--dsn", dsn, "--sdk", "node", "--duration", maxWarmup, "--quiet",
                "--json", "-", "--release-prefix", "load@1.", "--releases", "20"), quiet);
            final RunResult max = Loadgen.run(LoadgenOptions.parse("--dsn", dsn, "--sdk", "node", "--duration",
                maxSeconds, "--warmup", maxWarmup, "--quiet", "--json", "-", "--release-prefix", "load@1.",
                "--releases", "20"), quiet);
            final long half = Math.round(max.requestsPerSecond() / 2);
            System.out.printf("maximum keep-alive rate %,.0f req/s; open loop at %,d req/s%n",
                max.requestsPerSecond(), half);

            final Histogram idle = queries(node, null, quick ? 5 : 50);
            final RunResult alone = openLoop(dsn, half, quick, quiet);
            final Histogram loaded = new Histogram(3);
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread poller = new Thread(() -> pollQueries(node, loaded, stop), "query-poller");
            poller.start();
            final RunResult withQueries = openLoop(dsn, half, quick, quiet);
            stop.set(true);
            poller.join();

            System.out.printf("query without ingest: %d queries, p50 %.1f ms, p99 %.1f ms%n", idle.getTotalCount(),
                idle.getValueAtPercentile(50) / 1e6, idle.getValueAtPercentile(99) / 1e6);
            System.out.printf("query during ingest at half rate: %d queries, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                loaded.getTotalCount(), loaded.getValueAtPercentile(50) / 1e6, loaded.getValueAtPercentile(99) / 1e6,
                loaded.getMaxValue() / 1e6);
            System.out.printf("ingest alone:        %,.0f req/s achieved, p50 %.2f ms, p99 %.2f ms%n",
                alone.requestsPerSecond(), alone.latencyMs(50), alone.latencyMs(99));
            System.out.printf("ingest with queries: %,.0f req/s achieved, p50 %.2f ms, p99 %.2f ms%n",
                withQueries.requestsPerSecond(), withQueries.latencyMs(50), withQueries.latencyMs(99));
            if (options.result() != null)
            {
                final OneShotResult result = new OneShotResult(QueryUnderLoadBenchmark.class.getSimpleName());
                result.put("max.rate", max.requestsPerSecond()).put("half.rate", half)
                    .put("stored.entries", node.aggregation().store().size());
                record(result, "query.idle", idle);
                record(result, "query.loaded", loaded);
                record(result, "ingest.alone", alone);
                record(result, "ingest.with.queries", withQueries);
                result.write(options.result());
            }
        }
        finally
        {
            node.close();
        }
    }

    private static void record(final OneShotResult result, final String prefix, final Histogram h)
    {
        result.put(prefix + ".count", h.getTotalCount())
            .put(prefix + ".p50.ms", h.getValueAtPercentile(50) / 1e6)
            .put(prefix + ".p99.ms", h.getValueAtPercentile(99) / 1e6)
            .put(prefix + ".max.ms", h.getMaxValue() / 1e6);
    }

    private static void record(final OneShotResult result, final String prefix, final RunResult r)
    {
        result.put(prefix + ".rate", r.requestsPerSecond())
            .put(prefix + ".p50.ms", r.latencyMs(50))
            .put(prefix + ".p99.ms", r.latencyMs(99));
    }

    private static RunResult openLoop(final String dsn, final long rate, final boolean quick, final PrintStream quiet)
        throws Exception
    {
        return Loadgen.run(LoadgenOptions.parse("--dsn", dsn, "--sdk", "node", "--rate", String.valueOf(rate),
            "--duration", quick ? "1.5" : "15", "--warmup", quick ? "0.5" : "3", "--quiet", "--json", "-",
            "--release-prefix", "load@1.", "--releases", "20"), quiet);
    }

    private static Histogram queries(final CrashfreeNode node, final AtomicBoolean stop, final int count)
    {
        final Histogram h = new Histogram(3);
        for (int i = 0; i < count; i++)
        {
            h.recordValue(query(node));
        }
        return h;
    }

    private static void pollQueries(final CrashfreeNode node, final Histogram h, final AtomicBoolean stop)
    {
        while (!stop.get())
        {
            h.recordValue(query(node));
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static long query(final CrashfreeNode node)
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() +
            "/api/0/organizations/o/sessions/?project=1&field=sum(session)&field=count_unique(user)" +
            "&field=crash_free_rate(session)&groupBy=release&statsPeriod=24h&interval=1h"))
            .header("Authorization", "Bearer " + TOKEN).build();
        final long t0 = System.nanoTime();
        try
        {
            final HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200)
            {
                throw new IllegalStateException("query failed: " + response.body());
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        return System.nanoTime() - t0;
    }

    private static void prefill(final CrashfreeNode node, final int releases, final int hours)
        throws InterruptedException
    {
        final long nowMs = System.currentTimeMillis();
        final Random random = new Random(1);
        final SessionBatch batch = new SessionBatch(100, 1);
        final long nowMinute = nowMs / 60_000 * 60_000;
        for (int minute = hours * 60; minute >= 0; minute--)
        {
            for (int r = 0; r < releases; r++)
            {
                batch.reset(1, nowMs);
                for (int s = 0; s < 10; s++)
                {
                    final SessionUpdate u = batch.tryAddUpdate();
                    final long[] user = MurmurHash3.hash(("user-" + random.nextInt(2000))
                        .getBytes(StandardCharsets.UTF_8), 9001);
                    u.didHash(user[0], user[1]);
                    u.init(true);
                    u.startedMs(nowMinute - minute * 60_000L);
                    u.status(random.nextInt(50) == 0 ? SessionStatus.CRASHED : SessionStatus.OK);
                    final byte[] release = ("app@" + r).getBytes(StandardCharsets.UTF_8);
                    u.attributes().release().setBytes(release, 0, release.length);
                }
                while (!node.aggregation().sink().tryFold(batch))
                {
                    Thread.sleep(50); // the flusher is freeing room
                }
            }
        }
        final long deadline = System.nanoTime() + 180_000_000_000L;
        while (node.aggregation().table().liveRecords() > 20_000 && System.nanoTime() < deadline)
        {
            Thread.sleep(500);
        }
        System.out.printf("prefilled %d h for %d releases; %,d live records, %,d stored entries%n", hours, releases,
            node.aggregation().table().liveRecords(), node.aggregation().store().size());
    }
}
