package io.crashfree.bench.e2e;

import io.crashfree.bench.HelpRequested;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.crashfree.bench.OptionValues.number;

/**
 * Settings of the end-to-end benchmark, from its command line.
 *
 * @param nodeJar        the node's shaded jar (child JVM), or null with {@code inProcess}.
 * @param nodeJvmFlags   JVM flags the node needs (the parent pom's {@code crashfree.jvm.flags}).
 * @param config         the node's configuration file.
 * @param pairs          node/ceiling pairs per scenario.
 * @param seconds        measured seconds per leg.
 * @param legWarmup      seconds at the start of each leg left out of its figures.
 * @param initialWarmup  seconds of load per target and scenario before the pairs (JIT), not reported.
 * @param connections    load-generator connections.
 * @param threads        load-generator threads.
 * @param serverThreads  event loops of node and ceiling alike.
 * @param users          user population.
 * @param releases       releases.
 * @param scenarios      scenarios to run, in order.
 * @param json           where the JSON report goes.
 * @param inProcess      run node and ceiling inside this JVM (tests).
 * @param versus         what the node is compared with: {@code bare} (the bare Netty ceiling), or
 *                       {@code forwarding-down} / {@code forwarding-slow}: the "node" forwards to an upstream that is
 *                       down (a closed port) or slow (answers after 200 ms), the "ceiling" is the same node without
 *                       forwarding, and both get the same trickle of event envelopes beside the sessions.
 */
public record EndToEndOptions(Path nodeJar, List<String> nodeJvmFlags, Path config, int pairs, double seconds,
    double legWarmup, double initialWarmup, int connections, int threads, int serverThreads, int users, int releases,
    List<Scenario> scenarios, Path json, boolean inProcess, String versus)
{
    /** Usage text. */
    public static final String USAGE = String.join("\n",
        "usage: bin/crashfree bench e2e [options]",
        "  --pairs N             node/ceiling pairs per scenario, alternating (default 4)",
        "  --seconds S           measured seconds per leg (default 10)",
        "  --leg-warmup S        seconds at the start of each leg left out (default 2)",
        "  --initial-warmup S    seconds per target and scenario before the pairs (default 5)",
        "  --connections N       load-generator connections (default 64)",
        "  --threads N           load-generator threads (default 1)",
        "  --server-threads N    event loops of node and ceiling (default: cores)",
        "  --users N             user population (default 10000)",
        "  --releases N          releases (default 20)",
        "  --scenarios LIST      keepalive,close,aggregates,latency (default all, in that order)",
        "  --json FILE           JSON report (default target/e2e/e2e-<time>.json)",
        "  --node-jar JAR --jvm-flags \"...\" --config FILE   how to start the node (bin/crashfree passes them)",
        "  --in-process          node and ceiling inside this JVM (tests only)",
        "  --versus WHAT         bare (default: the bare Netty ceiling), forwarding-down or forwarding-slow (the node",
        "                        forwarding to an upstream that is down or answers after 200 ms, against the same",
        "                        node without forwarding; both get 50 event envelopes/s beside the sessions)");

    /**
     * @param args command line.
     * @return the settings.
     * @throws IllegalArgumentException naming the bad option.
     */
    public static EndToEndOptions parse(final String... args)
    {
        Path nodeJar = null;
        List<String> flags = List.of();
        Path config = Path.of("conf/crashfree.properties");
        int pairs = 4;
        double seconds = 10;
        double legWarmup = 2;
        double initialWarmup = 5;
        int connections = 64;
        int threads = 1;
        int serverThreads = Runtime.getRuntime().availableProcessors();
        int users = 10_000;
        int releases = 20;
        List<Scenario> scenarios = List.of(Scenario.values());
        Path json = null;
        boolean inProcess = false;
        String versus = "bare";
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
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
                case "--pairs" -> pairs = (int)number(a, v, 1, 100);
                case "--seconds" -> seconds = number(a, v, 0.5, 3600);
                case "--leg-warmup" -> legWarmup = number(a, v, 0, 600);
                case "--initial-warmup" -> initialWarmup = number(a, v, 0, 600);
                case "--connections" -> connections = (int)number(a, v, 1, 10_000);
                case "--threads" -> threads = (int)number(a, v, 1, 64);
                case "--server-threads" -> serverThreads = (int)number(a, v, 1, 256);
                case "--users" -> users = (int)number(a, v, 1, 10_000_000);
                case "--releases" -> releases = (int)number(a, v, 1, 10_000);
                case "--json" -> json = Path.of(v);
                case "--versus" ->
                {
                    if (!List.of("bare", "forwarding-down", "forwarding-slow").contains(v))
                    {
                        throw new IllegalArgumentException("--versus: bare, forwarding-down or forwarding-slow: " + v);
                    }
                    versus = v;
                }
                case "--scenarios" ->
                {
                    final List<Scenario> list = new ArrayList<>();
                    for (final String id : v.split(","))
                    {
                        final Scenario s = Scenario.byId(id.trim());
                        if (s == null)
                        {
                            throw new IllegalArgumentException("--scenarios: unknown scenario " + id +
                                " (keepalive, close, aggregates, latency)");
                        }
                        list.add(s);
                    }
                    scenarios = List.copyOf(list);
                }
                default -> throw new IllegalArgumentException("unknown option: " + a + "\n" + USAGE);
            }
        }
        if (!inProcess && nodeJar == null)
        {
            throw new IllegalArgumentException("--node-jar is required (bin/crashfree bench e2e passes it)");
        }
        if (json == null)
        {
            json = Path.of("target/e2e/e2e-" + java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-') +
                ".json");
        }
        return new EndToEndOptions(nodeJar, flags, config, pairs, seconds, legWarmup, initialWarmup, connections,
            threads, serverThreads, users, releases, scenarios, json, inProcess, versus);
    }
}
