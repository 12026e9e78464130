package io.crashfree.loadgen;

import io.crashfree.loadgen.verify.UsersTolerance;
import io.crashfree.loadgen.workload.EnvelopeKind;
import io.crashfree.loadgen.workload.SdkStyle;
import io.crashfree.loadgen.workload.WorkloadSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@code bin/crashfree loadgen}, parsed and validated: every bad value stops with a message that
 * names the option and the value. Immutable; {@link #parse} is also how the end-to-end benchmark configures its runs.
 */
public final class LoadgenOptions
{
    /** Usage text. */
    public static final String USAGE = OptionParser.USAGE;

    private final List<Target> targets;
    private final WorkloadSpec workload;
    private final Boolean closeOverride;
    private final Boolean gzipOverride;
    private final int connections;
    private final int threads;
    private final double rate;
    private final double durationSeconds;
    private final long count;
    private final double warmupSeconds;
    private final long timeoutMs;
    private final long seed;
    private final Path json;
    private final boolean quiet;
    private final boolean verify;
    private final String token;
    private final String org;
    private final UsersTolerance usersTolerance;
    private final String runId;
    private final List<java.net.InetSocketAddress> nodes;
    private final double[] nodeWeights;
    private final double verifyWithinSeconds;

    private LoadgenOptions(final OptionParser p) throws LoadgenException
    {
        this.runId = p.runId;
        this.verifyWithinSeconds = p.verifyWithinSeconds;
        this.nodes = new ArrayList<>();
        final List<Double> weights = new ArrayList<>();
        if (p.nodes != null)
        {
            for (final String node : p.nodes.split(","))
            {
                final String[] parts = node.trim().split(":");
                if (parts.length != 3)
                {
                    throw usage("--nodes takes host:port:weight entries separated by commas: " + p.nodes);
                }
                final Target t = Target.parse("http://00000000000000000000000000000000@" + parts[0] + ":" + parts[1] +
                    "/1");
                final double w;
                try
                {
                    w = Double.parseDouble(parts[2]);
                }
                catch (final NumberFormatException ex)
                {
                    throw usage("--nodes: the weight of " + parts[0] + ":" + parts[1] + " is not a number: " + parts[2]);
                }
                if (!(w > 0) || Double.isInfinite(w))
                {
                    throw usage("--nodes: every weight must be positive: " + node);
                }
                nodes.add(t.address());
                weights.add(w);
            }
        }
        this.nodeWeights = weights.stream().mapToDouble(Double::doubleValue).toArray();
        final List<Target> parsed = new ArrayList<>();
        for (final String dsn : p.dsns)
        {
            final Target t = Target.parse(dsn);
            if (!parsed.isEmpty())
            {
                final Target first = parsed.get(0);
                if (!t.address().equals(first.address()))
                {
                    throw usage("every --dsn must name the same node: " + t.baseUrl() + " is not " +
                        first.baseUrl());
                }
                for (final Target other : parsed)
                {
                    if (other.projectId() == t.projectId())
                    {
                        throw usage("--dsn: project " + t.projectId() + " appears twice (one DSN per project)");
                    }
                }
            }
            parsed.add(t);
        }
        this.targets = List.copyOf(parsed);
        this.closeOverride = p.close;
        this.gzipOverride = p.gzip;
        final String prefix = p.releasePrefix == null ? "loadgen-" + runId + "@1." : p.releasePrefix;
        final List<String> releases = new ArrayList<>();
        for (int i = 0; i < p.releases; i++)
        {
            final String name = prefix + i;
            checkName("--release-prefix", name, 200, true);
            releases.add(name);
        }
        for (final String e : p.environments)
        {
            if (e != null)
            {
                checkName("--environments", e, 64, false);
            }
        }
        final long[] projectIds = new long[targets.size()];
        for (int i = 0; i < projectIds.length; i++)
        {
            projectIds[i] = targets.get(i).projectId();
        }
        try
        {
            WorkloadSpec spec = new WorkloadSpec(releases, p.zipf, p.environments, p.environmentWeights, p.users,
                p.outcomeWeights, SdkStyle.NODE, p.envelopes, p.aggregateShare, p.entries, p.entrySessions)
                .withProjects(projectIds, p.projectWeights).withStyles(p.styleWeights);
            if (p.sessionMinMs >= 0)
            {
                spec = spec.withSessionLength(p.sessionMinMs, p.sessionMaxMs);
            }
            this.workload = spec;
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
        this.connections = p.connections;
        this.threads = Math.min(p.threads, p.connections);
        this.rate = p.rate;
        this.count = p.count;
        this.durationSeconds = p.duration > 0 ? p.duration : (p.count > 0 ? 600 : 10);
        if (p.warmup >= durationSeconds)
        {
            throw usage("--warmup must be shorter than --duration: " + p.warmup + " >= " + durationSeconds);
        }
        this.warmupSeconds = p.warmup;
        this.timeoutMs = p.timeoutMs;
        this.seed = p.seed == null ? new SecureRandom().nextLong() : p.seed;
        this.json = "-".equals(p.json) ? null :
            Path.of(p.json == null ? "target/loadgen/loadgen-" + runId + ".json" : p.json);
        this.quiet = p.quiet;
        this.verify = p.verify;
        this.token = p.token != null ? p.token : System.getenv("CRASHFREE_QUERY_TOKEN");
        this.org = p.org;
        this.usersTolerance = new UsersTolerance(p.usersTolerance, p.usersExactBelow);
    }

    /**
     * @param args command-line arguments.
     * @return the validated options.
     * @throws LoadgenException ({@link LoadgenException#USAGE}) naming the bad option and value.
     */
    public static LoadgenOptions parse(final String... args) throws LoadgenException
    {
        final OptionParser p = new OptionParser();
        p.parse(args);
        return new LoadgenOptions(p);
    }

    /** @return the node, the first project and its key. */
    public Target target()
    {
        return targets.get(0);
    }

    /** @return every project's target (same node), by project index of {@link #workload()}. */
    public List<Target> targets()
    {
        return targets;
    }

    /** @return what to send. */
    public WorkloadSpec workload()
    {
        return workload;
    }

    /** @return whether any of the run's requests get their own connection ({@code Connection: close}). */
    public boolean close()
    {
        for (final SdkStyle s : SdkStyle.values())
        {
            if (workload.uses(s) && close(s))
            {
                return true;
            }
        }
        return false;
    }

    /** @return whether any of the run's bodies are gzip-encoded. */
    public boolean gzip()
    {
        for (final SdkStyle s : SdkStyle.values())
        {
            if (workload.uses(s) && gzip(s))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param style an SDK.
     * @return whether its requests say {@code Connection: close} (the SDK's habit unless {@code --connection}).
     */
    public boolean close(final SdkStyle style)
    {
        return closeOverride != null ? closeOverride : style.defaultClose();
    }

    /**
     * @param style an SDK.
     * @return whether its bodies are gzip-encoded (the SDK's habit unless {@code --gzip}/{@code --no-gzip}).
     */
    public boolean gzip(final SdkStyle style)
    {
        return gzipOverride != null ? gzipOverride : style.defaultGzip();
    }

    /** @return {@code --connection}: true for close, false for keep-alive, null for each SDK's habit. */
    public Boolean closeOverride()
    {
        return closeOverride;
    }

    /** @return {@code --gzip} (true), {@code --no-gzip} (false), or null for each SDK's habit. */
    public Boolean gzipOverride()
    {
        return gzipOverride;
    }

    /** @return the project ids, by project index. */
    public long[] projectIds()
    {
        final long[] ids = new long[targets.size()];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = targets.get(i).projectId();
        }
        return ids;
    }

    /** @return concurrent connections. */
    public int connections()
    {
        return connections;
    }

    /** @return client event loops. */
    public int threads()
    {
        return threads;
    }

    /** @return open-loop rate in requests per second, or 0 for closed loop. */
    public double rate()
    {
        return rate;
    }

    /** @return seconds of load. */
    public double durationSeconds()
    {
        return durationSeconds;
    }

    /** @return request limit, or 0 for none. */
    public long count()
    {
        return count;
    }

    /** @return seconds left out of the reported rate and latency. */
    public double warmupSeconds()
    {
        return warmupSeconds;
    }

    /** @return request timeout. */
    public long timeoutMs()
    {
        return timeoutMs;
    }

    /** @return seed of the random choices. */
    public long seed()
    {
        return seed;
    }

    /** @return where the JSON report goes, or null for none. */
    public Path json()
    {
        return json;
    }

    /** @return whether progress lines are suppressed. */
    public boolean quiet()
    {
        return quiet;
    }

    /** @return whether the node's sessions API is checked afterwards. */
    public boolean verify()
    {
        return verify;
    }

    /** @return read token for the sessions API, or null. */
    public String token()
    {
        return token;
    }

    /** @return organization slug of the query path. */
    public String org()
    {
        return org;
    }

    /** @return how far user counts may be off. */
    public UsersTolerance usersTolerance()
    {
        return usersTolerance;
    }

    /** @return the nodes the connections are spread over ({@code --nodes}); empty: all go to the DSN's node. */
    public List<java.net.InetSocketAddress> nodes()
    {
        return List.copyOf(nodes);
    }

    /** @return how long {@code --verify} asks again until the answer matches ({@code --verify-within}), seconds. */
    public double verifyWithinSeconds()
    {
        return verifyWithinSeconds;
    }

    /** @return their weights, in {@link #nodes()} order. */
    public double[] nodeWeights()
    {
        return nodeWeights.clone();
    }

    /** @return this run's id (in default release names and the report's file name). */
    public String runId()
    {
        return runId;
    }

    /** @return a one-line description of the load. */
    public String describe()
    {
        final StringBuilder b = new StringBuilder();
        if (targets.size() > 1)
        {
            b.append(targets.size()).append(" projects ").append(java.util.Arrays.toString(projectIds()))
                .append(" weighted ").append(java.util.Arrays.toString(workload.projectWeights())).append(", ");
        }
        b.append("sdk ").append(workload.describeStyles()).append(", ")
            .append(workload.envelopeKind().name().toLowerCase(Locale.ROOT)).append(" envelopes");
        if (workload.envelopeKind() != EnvelopeKind.SESSION)
        {
            b.append(" (").append(workload.entriesPerEnvelope()).append(" entries × ")
                .append(workload.sessionsPerEntry()).append(" sessions")
                .append(workload.envelopeKind() == EnvelopeKind.MIX ? ", share " + workload.aggregateShare() : "")
                .append(')');
        }
        if (workload.longSessions())
        {
            b.append(", sessions of ").append(workload.sessionMinMs() / 1000.0).append("..")
                .append(workload.sessionMaxMs() / 1000.0).append(" s");
        }
        final String connection = closeOverride != null ? (closeOverride ? "Connection: close" : "keep-alive") :
            close() ? (workload.uses(SdkStyle.NODE) ? "each SDK's connection habit" : "Connection: close") :
                "keep-alive";
        b.append(", ").append(connection).append(gzipOverride != null ? (gzipOverride ? ", gzip" : "") :
            gzip() ? (workload.uses(SdkStyle.NODE) ? ", gzip for java" : ", gzip") : "");
        b.append(", ").append(connections).append(" connections, ").append(threads)
            .append(threads == 1 ? " thread, " : " threads, ")
            .append(rate > 0 ? "open loop at " + Math.round(rate) + " req/s" : "closed loop");
        return b.toString();
    }

    private static void checkName(final String option, final String name, final int maxBytes, final boolean release)
        throws LoadgenException
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > maxBytes)
        {
            throw usage(option + ": names must be 1 to " + maxBytes + " bytes: " + name);
        }
        if (name.equals(".") || name.equals("..") || (release && name.equals("latest")) ||
            (!release && name.equals("none")))
        {
            throw usage(option + ": the node rejects this name: " + name);
        }
        for (final byte b : bytes)
        {
            if (b < 0x21 || b == 0x7F || b == '/' || b == '\\' || b == '"')
            {
                throw usage(option + ": names may not contain spaces, control characters, '/', '\\' or '\"': " + name);
            }
        }
    }

    static LoadgenException usage(final String message)
    {
        return new LoadgenException(LoadgenException.USAGE, message);
    }
}
