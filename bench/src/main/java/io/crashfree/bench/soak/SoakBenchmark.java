package io.crashfree.bench.soak;

import io.crashfree.bench.OptionValues;
import io.crashfree.bench.e2e.BenchTarget;
import io.crashfree.bench.e2e.ChildJvm;
import io.crashfree.bench.e2e.InProcessTarget;
import io.crashfree.edge.CrashfreeNode;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.loadgen.LoadListener;
import io.crashfree.loadgen.LoadSnapshot;
import io.crashfree.loadgen.Loadgen;
import io.crashfree.loadgen.LoadgenException;
import io.crashfree.loadgen.LoadgenOptions;
import io.crashfree.loadgen.RunResult;
import io.crashfree.loadgen.verify.VerifyReport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/crashfree bench soak}: the node under a long, realistic load, watched minute by minute.
 * <ol>
 *   <li>starts the node as a child JVM (the node's JVM flags, ZGC, the default configuration plus projects 2..N, a
 *       query token, port 0 and a temporary data directory, all with {@code --set});</li>
 *   <li>unless {@code --rate} is given, measures its maximum rate with the soak's workload, closed loop (releases of
 *       their own, so the soak's ground truth is not touched);</li>
 *   <li>runs the load generator in this JVM open loop at half that rate for {@code --minutes}, and at the end of each
 *       period prints and records a row: offered and achieved rate, the share refused (429, 503), the node's live
 *       memory and budget, its process's RSS, early flushes, flush lag, errors ({@link SoakRow});</li>
 *   <li>verifies the node's sessions API against what it acknowledged (every count exact, users within the sketch's
 *       error), prints the summary and writes the JSON report.</li>
 * </ol>
 * Metrics the node does not export are shown as {@code n/a}. Control plane only: the main thread starts the node,
 * runs the load (whose event loops do the sending) and scrapes the node between periods.
 */
public final class SoakBenchmark
{
    private static final String HEADER = String.format(Locale.ROOT, "%5s %8s %8s %8s %16s %10s %8s %17s %7s %6s " +
        "%8s %9s %10s", "row", "offered", "sent/s", "200/s", "refused 429/503", "sessions/s", "RSS MiB",
        "live MiB (budget)", "early", "lag s", "live keys", "err n/c", "pending");

    private final SoakOptions options;
    private final PrintStream out;

    /**
     * @param options the settings.
     * @param out     where the rows and the summary go.
     */
    public SoakBenchmark(final SoakOptions options, final PrintStream out)
    {
        this.options = options;
        this.out = out;
    }

    /**
     * @param args see {@link SoakOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final SoakOptions options = OptionValues.parseOrExit("soak: ", SoakOptions::parse, args);
        try
        {
            final SoakResult r = new SoakBenchmark(options, System.out).run();
            // A difference (or a node that could not be asked) fails; refusals alone are a figure, not a failure.
            System.exit(r.verify() != null && r.verify().differences().isEmpty() ? 0 : 1);
        }
        catch (final Exception ex)
        {
            System.err.println("soak: " + ex.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs the soak and writes the report.
     *
     * @return the rows, the run, the verification.
     * @throws Exception when the node does not start or the load generator cannot run.
     */
    public SoakResult run() throws Exception
    {
        final long startMs = System.currentTimeMillis();
        final String runId = hex(3);
        final String token = "soak-read-" + hex(12);
        final Path dataDir = Files.createTempDirectory("crashfree-soak-");
        try
        {
            final Map<String, String> overrides = nodeOverrides(dataDir, token);
            final List<String> keys = projectKeys(overrides);
            final NodeConfig config = ConfigLoader.load(options.config(), overrides);
            try (BenchTarget node = startNode(config, overrides, dataDir))
            {
                final List<String> dsns = new ArrayList<>();
                for (int p = 1; p <= options.projects(); p++)
                {
                    dsns.add("http://" + keys.get(p - 1) + "@127.0.0.1:" + node.port() + "/" + p);
                }
                // Parsed before any load, so a bad workload option stops here.
                LoadgenOptions.parse(soakArgs(dsns, runId, token, 1));
                out.println("soak: " + Runtime.getRuntime().availableProcessors() + " cores, Java " +
                    System.getProperty("java.version"));
                out.println("soak: node " + node.description());
                final long pid = node instanceof ChildJvm ? ((ChildJvm)node).pid() : -1;
                final NodeProbe probe = new NodeProbe(node.port(), token, pid);
                RunResult probed = null;
                double rate = options.rate();
                if (rate <= 0)
                {
                    probed = probe(dsns, runId, token);
                    rate = Math.max(1, Math.floor(probed.okPerSecond() / 2));
                }
                return soak(node.description(), probe, dsns, runId, token, probed, rate, startMs);
            }
        }
        finally
        {
            deleteTree(dataDir);
        }
    }

    private RunResult probe(final List<String> dsns, final String runId, final String token)
        throws LoadgenException, InterruptedException
    {
        final double seconds = options.probeSeconds();
        final List<String> args = new ArrayList<>(options.loadgenArgs(dsns, "soak-probe-" + runId + "@1.",
            runId + "-probe", token));
        args.addAll(List.of("--duration", Double.toString(seconds), "--warmup",
            Double.toString(Math.min(5, Math.floor(seconds / 4)))));
        out.printf(Locale.ROOT, "soak: probing the maximum rate, closed loop, %s s with the soak's workload " +
            "(releases of their own)%n", fmt(seconds));
        final RunResult r = Loadgen.run(LoadgenOptions.parse(args.toArray(new String[0])), null);
        out.printf(Locale.ROOT, "soak: maximum %,.0f req/s answered 200 (%,.0f req/s answered in all; %,d of %,d " +
            "answers refused %s)%n", r.okPerSecond(), r.requestsPerSecond(), r.rejected(), r.ok() + r.rejected(),
            r.byStatus());
        return r;
    }

    private SoakResult soak(final String nodeDescription, final NodeProbe probe, final List<String> dsns,
        final String runId, final String token, final RunResult probed, final double rate, final long startMs)
        throws Exception
    {
        out.printf(Locale.ROOT, "soak: %s min open loop at %,.0f req/s%s: %d projects, %d releases (Zipf), " +
            "environments %s, %,d users, sdk %s, aggregate share %s (%d entries), sessions of %s s, mix %s%n",
            fmt(options.minutes()), rate, probed == null ? " (--rate)" : " (half the maximum)",
            options.projects(), options.releases(), options.environments(), options.users(), options.sdk(),
            fmt(options.aggregateShare()), options.entries(), options.sessionLength(), options.mix());
        out.println("soak: " + HEADER);
        final Rows rows = new Rows(rate, probe, probe.sample());
        final RunResult r = Loadgen.run(LoadgenOptions.parse(soakArgs(dsns, runId, token, rate)), null, rows);
        out.println("soak: verifying the node's counts against what it acknowledged...");
        VerifyReport verify = null;
        String verifyError = null;
        try
        {
            verify = Loadgen.verify(r);
        }
        catch (final LoadgenException ex)
        {
            verifyError = ex.getMessage();
        }
        final SoakResult result = new SoakResult(options, nodeDescription,
            probed == null ? Double.NaN : probed.okPerSecond(), probed, rate, rows.rows, r, verify, verifyError,
            startMs);
        summary(result);
        SoakReport.writeJson(result, options.json());
        out.println("soak: report " + options.json());
        return result;
    }

    private String[] soakArgs(final List<String> dsns, final String runId, final String token, final double rate)
    {
        final List<String> args = new ArrayList<>(options.loadgenArgs(dsns, "soak-" + runId + "@1.", runId, token));
        args.addAll(List.of("--rate", Double.toString(rate), "--duration", Double.toString(options.seconds())));
        return args.toArray(new String[0]);
    }

    private void summary(final SoakResult r)
    {
        out.printf(Locale.ROOT, "soak: median achieved %,.0f req/s answered 200 of %,.0f offered; refused %.2f%% " +
            "(429: %.2f%%, 503: %.2f%%) of %,d answers; %,d sessions acknowledged%n", r.medianOkPerSecond(),
            r.rate(), 100 * r.refusedShare(), 100 * r.share(429), 100 * r.share(503),
            r.run().ok() + r.run().rejected(), r.run().sessionsOk());
        if (r.firstWarmRow() != null)
        {
            out.printf(Locale.ROOT, "soak: node RSS %s MiB in the first warm row (%d), %s MiB in the last (%d)%n",
                mib(r.firstWarmRow().node().rssBytes()), r.firstWarmRow().index(),
                mib(r.lastRow().node().rssBytes()), r.lastRow().index());
        }
        out.printf(Locale.ROOT, "soak: %,d terminal updates were still due at the end: not sent, not counted%n",
            r.run().terminalsPending());
        out.println("soak: verify " + r.verifySummary());
    }

    /** Turns the load generator's per-second snapshots into rows, scraping the node at each row's end. */
    private final class Rows implements LoadListener
    {
        private final double offered;
        private final NodeProbe probe;
        private final List<SoakRow> rows = new ArrayList<>();
        private LoadSnapshot periodStart = new LoadSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        private NodeSample previous;

        Rows(final double offered, final NodeProbe probe, final NodeSample beforeLoad)
        {
            this.offered = offered;
            this.probe = probe;
            this.previous = beforeLoad;
        }

        @Override
        public void onSecond(final LoadSnapshot s)
        {
            if (s.second() >= Math.round((rows.size() + 1) * options.rowSeconds()))
            {
                row(s);
            }
        }

        @Override
        public void onEnd(final LoadSnapshot s)
        {
            if (s.elapsedNs() - periodStart.elapsedNs() >= 1_000_000_000L)
            {
                row(s);
            }
        }

        private void row(final LoadSnapshot s)
        {
            final NodeSample node;
            try
            {
                node = probe.sample();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            final SoakRow row = SoakRow.of(rows.size() + 1, offered, periodStart, s, previous, node);
            rows.add(row);
            out.println("soak: " + line(row));
            if (node.scrapeError() != null)
            {
                out.println("soak:       (" + node.scrapeError() + ")");
            }
            out.flush();
            periodStart = s;
            previous = node;
        }
    }

    /**
     * @param row a row.
     * @return it as one fixed-width line under {@link #HEADER}.
     */
    static String line(final SoakRow row)
    {
        final NodeSample n = row.node();
        return String.format(Locale.ROOT, "%5d %8.0f %8.0f %8.0f %16s %10.0f %8s %17s %7s %6s %8s %9s %10d",
            row.index(), row.offeredPerSecond(), row.sentPerSecond(), row.okPerSecond(),
            String.format(Locale.ROOT, "%.1f%%/%.1f%%", 100 * row.share429(), 100 * row.share503()),
            row.sessionsPerSecond(), mib(n.rssBytes()),
            mib(n.liveMemoryBytes()) + " (" + mib(n.liveMemoryBudgetBytes()) + ")", count(row.earlyFlushes()),
            Double.isNaN(n.flushLagSeconds()) ? "n/a" : String.format(Locale.ROOT, "%.1f", n.flushLagSeconds()),
            count(n.liveKeys()), count(row.nodeErrors()) + "/" + row.clientErrors(), row.terminalsPending());
    }

    /**
     * @param bytes a byte count, -1 or NaN when unknown.
     * @return mebibytes without decimals, or {@code n/a}.
     */
    static String mib(final double bytes)
    {
        return Double.isNaN(bytes) || bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", bytes / (1 << 20));
    }

    private static String count(final double v)
    {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private Map<String, String> nodeOverrides(final Path dataDir, final String token)
    {
        final Map<String, String> o = new LinkedHashMap<>();
        o.put("edge.http.host", "127.0.0.1");
        o.put("edge.http.port", "0");
        o.put("node.data.dir", dataDir.toString());
        o.put("query.tokens", token);
        return o;
    }

    /** Adds {@code project.<id>.keys} for the projects the configuration lacks; returns every project's key. */
    private List<String> projectKeys(final Map<String, String> overrides)
    {
        final NodeConfig base = ConfigLoader.load(options.config(), overrides);
        final List<String> keys = new ArrayList<>();
        for (int id = 1; id <= options.projects(); id++)
        {
            String key = null;
            for (final ProjectConfig p : base.projects())
            {
                if (p.id() == id && !p.publicKeys().isEmpty())
                {
                    key = p.publicKeys().get(0);
                }
            }
            if (key == null)
            {
                key = hex(16);
                overrides.put("project." + id + ".keys", key);
                overrides.put("project." + id + ".name", "soak-" + id);
            }
            keys.add(key);
        }
        return keys;
    }

    /** The node's heap in the soak: room for the query cache and the flusher's merges beside a 1 GiB live budget. */
    static final String NODE_HEAP = "1536m";

    private BenchTarget startNode(final NodeConfig config, final Map<String, String> overrides, final Path dataDir)
        throws IOException, InterruptedException
    {
        if (options.inProcess())
        {
            final CrashfreeNode node = CrashfreeNode.start(config, Clock.systemUTC());
            return new InProcessTarget("node", "Crashfree node in-process, " + node.transport(), node.port(), node);
        }
        final List<String> jvm = new ArrayList<>(options.nodeJvmFlags());
        jvm.add("-XX:+UseZGC");
        // An explicit heap, as a deployment sets one: without it the JVM may take a quarter of the machine and the
        // node's RSS grows with garbage the collector has no reason to reclaim early (CRASHFREE_SOAK_NODE_HEAP).
        final String heap = System.getenv().getOrDefault("CRASHFREE_SOAK_NODE_HEAP", NODE_HEAP);
        jvm.add("-Xmx" + heap);
        final List<String> main = new ArrayList<>(List.of("-jar", options.nodeJar().toAbsolutePath().toString(),
            "--config", options.config().toAbsolutePath().toString()));
        for (final Map.Entry<String, String> e : overrides.entrySet())
        {
            main.add("--set");
            main.add(e.getKey() + "=" + e.getValue());
        }
        return ChildJvm.start("node", "Crashfree node, child JVM with ZGC, -Xmx" + heap +
            " and the node's JVM flags, the default " +
            "configuration of " + options.config() + " plus " + options.projects() + " projects, data in " + dataDir,
            jvm, main, Path.of("").toAbsolutePath());
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

    private static String fmt(final double v)
    {
        return v == Math.rint(v) ? Long.toString((long)v) : Double.toString(v);
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
