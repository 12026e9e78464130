package io.crashfree.bench.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.crashfree.bench.OptionValues;
import io.crashfree.bench.e2e.ChildJvm;
import io.crashfree.bench.soak.NodeProbe;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.loadgen.Loadgen;
import io.crashfree.loadgen.LoadgenOptions;
import io.crashfree.loadgen.RunResult;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code bin/crashfree bench index}: issue 13's performance target, the releases index of 1,000 releases with health
 * over 14 days, measured on a node that holds that history.
 * <ol>
 *   <li>starts the node as a child JVM (the node's JVM flags, ZGC, {@value #NODE_HEAP} heap, port 0 on 127.0.0.1, a
 *       temporary data directory, a read token, a release token, a validation window that admits the history's
 *       {@code started} and a store large enough for it, all with {@code --set});</li>
 *   <li>creates every {@code --registered}th release through the registry API (with commits), then sends the
 *       {@link HistoryPlan} as {@code sessions} aggregates, waits until the flusher has stored it (the node's live keys
 *       back near zero), and asks the index once, cold;</li>
 *   <li>reads the whole index ({@code per_page=100}, every page) for its size and to check that the registry has
 *       recorded every release ({@code ReleaseSightings}), waiting for it if needed;</li>
 *   <li>unless {@code --ingest-rate} is given, measures the node's maximum keep-alive rate closed loop as the e2e
 *       benchmark does (single-session envelopes, Node SDK framing, the history's releases and environments);</li>
 *   <li>runs {@code --rounds} rounds of two phases: the index clients alone, then the clients while the load generator
 *       sends open loop at half the maximum; prints each phase's percentiles and the medians over the rounds, and
 *       writes the JSON report.</li>
 * </ol>
 * Control plane only: the main thread drives; the history senders, the index clients and the load generator have
 * their own threads.
 */
public final class IndexBenchmark
{
    /** The node's heap: as the soak's, room for the query cache and the flusher beside the live budget. */
    static final String NODE_HEAP = "1536m";
    /** The history's release names: {@code app@1.<index>}, also the load generator's during ingest. */
    static final String RELEASE_PREFIX = "app@1.";
    private static final String ORG = "crashfree";
    private static final String ENVIRONMENTS = "production:0.7,staging:0.2,development:0.1";
    private static final String[] AUTHORS = { "Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
        "Barbara Liskov", "Donald Knuth" };
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final IndexOptions options;
    private final PrintStream out;
    private final Map<String, Object> report = new LinkedHashMap<>();

    /**
     * @param options the settings.
     * @param out     where progress and the results go.
     */
    public IndexBenchmark(final IndexOptions options, final PrintStream out)
    {
        this.options = options;
        this.out = out;
    }

    /**
     * @param args see {@link IndexOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final IndexOptions options = OptionValues.parseOrExit("index: ", IndexOptions::parse, args);
        try
        {
            new IndexBenchmark(options, System.out).run();
            System.exit(0);
        }
        catch (final Exception ex)
        {
            System.err.println("index: " + ex);
            System.exit(1);
        }
    }

    /**
     * Runs the benchmark and writes the report.
     *
     * @throws Exception when the node does not start, refuses the history or does not answer.
     */
    public void run() throws Exception
    {
        final String token = "index-read-" + hex(12);
        final String releaseToken = "index-release-" + hex(12);
        final Path dataDir = Files.createTempDirectory("crashfree-index-");
        try
        {
            final Map<String, String> overrides = overrides(dataDir, token, releaseToken);
            final NodeConfig config = ConfigLoader.load(options.config(), overrides);
            final ProjectConfig project = config.projects().stream().filter(p -> p.id() == 1).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the configuration has no project 1"));
            final HistoryPlan plan = new HistoryPlan(RELEASE_PREFIX, options.releases(), options.days(),
                options.users(), options.seed(), System.currentTimeMillis() / 1000);
            out.println("index: " + Runtime.getRuntime().availableProcessors() + " cores, Java " +
                System.getProperty("java.version") + "; " + options.describe());
            report.put("options", options.describe());
            report.put("cores", Runtime.getRuntime().availableProcessors());
            report.put("java", System.getProperty("java.version"));
            report.put("startedAt", java.time.Instant.now().toString());
            try (ChildJvm node = startNode(overrides, dataDir))
            {
                out.println("index: node " + node.description());
                fill(node, plan, project, releaseToken, token);
                measure(node, plan, project, token);
            }
            Files.createDirectories(options.json().toAbsolutePath().getParent());
            JSON.writeValue(options.json().toFile(), report);
            out.println("index: report " + options.json());
        }
        finally
        {
            deleteTree(dataDir);
        }
    }

    // ---------------------------------------------------------------- filling

    private void fill(final ChildJvm node, final HistoryPlan plan, final ProjectConfig project,
        final String releaseToken, final String token) throws Exception
    {
        final int registered = register(node.port(), plan, project.name(), releaseToken);
        out.printf(Locale.ROOT, "index: %d releases created through the registry API (with commits)%n", registered);
        report.put("registeredThroughApi", registered);

        final HistoryLoader.Sent sent = HistoryLoader.send(plan, node.port(), project.id(),
            project.publicKeys().get(0));
        long dense = 0;
        for (final HistoryPlan.Release r : plan.releases())
        {
            dense = Math.max(dense, r.hours());
        }
        out.printf(Locale.ROOT, "index: history sent in %.1f s: %,d envelopes, %,d 'sessions' items, %,d entries, " +
            "%,d sessions, %,.1f MB; releases active %s hours on average, the longest %d of %d hours%n",
            sent.seconds(), sent.envelopes(), sent.items(), sent.entries(), sent.sessions(), sent.bytes() / 1e6,
            String.format(Locale.ROOT, "%.0f", averageHours(plan)), dense, options.days() * 24L);
        report.put("history", Map.of("envelopes", sent.envelopes(), "items", sent.items(), "entries", sent.entries(),
            "sessions", sent.sessions(), "bytes", sent.bytes(), "seconds", sent.seconds(),
            "averageReleaseHours", averageHours(plan), "longestReleaseHours", dense));

        final NodeProbe probe = new NodeProbe(node.port(), token, node.pid());
        final long waitStart = System.nanoTime();
        final long deadline = waitStart + Duration.ofMinutes(6).toNanos();
        double live = probe.sample().liveKeys();
        final double settled = Math.max(100, sent.items() / 100.0);
        while (!(live <= settled) && System.nanoTime() < deadline)
        {
            Thread.sleep(2000);
            live = probe.sample().liveKeys();
        }
        out.printf(Locale.ROOT, "index: flusher stored the history in %.0f s (live keys now %,.0f)%n",
            (System.nanoTime() - waitStart) / 1e9, live);
    }

    private double averageHours(final HistoryPlan plan)
    {
        double hours = 0;
        for (final HistoryPlan.Release r : plan.releases())
        {
            hours += r.hours();
        }
        return hours / plan.releases().size();
    }

    private int register(final int port, final HistoryPlan plan, final String slug, final String releaseToken)
        throws IOException, InterruptedException
    {
        if (options.registered() == 0)
        {
            return 0;
        }
        final HttpClient http = IndexClients.newHttp();
        final URI uri = URI.create("http://127.0.0.1:" + port + "/api/0/organizations/" + ORG + "/releases/");
        int count = 0;
        for (final HistoryPlan.Release r : plan.releases())
        {
            if (r.index() % options.registered() != 0)
            {
                continue;
            }
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + releaseToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(releaseJson(r, slug))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (answer.statusCode() != 201)
            {
                throw new IOException("creating " + r.version() + " answered " + answer.statusCode() + ": " +
                    answer.body());
            }
            count++;
        }
        return count;
    }

    /**
     * @param r    a release.
     * @param slug its project.
     * @return the body of {@code POST …/releases/}: version, project, release date and three commits.
     */
    static String releaseJson(final HistoryPlan.Release r, final String slug)
    {
        final StringBuilder s = new StringBuilder("{\"version\":\"").append(r.version()).append("\",\"projects\":[\"")
            .append(slug).append("\"],\"dateReleased\":\"").append(HistoryPlan.iso(r.releasedSec()))
            .append("\",\"commits\":[");
        for (int c = 0; c < 3; c++)
        {
            final String author = AUTHORS[(r.index() + c) % AUTHORS.length];
            s.append(c == 0 ? "" : ",").append("{\"id\":\"").append(String.format(Locale.ROOT, "%08x%032x",
                r.index(), (long)c * 0x9E3779B97F4A7C15L & Long.MAX_VALUE)).append("\",\"repository\":\"shop/app\"")
                .append(",\"message\":\"Change ").append(c + 1).append(" of ").append(r.version())
                .append("\",\"author_name\":\"").append(author).append("\",\"author_email\":\"")
                .append(author.toLowerCase(Locale.ROOT).replace(' ', '.')).append("@example.com\",\"timestamp\":\"")
                .append(HistoryPlan.iso(r.releasedSec() - 3600L * (3 - c))).append("\"}");
        }
        return s.append("]}").toString();
    }

    // ---------------------------------------------------------------- measuring

    private void measure(final ChildJvm node, final HistoryPlan plan, final ProjectConfig project,
        final String token) throws Exception
    {
        final IndexClients clients = new IndexClients(node.port(), token, ORG, options);
        final HttpClient http = IndexClients.newHttp();

        final IndexClients.Timed cold = clients.get(http, options.indexPath(ORG, options.sorts().get(0)));
        check(cold, "the cold request");
        out.printf(Locale.ROOT, "index: cold first request (sort=%s, per_page=%d): %s, %,d bytes%n",
            options.sorts().get(0), options.perPage(), IndexReport.ms(cold.ns() / 1e6),
            cold.response().body().length);
        report.put("coldMs", cold.ns() / 1e6);

        Whole whole = whole(clients, http);
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (whole.recorded() < options.releases() && System.nanoTime() < deadline)
        {
            Thread.sleep(2000); // ReleaseSightings records session-seen releases every 5 s
            whole = whole(clients, http);
        }
        out.printf(Locale.ROOT, "index: the whole index (per_page=100, %d pages): %,d releases (%,d recorded by the " +
            "registry, %,d with health data), %,d bytes of JSON (%,d bytes a release), %s for all pages%n",
            whole.pages(), whole.releases(), whole.recorded(), whole.withHealth(), whole.bytes(),
            whole.releases() == 0 ? 0 : whole.bytes() / whole.releases(), IndexReport.ms(whole.ms()));
        if (whole.releases() != options.releases() || whole.recorded() != options.releases())
        {
            out.printf(Locale.ROOT, "index: WARNING: expected %d releases, all recorded%n", options.releases());
        }
        report.put("whole", whole);
        final Map<String, Integer> pageBytes = new LinkedHashMap<>();
        for (final String sort : options.sorts())
        {
            final IndexClients.Timed page = clients.get(http, options.indexPath(ORG, sort));
            check(page, "sort=" + sort);
            pageBytes.put(sort, page.response().body().length);
        }
        out.println("index: one measured page's bytes by sort: " + pageBytes);
        report.put("pageBytes", pageBytes);

        final double rate = ingestRate(node.port(), project, token);

        final List<IndexReport.Figures> idle = new ArrayList<>();
        final List<IndexReport.Figures> loaded = new ArrayList<>();
        final List<Map<String, Object>> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++)
        {
            final IndexClients.Phase alone = clients.run(options.warmupSeconds(), options.seconds());
            final IndexReport.Figures a = IndexReport.Figures.of(alone.latencyNs(), alone.failures());
            idle.add(a);
            print(round, "without ingest", a, alone);

            final AtomicReference<RunResult> ingest = new AtomicReference<>();
            final AtomicReference<Exception> ingestError = new AtomicReference<>();
            final String[] args = loadgenArgs(node.port(), project, token, "r" + round, rate,
                options.warmupSeconds() + options.seconds(), options.warmupSeconds());
            final Thread load = new Thread(() ->
            {
                try
                {
                    ingest.set(Loadgen.run(LoadgenOptions.parse(args), null));
                }
                catch (final Exception ex)
                {
                    ingestError.set(ex);
                }
            }, "ingest");
            load.start();
            final IndexClients.Phase during = clients.run(options.warmupSeconds(), options.seconds());
            load.join();
            if (ingestError.get() != null)
            {
                throw ingestError.get();
            }
            final IndexReport.Figures b = IndexReport.Figures.of(during.latencyNs(), during.failures());
            loaded.add(b);
            final RunResult r = ingest.get();
            print(round, "with ingest", b, during);
            out.printf(Locale.ROOT, "index: round %d   ingest offered %,.0f req/s, answered 200 %,.0f req/s " +
                "(%,d refused), ingest latency p50 %.2f ms, p99 %.2f ms%n", round, rate, r.okPerSecond(),
                r.rejected(), r.latencyMs(50), r.latencyMs(99));
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("withoutIngest", a);
            m.put("withIngest", b);
            m.put("ingestOfferedPerSecond", rate);
            m.put("ingestOkPerSecond", r.okPerSecond());
            m.put("ingestRejected", r.rejected());
            m.put("ingestP50Ms", r.latencyMs(50));
            m.put("ingestP99Ms", r.latencyMs(99));
            rounds.add(m);
        }
        report.put("rounds", rounds);
        final IndexReport.Figures idleMedian = IndexReport.median(idle);
        final IndexReport.Figures loadedMedian = IndexReport.median(loaded);
        report.put("medianWithoutIngest", idleMedian);
        report.put("medianWithIngest", loadedMedian);
        out.println();
        out.printf(Locale.ROOT, "Medians over %d round(s) of %s s, %d client(s) %s, sorts %s, per_page=%d:%n%n",
            options.rounds(), OptionValues.fmt(options.seconds()), options.clients(),
            options.intervalMs() == 0 ? "back to back" : "every " + options.intervalMs() + " ms",
            String.join(",", options.sorts()), options.perPage());
        out.println(IndexReport.header());
        out.println(IndexReport.row("without ingest", idleMedian, idle, false));
        out.println(IndexReport.row(String.format(Locale.ROOT, "with ingest at %,.0f req/s", rate), loadedMedian,
            loaded, true));
        out.println();
    }

    private void print(final int round, final String phase, final IndexReport.Figures f,
        final IndexClients.Phase p)
    {
        out.printf(Locale.ROOT, "index: round %d %-15s %,d requests (%.1f/s), p50 %s, p90 %s, p99 %s, max %s%s%n",
            round, phase, f.requests(), f.requests() / p.seconds(), IndexReport.ms(f.p50Ms()),
            IndexReport.ms(f.p90Ms()), IndexReport.ms(f.p99Ms()), IndexReport.ms(f.maxMs()),
            f.failures() == 0 ? "" : String.format(Locale.ROOT, "; %,d FAILED, first: %s", f.failures(),
                p.firstError()));
    }

    private double ingestRate(final int port, final ProjectConfig project, final String token) throws Exception
    {
        if (options.ingestRate() > 0)
        {
            out.printf(Locale.ROOT, "index: ingest at %,.0f req/s (--ingest-rate)%n", options.ingestRate());
            report.put("ingestRate", options.ingestRate());
            return options.ingestRate();
        }
        final double seconds = options.probeSeconds();
        final RunResult probe = Loadgen.run(LoadgenOptions.parse(loadgenArgs(port, project, token, "probe", 0,
            seconds, Math.min(2, Math.floor(seconds / 4)))), null);
        final double rate = Math.max(1, Math.floor(probe.okPerSecond() / 2));
        out.printf(Locale.ROOT, "index: maximum keep-alive rate, closed loop %s s: %,.0f req/s answered 200 " +
            "(%,d refused); ingest at half: %,.0f req/s%n", OptionValues.fmt(seconds), probe.okPerSecond(),
            probe.rejected(), rate);
        report.put("probedMaxRate", probe.okPerSecond());
        report.put("ingestRate", rate);
        return rate;
    }

    /**
     * The e2e benchmark's keep-alive load (single-session envelopes, Node SDK framing) on the history's releases and
     * environments, so the index keeps its releases while ingest runs; closed loop when {@code rate} is 0.
     */
    private String[] loadgenArgs(final int port, final ProjectConfig project, final String token, final String run,
        final double rate, final double seconds, final double warmup)
    {
        final List<String> args = new ArrayList<>(List.of("--dsn", "http://" + project.publicKeys().get(0) +
            "@127.0.0.1:" + port + "/" + project.id(), "--sdk", "node", "--envelopes", "session", "--releases",
            Integer.toString(options.releases()), "--release-prefix", RELEASE_PREFIX, "--environments", ENVIRONMENTS,
            "--users", Integer.toString(options.users()), "--connections", Integer.toString(options.connections()),
            "--threads", "1", "--seed", Long.toString(options.seed()), "--run-id", "index-" + run, "--token", token,
            "--json", "-", "--quiet", "--duration", Double.toString(seconds), "--warmup", Double.toString(warmup)));
        if (rate > 0)
        {
            args.addAll(List.of("--rate", Double.toString(rate)));
        }
        return args.toArray(new String[0]);
    }

    /**
     * The whole index read page by page.
     *
     * @param pages      pages read.
     * @param releases   releases listed.
     * @param recorded   releases the registry has recorded (a non-null {@code id}).
     * @param withHealth releases with health data in project 1.
     * @param bytes      bytes of JSON over all pages.
     * @param ms         time for all pages, one after the other.
     */
    record Whole(int pages, int releases, int recorded, int withHealth, long bytes, double ms)
    {
    }

    private Whole whole(final IndexClients clients, final HttpClient http) throws IOException, InterruptedException
    {
        int pages = 0;
        int releases = 0;
        int recorded = 0;
        int withHealth = 0;
        long bytes = 0;
        long ns = 0;
        for (String cursor = null; ; )
        {
            final IndexClients.Timed page = clients.get(http, IndexOptions.pagePath(ORG, "date", 100, cursor));
            check(page, "a page of the whole index");
            pages++;
            ns += page.ns();
            bytes += page.response().body().length;
            for (final JsonNode release : JSON.readTree(page.response().body()))
            {
                releases++;
                recorded += release.path("id").isNull() ? 0 : 1;
                for (final JsonNode p : release.path("projects"))
                {
                    withHealth += p.path("hasHealthData").asBoolean() ? 1 : 0;
                }
            }
            final String link = page.response().headers().firstValue("Link").orElse("");
            if (!hasNext(link) || pages > 10_000)
            {
                break;
            }
            cursor = "100:" + pages + ":0";
        }
        return new Whole(pages, releases, recorded, withHealth, bytes, ns / 1e6);
    }

    /**
     * @param link a {@code Link} header.
     * @return whether its {@code next} part says there are results.
     */
    static boolean hasNext(final String link)
    {
        for (final String part : link.split(","))
        {
            if (part.contains("rel=\"next\""))
            {
                return part.contains("results=\"true\"");
            }
        }
        return false;
    }

    private static void check(final IndexClients.Timed t, final String what) throws IOException
    {
        if (t.response().statusCode() != 200)
        {
            throw new IOException(what + " answered " + t.response().statusCode() + ": " +
                new String(t.response().body(), StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- the node

    private Map<String, String> overrides(final Path dataDir, final String token, final String releaseToken)
    {
        final Map<String, String> o = new LinkedHashMap<>();
        o.put("edge.http.host", "127.0.0.1");
        o.put("edge.http.port", "0");
        o.put("node.data.dir", dataDir.toString());
        o.put("query.tokens", token);
        o.put("registry.organization", ORG);
        o.put("auth.token.indexbench.value", releaseToken);
        o.put("auth.token.indexbench.scopes", "org:read, project:read, project:releases");
        // the history's oldest sessions are `days` old when sent: admit them (and a day's margin)
        o.put("validation.started.max.age.seconds", Long.toString(Math.min(30L, options.days() + 1L) * 86_400));
        // hourly roll-ups of the history, fine buckets of its last 48 h, and the ingest phases' minutes
        o.put("aggregation.store.entries", "1000000");
        for (final String setting : options.nodeSettings())
        {
            final int eq = setting.indexOf('=');
            o.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return o;
    }

    private ChildJvm startNode(final Map<String, String> overrides, final Path dataDir)
        throws IOException, InterruptedException
    {
        final List<String> jvm = new ArrayList<>(options.nodeJvmFlags());
        jvm.add("-XX:+UseZGC");
        jvm.add("-Xmx" + NODE_HEAP);
        if (options.jfr() != null)
        {
            jvm.add("-XX:StartFlightRecording=filename=" + options.jfr().toAbsolutePath() +
                ",settings=profile,dumponexit=true");
        }
        final List<String> main = new ArrayList<>(List.of("-jar", options.nodeJar().toAbsolutePath().toString(),
            "--config", options.config().toAbsolutePath().toString()));
        for (final Map.Entry<String, String> e : overrides.entrySet())
        {
            main.add("--set");
            main.add(e.getKey() + "=" + e.getValue());
        }
        return ChildJvm.start("node", "Crashfree node, child JVM with ZGC, -Xmx" + NODE_HEAP + " and the node's " +
            "JVM flags, " + options.config() + " plus the benchmark's settings, data in " + dataDir +
            (options.jfr() != null ? ", JFR to " + options.jfr() : ""), jvm, main, Path.of("").toAbsolutePath());
    }

    private static String hex(final int bytes)
    {
        final byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        final StringBuilder s = new StringBuilder();
        for (final byte x : b)
        {
            s.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return s.toString();
    }

    private static void deleteTree(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
