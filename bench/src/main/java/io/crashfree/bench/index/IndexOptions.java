package io.crashfree.bench.index;

import io.crashfree.bench.HelpRequested;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.crashfree.bench.OptionValues.fmt;
import static io.crashfree.bench.OptionValues.number;
import static io.crashfree.bench.OptionValues.whole;

/**
 * Settings of the releases-index benchmark, from its command line. The defaults are issue 13's case: 1,000 releases
 * with 14 days of sessions, the index asked with health over 14 days, 25 a page, by a few dashboard clients, first
 * without ingest and then while the load generator sends at half the node's maximum rate.
 *
 * @param nodeJar        the node's shaded jar (child JVM).
 * @param nodeJvmFlags   JVM flags the node needs (the parent pom's {@code crashfree.jvm.flags}).
 * @param config         the node's configuration file (its defaults; the benchmark adds a port, a data directory, a
 *                       read token, the validation window and store size with {@code --set}).
 * @param releases       releases in the history (all in project 1).
 * @param days           days of history, ending now.
 * @param users          the project's user population ({@code did}s).
 * @param registered     every how many releases one is created through the registry API (with commits) before its
 *                       sessions arrive; 0 = none.
 * @param clients        concurrent index clients.
 * @param intervalMs     each client's interval between requests (a fixed schedule; latency counts from the
 *                       scheduled time, so a slow answer delays the next ones' clocks, not the figures); 0 = back to
 *                       back.
 * @param seconds        measured seconds per phase.
 * @param warmupSeconds  unmeasured seconds before each phase.
 * @param rounds         rounds of (without ingest, with ingest); the report gives medians over them.
 * @param perPage        page size of the measured request.
 * @param sorts          the sorts the clients cycle through.
 * @param ingestRate     ingest rate in requests/s during the loaded phase, or 0 to probe the maximum and use half.
 * @param probeSeconds   the closed-loop maximum-rate probe.
 * @param connections    load-generator connections.
 * @param seed           seed of the history and the load.
 * @param jfr            a JFR recording of the node over the whole run, or null.
 * @param quick          a smoke run (its figures measure nothing).
 * @param json           where the JSON report goes.
 * @param nodeSettings   extra {@code key=value} settings for the node ({@code --node-set}), after the benchmark's.
 */
public record IndexOptions(Path nodeJar, List<String> nodeJvmFlags, Path config, int releases, int days, int users,
    int registered, int clients, long intervalMs, double seconds, double warmupSeconds, int rounds, int perPage,
    List<String> sorts, double ingestRate, double probeSeconds, int connections, long seed, Path jfr, boolean quick,
    Path json, List<String> nodeSettings)
{
    /** The sorts of the index (release date, adoption by sessions, crash-free users). */
    public static final List<String> DEFAULT_SORTS = List.of("date", "sessions", "crash_free_users");
    private static final List<String> SORTS = List.of("date", "sessions", "users", "crash_free_sessions",
        "crash_free_users", "adoption", "sessions_24h", "users_24h", "semver");

    /** Usage text. */
    public static final String USAGE = String.join("\n",
        "usage: bin/crashfree bench index [options]",
        "  starts a node (child JVM, the node's JVM flags, ZGC, a temporary data directory, 127.0.0.1 only), fills it",
        "  with RELEASES releases and DAYS days of sessions ('sessions' aggregates, several environments, distinct",
        "  users, crash and error rates by release; some releases created first through the registry API with",
        "  commits), waits for the registry to record them and the flusher to store them, then measures",
        "  GET /api/0/organizations/{org}/releases/?health=1&summaryStatsPeriod=14d&healthStatsPeriod=14d&per_page=N",
        "  &sort=S&project=1 from CLIENTS clients: one cold first request, the whole list's size (per_page=100, every",
        "  page), then ROUNDS rounds of a phase without ingest and a phase with the load generator at half the node's",
        "  maximum rate; prints p50/p90/p99/max per phase and their medians over the rounds",
        "  --releases N           releases (default 1000)",
        "  --days N               days of history (default 14)",
        "  --users N              the project's user population (default 200000)",
        "  --registered N         every Nth release is created through the registry API first (default 5; 0 = none)",
        "  --clients N            concurrent index clients (default 2)",
        "  --interval-ms N        each client's request interval, a fixed schedule (default 1000; 0 = back to back)",
        "  --seconds S            measured seconds per phase (default 20)",
        "  --warmup-seconds S     unmeasured seconds before each phase (default 5)",
        "  --rounds N             rounds of (without ingest, with ingest) (default 3)",
        "  --per-page N           page size of the measured request (default 25)",
        "  --sorts LIST           sorts the clients cycle through (default " + String.join(",", DEFAULT_SORTS) + ")",
        "  --ingest-rate R        ingest requests/s in the loaded phase (default: half the probed maximum)",
        "  --probe-seconds S      closed-loop maximum-rate probe (default 10)",
        "  --connections N        load-generator connections (default 64)",
        "  --seed N               seed of the history and the load (default 1)",
        "  --jfr FILE             record the node with JFR over the whole run (profile=settings)",
        "  --quick                smoke run: 50 releases, 3 days, 1 round of 3 s phases, 3 s probe",
        "  --json FILE            JSON report (default target/index/index-<time>.json)",
        "  --node-set KEY=VALUE   a setting for the node (repeatable), e.g. registry.health.cache.seconds=0",
        "  --node-jar JAR --jvm-flags \"...\" --config FILE   how to start the node (bin/crashfree passes them)");

    /**
     * @param args command line.
     * @return the settings.
     * @throws IllegalArgumentException naming the bad option ({@link HelpRequested} for {@code --help}).
     */
    public static IndexOptions parse(final String... args)
    {
        Path nodeJar = null;
        List<String> flags = List.of();
        Path config = Path.of("conf/crashfree.properties");
        Integer releases = null;
        Integer days = null;
        int users = 200_000;
        int registered = 5;
        int clients = 2;
        long intervalMs = 1000;
        Double seconds = null;
        Double warmup = null;
        Integer rounds = null;
        int perPage = 25;
        List<String> sorts = DEFAULT_SORTS;
        double ingestRate = 0;
        Double probeSeconds = null;
        int connections = 64;
        long seed = 1;
        Path jfr = null;
        boolean quick = false;
        Path json = null;
        final List<String> nodeSettings = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if (a.equals("--help") || a.equals("-h"))
            {
                throw new HelpRequested(USAGE);
            }
            if (a.equals("--quick"))
            {
                quick = true;
                continue;
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
                case "--releases" -> releases = (int)whole(a, v, 1, 100_000);
                case "--days" -> days = (int)whole(a, v, 1, 28);
                case "--users" -> users = (int)whole(a, v, 1, 100_000_000);
                case "--registered" -> registered = (int)whole(a, v, 0, 100_000);
                case "--clients" -> clients = (int)whole(a, v, 1, 64);
                case "--interval-ms" -> intervalMs = whole(a, v, 0, 60_000);
                case "--seconds" -> seconds = number(a, v, 1, 3600);
                case "--warmup-seconds" -> warmup = number(a, v, 0, 600);
                case "--rounds" -> rounds = (int)whole(a, v, 1, 50);
                case "--per-page" -> perPage = (int)whole(a, v, 1, 100);
                case "--sorts" -> sorts = sorts(v);
                case "--ingest-rate" -> ingestRate = number(a, v, 1, 1e8);
                case "--probe-seconds" -> probeSeconds = number(a, v, 2, 600);
                case "--connections" -> connections = (int)whole(a, v, 1, 10_000);
                case "--seed" -> seed = whole(a, v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--jfr" -> jfr = Path.of(v);
                case "--json" -> json = Path.of(v);
                case "--node-set" ->
                {
                    if (v.indexOf('=') <= 0)
                    {
                        throw new IllegalArgumentException("--node-set must be KEY=VALUE: " + v);
                    }
                    nodeSettings.add(v);
                }
                default -> throw new IllegalArgumentException("unknown option: " + a + "\n" + USAGE);
            }
        }
        if (nodeJar == null)
        {
            throw new IllegalArgumentException("--node-jar is required (bin/crashfree bench index passes it)");
        }
        if (json == null)
        {
            json = Path.of("target/index/index-" + java.time.LocalDateTime.now().withNano(0).toString()
                .replace(':', '-') + ".json");
        }
        return new IndexOptions(nodeJar, flags, config, releases != null ? releases : quick ? 50 : 1000,
            days != null ? days : quick ? 3 : 14, users, registered, clients, intervalMs,
            seconds != null ? seconds : quick ? 3 : 20, warmup != null ? warmup : quick ? 1 : 5,
            rounds != null ? rounds : quick ? 1 : 3, perPage, sorts, ingestRate,
            probeSeconds != null ? probeSeconds : quick ? 3 : 10, connections, seed, jfr, quick, json,
            List.copyOf(nodeSettings));
    }

    /**
     * @param org  the organization.
     * @param sort one of {@link #sorts()}.
     * @return the measured request's path and query.
     */
    public String indexPath(final String org, final String sort)
    {
        return pagePath(org, sort, perPage, null);
    }

    /**
     * @param org     the organization.
     * @param sort    the sort.
     * @param perPage the page size.
     * @param cursor  a cursor from a {@code Link} header, or null for the first page.
     * @return the path and query of one page of the index with health over 14 days, project 1.
     */
    public static String pagePath(final String org, final String sort, final int perPage, final String cursor)
    {
        return "/api/0/organizations/" + org + "/releases/?health=1&summaryStatsPeriod=14d&healthStatsPeriod=14d" +
            "&per_page=" + perPage + "&sort=" + sort + "&project=1" + (cursor == null ? "" : "&cursor=" + cursor);
    }

    /** @return a line saying what will run. */
    public String describe()
    {
        return String.format(Locale.ROOT, "%d releases over %d days, %,d users, %s release created through " +
            "the API first; %d client(s) %s, sorts %s, per_page=%d; %d round(s) of %s s (after %s s warm-up) " +
            "without and with ingest%s", releases, days, users,
            registered == 0 ? "no" : "every " + ordinal(registered),
            clients, intervalMs == 0 ? "back to back" : "every " + intervalMs + " ms", String.join(",", sorts),
            perPage, rounds, fmt(seconds), fmt(warmupSeconds), quick ? " (--quick: the figures measure nothing)" : "") +
            (nodeSettings.isEmpty() ? "" : "; node settings " + String.join(" ", nodeSettings));
    }

    private static String ordinal(final int n)
    {
        if (n % 100 / 10 == 1)
        {
            return n + "th";
        }
        return n + (n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th");
    }


    private static List<String> sorts(final String text)
    {
        final List<String> out = new ArrayList<>();
        for (final String s : text.split(","))
        {
            final String sort = s.trim();
            if (!SORTS.contains(sort))
            {
                throw new IllegalArgumentException("--sorts: unknown sort \"" + sort + "\" (one of " +
                    String.join(", ", SORTS) + ")");
            }
            out.add(sort);
        }
        return List.copyOf(out);
    }
}
