package io.crashfree.loadgen;

import io.crashfree.loadgen.verify.UsersTolerance;
import io.crashfree.loadgen.workload.EnvelopeKind;
import io.crashfree.loadgen.workload.Outcome;
import io.crashfree.loadgen.workload.SdkStyle;
import io.crashfree.loadgen.workload.WorkloadSpec;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The command line's syntax: every option with its default, read into plain fields that {@link LoadgenOptions}
 * then validates as a whole. Unknown options, missing values and malformed numbers stop here, naming the option.
 */
final class OptionParser
{
    /** Usage text. */
    static final String USAGE = String.join("\n",
        "usage: bin/crashfree loadgen [options]",
        "",
        "target",
        "  --dsn URL               node and key, http://<key>@<host>:<port>/<project> (default " +
            Target.DEFAULT_DSN + ");",
        "                          the host must be 127.0.0.1, ::1 or localhost. Repeat it for several projects of one",
        "                          node (same host and port, one DSN per project): the traffic is split between them",
        "  --project-weights LIST  with several --dsn: each project's share, in --dsn order, e.g. 3,1,1 (default even)",
        "  --verify-within S       cluster mode: ask again until the answer matches or S seconds passed (other",
        "                          nodes' sessions arrive within the flush interval plus Kafka's round trip)",
        "  --nodes LIST            cluster mode: spread the connections over these nodes by weight, e.g.",
        "                          127.0.0.1:9401:0.5,127.0.0.1:9402:0.3,127.0.0.1:9403:0.2 (the --dsn node is the one",
        "                          --verify asks: any node of a cluster answers for all of them)",
        "traffic",
        "  --sdk java|node|java:W,node:W   wire format of the SDK imitated, or a mix of both with weights per session",
        "                          and aggregate envelope, e.g. java:0.5,node:0.5 (default node)",
        "                            java: X-Sentry-Auth, gzip, Connection: close, item lengths, init update on its",
        "                                  own, crashed/abnormal terminal update sent twice",
        "                            node: key in the query string, chunked, keep-alive, one request per healthy session",
        "  --session-length MIN..MAX   long sessions: send each session's init update when it starts and its terminal",
        "                          update (exited, or crashed/abnormal/unhandled/errored per --mix) MIN..MAX seconds",
        "                          later (uniform), with the same started; e.g. 60..1800. Terminal updates still due",
        "                          when the run ends are not sent (and not counted). Without it sessions end at once",
        "  --connection keep-alive|close   override the SDK's connection handling",
        "  --gzip | --no-gzip      override the SDK's body encoding",
        "  --envelopes session|sessions|mix   single-session updates, 'sessions' aggregates, or both (default session)",
        "  --aggregate-share F     with mix: share of envelopes that are aggregates (default 0.1)",
        "  --entries N             entries per aggregate envelope (default 100)",
        "  --entry-sessions N      sessions per aggregate entry (default 1)",
        "  --releases N            number of releases, Zipf-distributed (default 20)",
        "  --zipf S                Zipf exponent (default 1.0; 0 = uniform)",
        "  --release-prefix P      release names are P0, P1, ... (default loadgen-<run id>@1.)",
        "  --environments LIST     name[:weight],... ; 'none' sends no environment (default production:0.9,staging:0.1)",
        "  --users N               user population, did = user-<n> (default 10000)",
        "  --mix LIST              outcome weights (default healthy:0.93,errored:0.04,crashed:0.02,abnormal:0.005," +
            "unhandled:0.005)",
        "load",
        "  --connections N         concurrent connections, one request in flight each (default 64)",
        "  --threads N             client event loops (default 1)",
        "  --rate R                open loop at R requests/s, latency from the intended send time; 0 or absent =",
        "                          closed loop at the maximum rate",
        "  --duration S            seconds of load (default 10, or 600 with --count)",
        "  --count N               stop after N requests",
        "  --warmup S              leave the first S seconds out of the reported rate and latency",
        "  --timeout-ms N          abandon a request without an answer after N ms (default 10000)",
        "  --seed N                seed of the random choices (default random)",
        "  --run-id ID             this run's name in release names and the report (default random, 6 hex digits)",
        "report",
        "  --json FILE             write the report as JSON (default target/loadgen/loadgen-<run id>.json; '-' = none)",
        "  --quiet                 no progress lines",
        "verify",
        "  --verify                afterwards, compare the node's sessions API with what it acknowledged",
        "  --token T               read token for the sessions API (or CRASHFREE_QUERY_TOKEN)",
        "  --org SLUG              organization slug of the query path (default crashfree)",
        "  --users-tolerance F     relative error allowed on user counts, plus one user (default 0.02; 0 = exact)",
        "  --users-exact-below N   user counts below N must be exact (default 0: the node's HLL union is an",
        "                          estimate once one release/environment/minute had more than 16 users)",
        "",
        "exit codes: 0 done (and verified), 1 verify found differences, 2 bad options, 3 cannot reach the node,",
        "            4 the node rejected the key or the query token, 5 the node answered unlike an ingest endpoint");

    private static final String DEFAULT_MIX = "healthy:0.93,errored:0.04,crashed:0.02,abnormal:0.005,unhandled:0.005";
    private static final String DEFAULT_ENVIRONMENTS = "production:0.9,staging:0.1";

    private static final Set<String> VALUE_OPTIONS = Set.of("--dsn", "--project-weights", "--sdk",
        "--session-length", "--connection",
        "--envelopes", "--aggregate-share", "--entries", "--entry-sessions", "--releases", "--zipf", "--release-prefix",
        "--environments", "--users", "--mix", "--connections", "--threads", "--rate", "--duration", "--count",
        "--warmup", "--timeout-ms", "--seed", "--json", "--token", "--org", "--users-tolerance", "--users-exact-below",
        "--run-id", "--nodes", "--verify-within");

    List<String> dsns = new ArrayList<>();
    String nodes;
    double verifyWithinSeconds;
    double[] projectWeights;
    double[] styleWeights;
    long sessionMinMs = -1;
    long sessionMaxMs = -1;
    Boolean close;
    Boolean gzip;
    EnvelopeKind envelopes = EnvelopeKind.SESSION;
    double aggregateShare = 0.1;
    int entries = WorkloadSpec.MAX_ENTRIES;
    int entrySessions = 1;
    int releases = 20;
    double zipf = 1.0;
    String releasePrefix;
    List<String> environments = new ArrayList<>();
    double[] environmentWeights;
    int users = 10_000;
    double[] outcomeWeights;
    int connections = 64;
    int threads = 1;
    double rate;
    double duration;
    long count;
    double warmup;
    long timeoutMs = 10_000;
    Long seed;
    String json;
    boolean quiet;
    boolean verify;
    String token;
    String org = "crashfree";
    double usersTolerance = UsersTolerance.DEFAULT.relative();
    long usersExactBelow = UsersTolerance.DEFAULT.exactBelow();
    String runId = Long.toHexString(new SecureRandom().nextLong() & 0xFFFFFFL | 0x1000000L).substring(1);

    /**
     * @param args the command line.
     * @throws LoadgenException ({@link LoadgenException#USAGE}) naming the bad option; exit code 0 for --help.
     */
    void parse(final String[] args) throws LoadgenException
    {
        String environmentsText = DEFAULT_ENVIRONMENTS;
        String mixText = DEFAULT_MIX;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--gzip":
                    gzip = true;
                    continue;
                case "--no-gzip":
                    gzip = false;
                    continue;
                case "--quiet":
                    quiet = true;
                    continue;
                case "--verify":
                    verify = true;
                    continue;
                case "--help":
                case "-h":
                    throw new LoadgenException(0, USAGE);
                default:
                    break;
            }
            if (!VALUE_OPTIONS.contains(a))
            {
                throw LoadgenOptions.usage("unknown option: " + a + " (see --help)");
            }
            if (i + 1 >= args.length)
            {
                throw LoadgenOptions.usage(a + " needs a value");
            }
            final String v = args[++i];
            switch (a)
            {
                case "--nodes":
                    nodes = v;
                    break;
                case "--verify-within":
                    verifyWithinSeconds = decimal("--verify-within", v, 0, 3600);
                    break;
                case "--dsn":
                    dsns.add(v);
                    break;
                case "--project-weights":
                    projectWeights = weights(a, v);
                    break;
                case "--sdk":
                    styleWeights = parseSdk(v);
                    break;
                case "--session-length":
                    parseSessionLength(v);
                    break;
                case "--connection":
                    close = switch (v)
                    {
                        case "close" -> true;
                        case "keep-alive" -> false;
                        default -> throw LoadgenOptions.usage("--connection must be keep-alive or close: " + v);
                    };
                    break;
                case "--envelopes":
                    envelopes = EnvelopeKind.parse(v);
                    if (envelopes == null)
                    {
                        throw LoadgenOptions.usage("--envelopes must be session, sessions or mix: " + v);
                    }
                    break;
                case "--aggregate-share":
                    aggregateShare = fraction(a, v);
                    break;
                case "--entries":
                    entries = (int)integer(a, v, 1, 10_000);
                    break;
                case "--entry-sessions":
                    entrySessions = (int)integer(a, v, 1, 1_000);
                    break;
                case "--releases":
                    releases = (int)integer(a, v, 1, 100_000);
                    break;
                case "--zipf":
                    zipf = decimal(a, v, 0, 10);
                    break;
                case "--release-prefix":
                    releasePrefix = v;
                    break;
                case "--environments":
                    environmentsText = v;
                    break;
                case "--users":
                    users = (int)integer(a, v, 1, 100_000_000);
                    break;
                case "--mix":
                    mixText = v;
                    break;
                case "--connections":
                    connections = (int)integer(a, v, 1, 20_000);
                    break;
                case "--threads":
                    threads = (int)integer(a, v, 1, 256);
                    break;
                case "--rate":
                    rate = decimal(a, v, 0, 1e8);
                    break;
                case "--duration":
                    duration = decimal(a, v, 0.001, 86_400);
                    break;
                case "--count":
                    count = integer(a, v, 1, Long.MAX_VALUE);
                    break;
                case "--warmup":
                    warmup = decimal(a, v, 0, 86_400);
                    break;
                case "--timeout-ms":
                    timeoutMs = integer(a, v, 1, 3_600_000);
                    break;
                case "--seed":
                    seed = integer(a, v, Long.MIN_VALUE, Long.MAX_VALUE);
                    break;
                case "--json":
                    json = v;
                    break;
                case "--token":
                    token = v;
                    break;
                case "--org":
                    if (!v.matches("[A-Za-z0-9][A-Za-z0-9_-]*"))
                    {
                        throw LoadgenOptions.usage("--org must be a slug (letters, digits, '-', '_'): " + v);
                    }
                    org = v;
                    break;
                case "--users-tolerance":
                    usersTolerance = fraction(a, v);
                    break;
                case "--users-exact-below":
                    usersExactBelow = integer(a, v, 0, Long.MAX_VALUE);
                    break;
                case "--run-id":
                    if (!v.matches("[A-Za-z0-9_-]{1,32}"))
                    {
                        throw LoadgenOptions.usage("--run-id must be 1 to 32 letters, digits, '-' or '_': " + v);
                    }
                    runId = v;
                    break;
                default:
                    throw new IllegalStateException("option without a case: " + a);
            }
        }
        parseEnvironments(environmentsText);
        parseMix(mixText);
        if (dsns.isEmpty())
        {
            dsns.add(Target.DEFAULT_DSN);
        }
        if (projectWeights == null)
        {
            projectWeights = new double[dsns.size()];
            Arrays.fill(projectWeights, 1.0);
        }
        else if (projectWeights.length != dsns.size())
        {
            throw LoadgenOptions.usage("--project-weights needs one weight per --dsn: " + projectWeights.length +
                " weights, " + dsns.size() + " DSNs");
        }
        if (styleWeights == null)
        {
            styleWeights = new double[SdkStyle.values().length];
            styleWeights[SdkStyle.NODE.ordinal()] = 1;
        }
    }

    private static double[] parseSdk(final String text) throws LoadgenException
    {
        final double[] weights = new double[SdkStyle.values().length];
        for (final String part : text.split(","))
        {
            final String p = part.trim();
            final int colon = p.indexOf(':');
            final String name = colon < 0 ? p : p.substring(0, colon);
            final SdkStyle style = switch (name)
            {
                case "java" -> SdkStyle.JAVA;
                case "node" -> SdkStyle.NODE;
                default -> throw LoadgenOptions.usage("--sdk must be java, node or a mix such as java:0.5,node:0.5: " +
                    text);
            };
            if (weights[style.ordinal()] != 0)
            {
                throw LoadgenOptions.usage("--sdk: " + name + " appears twice: " + text);
            }
            weights[style.ordinal()] = colon < 0 ? 1.0 : decimal("--sdk", p.substring(colon + 1), 0, 1e9);
        }
        if (Arrays.stream(weights).sum() <= 0)
        {
            throw LoadgenOptions.usage("--sdk: at least one weight must be positive: " + text);
        }
        return weights;
    }

    private void parseSessionLength(final String text) throws LoadgenException
    {
        final int dots = text.indexOf("..");
        final double min = decimal("--session-length", dots < 0 ? text : text.substring(0, dots), 0, 86_400);
        final double max = dots < 0 ? min : decimal("--session-length", text.substring(dots + 2), 0, 86_400);
        if (max < min)
        {
            throw LoadgenOptions.usage("--session-length MIN..MAX needs MIN <= MAX (seconds): " + text);
        }
        sessionMinMs = Math.round(min * 1000);
        sessionMaxMs = Math.round(max * 1000);
    }

    private static double[] weights(final String option, final String text) throws LoadgenException
    {
        final String[] parts = text.split(",");
        final double[] weights = new double[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            weights[i] = decimal(option, parts[i].trim(), 0, 1e9);
        }
        if (Arrays.stream(weights).sum() <= 0)
        {
            throw LoadgenOptions.usage(option + ": at least one weight must be positive: " + text);
        }
        return weights;
    }

    private void parseEnvironments(final String text) throws LoadgenException
    {
        final String[] parts = text.split(",");
        environmentWeights = new double[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            final String part = parts[i].trim();
            final int colon = part.lastIndexOf(':');
            final String name = colon < 0 ? part : part.substring(0, colon);
            environmentWeights[i] = colon < 0 ? 1.0 : decimal("--environments", part.substring(colon + 1), 0, 1e9);
            if (name.isEmpty())
            {
                throw LoadgenOptions.usage("--environments: empty name in " + text);
            }
            final String env = name.equals("none") ? null : name;
            if (environments.contains(env))
            {
                throw LoadgenOptions.usage("--environments: " + name + " appears twice");
            }
            environments.add(env);
        }
        if (Arrays.stream(environmentWeights).sum() <= 0)
        {
            throw LoadgenOptions.usage("--environments: at least one weight must be positive: " + text);
        }
    }

    private void parseMix(final String text) throws LoadgenException
    {
        outcomeWeights = new double[Outcome.values().length];
        for (final String part : text.split(","))
        {
            final String p = part.trim();
            final int colon = p.indexOf(':');
            if (colon < 0)
            {
                throw LoadgenOptions.usage("--mix entries are status:weight, e.g. crashed:0.02: " + p);
            }
            final Outcome o = Outcome.byStatusName(p.substring(0, colon));
            if (o == null)
            {
                throw LoadgenOptions.usage("--mix: unknown status " + p.substring(0, colon) +
                    " (healthy, errored, crashed, abnormal, unhandled)");
            }
            outcomeWeights[o.ordinal()] = decimal("--mix", p.substring(colon + 1), 0, 1e9);
        }
        if (Arrays.stream(outcomeWeights).sum() <= 0)
        {
            throw LoadgenOptions.usage("--mix: at least one weight must be positive: " + text);
        }
    }

    private static long integer(final String option, final String value, final long min, final long max)
        throws LoadgenException
    {
        final long v;
        try
        {
            v = Long.parseLong(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw LoadgenOptions.usage(option + " must be an integer: " + value);
        }
        if (v < min || v > max)
        {
            throw LoadgenOptions.usage(option + " must be between " + min + " and " + max + ": " + value);
        }
        return v;
    }

    private static double decimal(final String option, final String value, final double min, final double max)
        throws LoadgenException
    {
        final double v;
        try
        {
            v = Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw LoadgenOptions.usage(option + " must be a number: " + value);
        }
        if (!(v >= min && v <= max))
        {
            throw LoadgenOptions.usage(option + " must be between " + min + " and " + max + ": " + value);
        }
        return v;
    }

    private static double fraction(final String option, final String value) throws LoadgenException
    {
        return decimal(option, value, 0, 1);
    }
}
