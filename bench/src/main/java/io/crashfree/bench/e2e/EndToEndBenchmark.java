package io.crashfree.bench.e2e;

import io.crashfree.bench.OptionValues;
import io.crashfree.edge.CrashfreeNode;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.loadgen.Loadgen;
import io.crashfree.loadgen.LoadgenException;
import io.crashfree.loadgen.LoadgenOptions;
import io.crashfree.loadgen.RunResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/crashfree bench e2e}: starts the node (child JVM, ZGC, the shaded jar, a temporary data directory) and
 * the ceiling ({@link BareHttpServer}, child JVM, same flags and event loops), then for each scenario runs a warm-up
 * leg on each and {@code pairs} pairs of legs, node then ceiling, under the same load from the load generator in this
 * JVM. Prints each pair and the median ratio with its spread; writes everything to a JSON report
 * ({@link EndToEndReport}).
 * <p>
 * Both servers share the machine's cores with the load generator, as they would with any client on this machine; the
 * report gives each side's CPU use per leg so the figures can be read with that in mind.
 */
public final class EndToEndBenchmark
{
    private static final String DEDUP_PER_DAY = "8388608";

    private final EndToEndOptions options;
    private final PrintStream out;
    private final Map<Scenario, List<Leg>> legs = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private EventTrickle trickle;
    private double latencyRate = Double.NaN;
    private long seed = 1;

    /**
     * One leg: one target under one load for {@code seconds}.
     *
     * @param scenario    the load.
     * @param target      "node" or "ceiling".
     * @param pair        pair number from 1, or 0 for the warm-up.
     * @param result      the load generator's result.
     * @param figure      the scenario's figure.
     * @param targetCores the target's CPU use over the leg in cores (-1 when unknown).
     * @param driverCores the load generator's (this JVM's) CPU use over the leg in cores.
     * @param targetCpuMicrosPerRequest the target's CPU time per answered request, microseconds (-1 when unknown):
     *                    less sensitive than throughput to what else the shared machine runs.
     */
    public record Leg(Scenario scenario, String target, int pair, RunResult result, double figure, double targetCores,
        double driverCores, double targetCpuMicrosPerRequest)
    {
    }

    /**
     * @param options the settings.
     * @param out     where progress and the per-pair lines go.
     */
    public EndToEndBenchmark(final EndToEndOptions options, final PrintStream out)
    {
        this.options = options;
        this.out = out;
    }

    /**
     * @param args see {@link EndToEndOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final EndToEndOptions options = OptionValues.parseOrExit("e2e: ", EndToEndOptions::parse, args);
        try
        {
            final EndToEndBenchmark bench = new EndToEndBenchmark(options, System.out);
            bench.run();
            System.exit(0);
        }
        catch (final Exception ex)
        {
            System.err.println("e2e: " + ex.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs every scenario and writes the report.
     *
     * @return the legs by scenario.
     * @throws Exception when a server does not start or the load generator cannot run.
     */
    public Map<Scenario, List<Leg>> run() throws Exception
    {
        final Path dataDir = Files.createTempDirectory("crashfree-e2e-");
        final Map<String, String> overrides = nodeOverrides(dataDir);
        final NodeConfig config = ConfigLoader.load(options.config(), overrides);
        if (config.projects().isEmpty())
        {
            throw new IllegalArgumentException("no project in " + options.config());
        }
        final ProjectConfig project = config.projects().get(0);
        final String key = project.publicKeys().get(0);
        final long startMs = System.currentTimeMillis();
        final boolean forwarding = !options.versus().equals("bare");
        final Path otherDir = forwarding ? Files.createTempDirectory("crashfree-e2e-off-") : null;
        final ForwardingUpstream upstream = forwarding ? ForwardingUpstream.start(options.versus()) : null;
        if (forwarding)
        {
            overrides.put("project." + project.id() + ".upstream.dsn", upstream.dsn());
        }
        try (BenchTarget node = startNode("node", ConfigLoader.load(options.config(), overrides), overrides, dataDir);
            BenchTarget ceiling = forwarding ? startNode("ceiling",
                ConfigLoader.load(options.config(), nodeOverrides(otherDir)), nodeOverrides(otherDir), otherDir) :
                startCeiling();
            EventTrickle trickle = forwarding ? new EventTrickle(project.id(), key) : null)
        {
            if (forwarding)
            {
                this.trickle = trickle;
                out.println("e2e: --versus " + options.versus() + ": \"node\" forwards to " + upstream.dsn() +
                    " (" + upstream.description() + "), \"ceiling\" is the same node without forwarding; both get " +
                    EventTrickle.PER_SECOND + " event envelopes/s beside the sessions");
            }
            out.println("e2e: " + Runtime.getRuntime().availableProcessors() + " cores, Java " +
                System.getProperty("java.version") + ", load average " + EndToEndReport.loadAverage());
            out.println("e2e: node    " + node.description());
            out.println("e2e: ceiling " + ceiling.description());
            out.println("e2e: loadgen in this JVM: " + options.connections() + " connections, " + options.threads() +
                " thread(s); " + options.pairs() + " pairs of " + fmt(options.seconds()) + " s legs (+" +
                fmt(options.legWarmup()) + " s warm-up each), node then ceiling");
            for (final Scenario s : options.scenarios())
            {
                runScenario(s, node, ceiling, project.id(), key);
            }
        }
        finally
        {
            trickle = null;
            deleteTree(dataDir);
            if (otherDir != null)
            {
                deleteTree(otherDir);
            }
            if (upstream != null)
            {
                upstream.close();
            }
        }
        EndToEndReport.writeJson(options, legs, notes, latencyRate, startMs, options.json());
        out.println("e2e: report " + options.json());
        return legs;
    }

    /**
     * @return the open-loop rate of the latency scenario in requests per second (half the node's median keep-alive
     *         rate), or NaN before it ran.
     */
    public double latencyRate()
    {
        return latencyRate;
    }

    private void runScenario(final Scenario s, final BenchTarget node, final BenchTarget ceiling, final long project,
        final String key) throws LoadgenException, InterruptedException
    {
        out.println();
        out.println("== " + s.id() + ": " + s.description());
        Double rate = null;
        if (s == Scenario.LATENCY)
        {
            if (Double.isNaN(latencyRate))
            {
                out.println("   (no keep-alive figures yet: measuring the node's maximum keep-alive rate first)");
                final RunResult max = leg(Scenario.KEEPALIVE, node, project, key, options.seconds() +
                    options.legWarmup(), options.legWarmup(), null);
                latencyRate = max.okPerSecond() / 2;
            }
            rate = latencyRate;
            out.printf(Locale.ROOT, "   open loop at %,.0f req/s%n", rate);
        }
        if (options.initialWarmup() > 0)
        {
            for (final BenchTarget t : List.of(node, ceiling))
            {
                final RunResult w = leg(s, t, project, key, options.initialWarmup(), 0, rate);
                out.printf(Locale.ROOT, "   warm-up %-8s %s%n", t.name(), summary(s, w));
            }
        }
        final List<Leg> list = new ArrayList<>();
        out.printf(Locale.ROOT, "   %-5s %22s %22s %12s %s%n", "pair", "node " + s.unit(), "ceiling " + s.unit(),
            "node/ceiling", "   cores node|ceiling|loadgen   CPU µs/request node|ceiling");
        for (int pair = 1; pair <= options.pairs(); pair++)
        {
            final Leg a = measuredLeg(s, node, pair, project, key, rate);
            final Leg b = measuredLeg(s, ceiling, pair, project, key, rate);
            list.add(a);
            list.add(b);
            out.printf(Locale.ROOT, "   %-5d %22s %22s %12.3f    %s|%s|%.2f/%.2f   %s|%s%n", pair, figure(s, a),
                figure(s, b), a.figure() / b.figure(), cores(a.targetCores()), cores(b.targetCores()),
                a.driverCores(), b.driverCores(), micros(a.targetCpuMicrosPerRequest()),
                micros(b.targetCpuMicrosPerRequest()));
            problems(a);
            problems(b);
        }
        legs.put(s, list);
        final PairedStats stats = stats(list);
        out.printf(Locale.ROOT, "   %-5s %22s %22s %12.3f    (pairs %.3f .. %.3f)   CPU µs/request %s|%s%n",
            "median", number(s, stats.medianNode()), number(s, stats.medianCeiling()), stats.medianRatio(),
            stats.minRatio(), stats.maxRatio(), micros(medianCpu(list, "node")), micros(medianCpu(list, "ceiling")));
        out.println("   (load average now " + EndToEndReport.loadAverage() + ")");
        if (s == Scenario.KEEPALIVE)
        {
            latencyRate = stats.medianNode() / 2;
        }
    }

    private Leg measuredLeg(final Scenario s, final BenchTarget t, final int pair, final long project,
        final String key, final Double rate) throws LoadgenException, InterruptedException
    {
        final long targetCpu0 = t.cpuNanos();
        final long driverCpu0 = driverCpuNanos();
        final long t0 = System.nanoTime();
        final RunResult r = leg(s, t, project, key, options.seconds() + options.legWarmup(), options.legWarmup(),
            rate);
        final double wall = (System.nanoTime() - t0) / 1e9;
        final long targetCpu1 = t.cpuNanos();
        final double targetCores = targetCpu0 < 0 || targetCpu1 < 0 ? -1 : (targetCpu1 - targetCpu0) / 1e9 / wall;
        final double driverCores = (driverCpuNanos() - driverCpu0) / 1e9 / wall;
        final long answered = r.ok() + r.rejected();
        final double cpuPerRequest = targetCores < 0 || answered == 0 ? -1 :
            (targetCpu1 - targetCpu0) / 1e3 / answered;
        return new Leg(s, t.name(), pair, r, s.figure(r), targetCores, driverCores, cpuPerRequest);
    }

    private RunResult leg(final Scenario s, final BenchTarget t, final long project, final String key,
        final double seconds, final double warmup, final Double rate) throws LoadgenException, InterruptedException
    {
        final List<String> args = new ArrayList<>(List.of(
            "--dsn", "http://" + key + "@127.0.0.1:" + t.port() + "/" + project,
            "--duration", Double.toString(seconds),
            "--connections", Integer.toString(options.connections()),
            "--threads", Integer.toString(options.threads()),
            "--users", Integer.toString(options.users()),
            "--releases", Integer.toString(options.releases()),
            // The same release names in every leg, so legs add to the same keys instead of filling the node.
            "--release-prefix", "e2e@1.",
            "--seed", Long.toString(seed++),
            "--json", "-", "--quiet"));
        if (warmup > 0)
        {
            args.addAll(List.of("--warmup", Double.toString(warmup)));
        }
        if (rate != null)
        {
            args.addAll(List.of("--rate", Double.toString(rate)));
        }
        args.addAll(s.loadgenArgs());
        final EventTrickle events = trickle;
        if (events != null)
        {
            events.target(t.port());
        }
        try
        {
            return Loadgen.run(LoadgenOptions.parse(args.toArray(new String[0])), null);
        }
        finally
        {
            if (events != null)
            {
                events.target(0);
            }
        }
    }

    private void problems(final Leg leg)
    {
        final RunResult r = leg.result();
        if (r.rejected() > 0 || r.inDoubt() > 0 || r.connectFailures() > 0)
        {
            final String note = leg.scenario().id() + " pair " + leg.pair() + " " + leg.target() + ": " +
                r.rejected() + " non-200 answers " + r.byStatus() + ", " + r.inDoubt() + " without an answer, " +
                r.connectFailures() + " failed connects" +
                (r.firstRejection() == null ? "" : "; first: " + r.firstRejection());
            notes.add(note);
            out.println("   ! " + note);
        }
    }

    private BenchTarget startNode(final String name, final NodeConfig config, final Map<String, String> overrides,
        final Path dataDir) throws IOException, InterruptedException
    {
        if (options.inProcess())
        {
            final CrashfreeNode node = CrashfreeNode.start(config, Clock.systemUTC());
            return new InProcessTarget(name, "Crashfree node in-process, " + node.transport() + ", " +
                options.serverThreads() + " event loops", node.port(), node);
        }
        final List<String> jvm = new ArrayList<>(options.nodeJvmFlags());
        jvm.add("-XX:+UseZGC");
        final List<String> main = new ArrayList<>(List.of("-jar", options.nodeJar().toAbsolutePath().toString(),
            "--config", options.config().toAbsolutePath().toString()));
        for (final Map.Entry<String, String> e : overrides.entrySet())
        {
            main.add("--set");
            main.add(e.getKey() + "=" + e.getValue());
        }
        return ChildJvm.start(name, "Crashfree node" + (config.forward().enabled() ? " forwarding" : "") +
            ", child JVM with ZGC, " + options.serverThreads() +
            " event loops, data in " + dataDir, jvm, main, Path.of("").toAbsolutePath());
    }

    private BenchTarget startCeiling() throws IOException, InterruptedException
    {
        if (options.inProcess())
        {
            final BareHttpServer bare = BareHttpServer.start(0, options.serverThreads());
            return new InProcessTarget("ceiling", "bare Netty HTTP server in-process, " + bare.transport() + ", " +
                options.serverThreads() + " event loops", bare.port(), bare);
        }
        final String jar;
        try
        {
            jar = Path.of(BareHttpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        }
        catch (final java.net.URISyntaxException ex)
        {
            throw new IOException("cannot locate the benchmark jar: " + ex.getMessage(), ex);
        }
        return ChildJvm.start("ceiling", "bare Netty HTTP server (empty 200), child JVM with ZGC, " +
            options.serverThreads() + " event loops", List.of("-XX:+UseZGC"),
            List.of("-cp", jar, BareHttpServer.class.getName(), "--port", "0", "--threads",
                Integer.toString(options.serverThreads())), Path.of("").toAbsolutePath());
    }

    private Map<String, String> nodeOverrides(final Path dataDir)
    {
        final Map<String, String> o = new LinkedHashMap<>();
        o.put("edge.http.host", "127.0.0.1");
        o.put("edge.http.port", "0");
        o.put("edge.http.event.loop.threads", Integer.toString(options.serverThreads()));
        o.put("node.data.dir", dataDir.toString());
        // Room for every key and exactly-once entry of a full run, so back-pressure never shapes the figures.
        o.put("aggregation.dedup.capacity.per.day", DEDUP_PER_DAY);
        return o;
    }

    /**
     * @param legs a scenario's legs, node and ceiling alternating.
     * @return their figures paired.
     */
    public static PairedStats stats(final List<Leg> legs)
    {
        final List<Double> node = new ArrayList<>();
        final List<Double> ceiling = new ArrayList<>();
        for (final Leg l : legs)
        {
            (l.target().equals("node") ? node : ceiling).add(l.figure());
        }
        return new PairedStats(node.stream().mapToDouble(Double::doubleValue).toArray(),
            ceiling.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static String summary(final Scenario s, final RunResult r)
    {
        return String.format(Locale.ROOT, "%,.0f req/s, %,.0f sessions/s, p99 %.2f ms, %d non-200", r.okPerSecond(),
            r.sessionsPerSecond(), r.latencyMs(99), r.rejected());
    }

    private static String figure(final Scenario s, final Leg leg)
    {
        if (s == Scenario.LATENCY)
        {
            final RunResult r = leg.result();
            return String.format(Locale.ROOT, "%.2f (p50 %.2f)", r.latencyMs(99), r.latencyMs(50));
        }
        return number(s, leg.figure());
    }

    private static String number(final Scenario s, final double v)
    {
        return s == Scenario.LATENCY ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%,.0f", v);
    }

    /**
     * @param legs   a scenario's legs.
     * @param target "node" or "ceiling".
     * @return the median CPU microseconds per request of that target's legs (negative or NaN when unknown).
     */
    public static double medianCpu(final List<Leg> legs, final String target)
    {
        return PairedStats.median(legs.stream().filter(l -> l.target().equals(target))
            .mapToDouble(Leg::targetCpuMicrosPerRequest).toArray());
    }

    private static String micros(final double us)
    {
        return us < 0 || Double.isNaN(us) ? "-" : String.format(Locale.ROOT, "%.1f", us);
    }

    private static String cores(final double c)
    {
        return c < 0 ? "-" : String.format(Locale.ROOT, "%.2f", c);
    }

    private static String fmt(final double v)
    {
        return v == Math.rint(v) ? Long.toString((long)v) : Double.toString(v);
    }

    private static long driverCpuNanos()
    {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
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
