package io.crashfree.bench.soak;

import io.crashfree.bench.HelpRequested;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.crashfree.bench.OptionValues.number;
import static io.crashfree.bench.OptionValues.whole;

/**
 * Settings of the soak benchmark, from its command line. The workload options go to the load generator as they are
 * (it validates them); the defaults are the soak: 3 projects, 200 releases (Zipf), 3 environments, a million
 * users, Java- and Node-shaped sessions half and half with a fifth of the envelopes 100-entry aggregates, sessions of
 * 1 to 30 minutes, 4% errored.
 *
 * @param nodeJar        the node's shaded jar (child JVM), or null with {@code inProcess}.
 * @param nodeJvmFlags   JVM flags the node needs (the parent pom's {@code crashfree.jvm.flags}).
 * @param config         the node's configuration file (its defaults; the soak adds projects, a port, a data
 *                       directory and a query token with {@code --set}).
 * @param minutes        minutes of load at the soak rate.
 * @param rate           open-loop rate in requests per second, or 0 to measure the maximum first and use half.
 * @param probeSeconds   length of the closed-loop maximum-rate probe.
 * @param rowSeconds     seconds per row (a minute, or less for a smoke run).
 * @param projects       projects (ids 1..N; 1 comes from the configuration).
 * @param releases       releases, Zipf-distributed.
 * @param environments   environments with weights, as the load generator takes them.
 * @param users          user population.
 * @param sdk            SDK mix, as the load generator takes it.
 * @param aggregateShare share of envelopes that are {@code sessions} aggregates.
 * @param entries        entries per aggregate envelope.
 * @param sessionLength  {@code MIN..MAX} seconds from init to terminal update.
 * @param mix            outcome mix.
 * @param connections    load-generator connections.
 * @param threads        load-generator threads.
 * @param seed           seed of the load's random choices.
 * @param quick          a smoke run (its figures measure nothing).
 * @param json           where the JSON report goes.
 * @param inProcess      run the node inside this JVM (tests only; no RSS of its own).
 */
public record SoakOptions(Path nodeJar, List<String> nodeJvmFlags, Path config, double minutes, double rate,
    double probeSeconds, double rowSeconds, int projects, int releases, String environments, int users, String sdk,
    double aggregateShare, int entries, String sessionLength, String mix, int connections, int threads, long seed,
    boolean quick, Path json, boolean inProcess)
{
    /** The outcome mix of the soak: 4% errored sessions, plus crashes and ANRs; no unhandled. */
    public static final String DEFAULT_MIX = "healthy:0.94,errored:0.04,crashed:0.015,abnormal:0.005";
    /** Environments of the soak. */
    public static final String DEFAULT_ENVIRONMENTS = "production:0.7,staging:0.2,development:0.1";

    /** Usage text. */
    public static final String USAGE = String.join("\n",
        "usage: bin/crashfree bench soak [options]",
        "  starts a node (child JVM, the node's JVM flags, ZGC, the default configuration plus projects 2..N, a",
        "  temporary data directory), measures its maximum rate (closed loop) unless --rate is given, then runs open",
        "  loop at half of it, printing a row per minute; verifies the node's counts at the end (exit code 1 when",
        "  they differ from what the node acknowledged, or the node cannot be asked)",
        "  --minutes N            minutes at the soak rate (default 10)",
        "  --quick                smoke run: 8 s probe, 48 s of load, a row every 12 s, sessions of 5..30 s",
        "  --rate R               open-loop rate in requests/s (default: half the probed maximum)",
        "  --probe-seconds S      closed-loop maximum-rate probe (default 20)",
        "  --row-seconds S        seconds per row (default 60)",
        "  --projects N           projects (default 3)",
        "  --releases N           releases, Zipf-distributed (default 200)",
        "  --environments LIST    (default " + DEFAULT_ENVIRONMENTS + ")",
        "  --users N              user population (default 1000000)",
        "  --sdk LIST             SDK mix (default java:0.5,node:0.5)",
        "  --aggregate-share F    share of envelopes that are 'sessions' aggregates (default 0.2)",
        "  --entries N            entries per aggregate envelope (default 100)",
        "  --session-length MIN..MAX   seconds from a session's init to its terminal update (default 60..1800)",
        "  --mix LIST             outcomes (default " + DEFAULT_MIX + ")",
        "  --connections N        load-generator connections (default 64)",
        "  --threads N            load-generator threads (default 1)",
        "  --seed N               seed of the load's random choices (default 1)",
        "  --json FILE            JSON report (default target/soak/soak-<time>.json)",
        "  --node-jar JAR --jvm-flags \"...\" --config FILE   how to start the node (bin/crashfree passes them)",
        "  --in-process           the node inside this JVM (tests only)");

    /**
     * @param args command line.
     * @return the settings.
     * @throws IllegalArgumentException naming the bad option (its message is the usage for {@code --help}).
     */
    public static SoakOptions parse(final String... args)
    {
        Path nodeJar = null;
        List<String> flags = List.of();
        Path config = Path.of("conf/crashfree.properties");
        Double minutes = null;
        double rate = 0;
        Double probeSeconds = null;
        Double rowSeconds = null;
        int projects = 3;
        int releases = 200;
        String environments = DEFAULT_ENVIRONMENTS;
        int users = 1_000_000;
        String sdk = "java:0.5,node:0.5";
        double aggregateShare = 0.2;
        int entries = 100;
        String sessionLength = null;
        String mix = DEFAULT_MIX;
        int connections = 64;
        int threads = 1;
        long seed = 1;
        boolean quick = false;
        Path json = null;
        boolean inProcess = false;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if (a.equals("--quick"))
            {
                quick = true;
                continue;
            }
            if (a.equals("--in-process"))
            {
                inProcess = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h"))
            {
                throw new HelpRequested(USAGE);
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
            }
            final String v = args[++i];
            switch (a)
            {
                case "--node-jar" -> nodeJar = Path.of(v);
                case "--jvm-flags" -> flags = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                case "--config" -> config = Path.of(v);
                case "--minutes" -> minutes = number(a, v, 0.05, 24 * 60);
                case "--rate" -> rate = number(a, v, 1, 1e8);
                case "--probe-seconds" -> probeSeconds = number(a, v, 2, 600);
                case "--row-seconds" -> rowSeconds = number(a, v, 1, 3600);
                case "--projects" -> projects = (int)whole(a, v, 1, 100);
                case "--releases" -> releases = (int)whole(a, v, 1, 100_000);
                case "--environments" -> environments = v;
                case "--users" -> users = (int)whole(a, v, 1, 100_000_000);
                case "--sdk" -> sdk = v;
                case "--aggregate-share" -> aggregateShare = number(a, v, 0, 1);
                case "--entries" -> entries = (int)whole(a, v, 1, 10_000);
                case "--session-length" -> sessionLength = v;
                case "--mix" -> mix = v;
                case "--connections" -> connections = (int)whole(a, v, 1, 10_000);
                case "--threads" -> threads = (int)whole(a, v, 1, 64);
                case "--seed" -> seed = whole(a, v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--json" -> json = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option: " + a + "\n" + USAGE);
            }
        }
        if (!inProcess && nodeJar == null)
        {
            throw new IllegalArgumentException("--node-jar is required (bin/crashfree bench soak passes it)");
        }
        if (json == null)
        {
            json = Path.of("target/soak/soak-" + java.time.LocalDateTime.now().withNano(0).toString()
                .replace(':', '-') + ".json");
        }
        return new SoakOptions(nodeJar, flags, config, minutes != null ? minutes : quick ? 0.8 : 10, rate,
            probeSeconds != null ? probeSeconds : quick ? 8 : 20, rowSeconds != null ? rowSeconds : quick ? 12 : 60,
            projects, releases, environments, users, sdk, aggregateShare, entries,
            sessionLength != null ? sessionLength : quick ? "5..30" : "60..1800", mix, connections, threads, seed,
            quick, json, inProcess);
    }

    /** @return seconds of load at the soak rate. */
    public double seconds()
    {
        return minutes * 60;
    }

    /**
     * @param dsns      one DSN per project.
     * @param prefix    release prefix.
     * @param runId     the load generator's run id.
     * @param token     the node's query token.
     * @return the load generator's options for this soak's workload (without rate, duration and warm-up).
     */
    public List<String> loadgenArgs(final List<String> dsns, final String prefix, final String runId,
        final String token)
    {
        final List<String> args = new ArrayList<>();
        for (final String dsn : dsns)
        {
            args.add("--dsn");
            args.add(dsn);
        }
        args.addAll(List.of("--sdk", sdk, "--envelopes", "mix", "--aggregate-share", Double.toString(aggregateShare),
            "--entries", Integer.toString(entries), "--releases", Integer.toString(releases), "--release-prefix",
            prefix, "--environments", environments, "--users", Integer.toString(users), "--mix", mix,
            "--session-length", sessionLength, "--connections", Integer.toString(connections), "--threads",
            Integer.toString(threads), "--seed", Long.toString(seed), "--run-id", runId, "--token", token,
            "--json", "-", "--quiet"));
        return args;
    }
}
