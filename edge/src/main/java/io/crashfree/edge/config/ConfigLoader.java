package io.crashfree.edge.config;

import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.live.ProjectLimits;
import io.crashfree.cluster.ClusterConfigException;
import io.crashfree.cluster.ClusterSettings;
import io.crashfree.edge.ops.HealthBounds;
import io.crashfree.errors.forward.ForwardSettings;
import io.crashfree.errors.forward.UpstreamDsn;
import io.crashfree.filters.config.FilterConfigException;
import io.crashfree.filters.config.FilterSettings;
import io.crashfree.filters.config.FilterSettingsParser;
import io.crashfree.releases.config.RegistryConfigException;
import io.crashfree.releases.config.RegistrySettings;
import io.crashfree.releases.config.RegistrySettingsParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a node's configuration: a {@code .properties} file of dotted keys plus {@code key=value} overrides, each
 * key checked against the known ones and each value against its range. Control plane: plain and strict.
 */
public final class ConfigLoader
{
    private static final Pattern PROJECT_KEY = Pattern.compile(
        "project\\.([^.]+)\\.(name|keys|limits\\.live\\.share|limits\\.names|limits\\.exactly\\.once\\.per\\.day|" +
        "limits\\.key\\.sessions\\.per\\.second|dashboard\\.crash\\.free\\.users\\.threshold|" +
        "dashboard\\.crash\\.free\\.sessions\\.threshold|upstream\\.dsn)");
    private static final long MEGABYTE = 1L << 20;
    private static final Pattern PUBLIC_KEY = Pattern.compile("[0-9a-f]{32}");

    /** The defaults, the same as the shipped {@code conf/crashfree.properties} minus its project. */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static
    {
        DEFAULTS.put("edge.http.host", "127.0.0.1");
        DEFAULTS.put("edge.http.port", "9400");
        DEFAULTS.put("edge.http.event.loop.threads", "0");
        DEFAULTS.put("edge.http.idle.timeout.seconds", "60");
        DEFAULTS.put("edge.http.header.timeout.seconds", "10");
        DEFAULTS.put("edge.http.body.timeout.seconds", "20");
        DEFAULTS.put("edge.http.body.min.bytes.per.second", "500");
        DEFAULTS.put("edge.http.max.connections", "10000");
        DEFAULTS.put("edge.http.max.connections.per.ip", "1000");
        DEFAULTS.put("edge.http.body.buffer.megabytes", "256");
        DEFAULTS.put("node.data.dir", "./data");
        DEFAULTS.put("node.health.flush.lag.max.seconds", "60");
        DEFAULTS.put("node.health.pressure.max.seconds", "300");
        DEFAULTS.put("limits.body.compressed.max.bytes", "1048576");
        DEFAULTS.put("limits.body.decompressed.max.bytes", "8388608");
        DEFAULTS.put("limits.envelope.session.items", "100");
        DEFAULTS.put("limits.sessions.aggregates", "100");
        DEFAULTS.put("aggregation.bucket.width.seconds", "60");
        DEFAULTS.put("aggregation.live.memory.megabytes", "1024");
        DEFAULTS.put("aggregation.live.max.fill", "0.85");
        DEFAULTS.put("aggregation.dedup.capacity.per.day", "65536");
        DEFAULTS.put("aggregation.names.capacity", "131072");
        DEFAULTS.put("aggregation.project.live.share", "0.5");
        DEFAULTS.put("aggregation.project.names", "20000");
        DEFAULTS.put("aggregation.project.exactly.once.per.day", "50000000");
        DEFAULTS.put("aggregation.store.entries", "250000");
        DEFAULTS.put("dashboard.crash.free.users.threshold", "99.5");
        DEFAULTS.put("dashboard.crash.free.sessions.threshold", "98");
        DEFAULTS.put("aggregation.retention.fine.hours", "48");
        DEFAULTS.put("aggregation.retention.coarse.days", "90");
        DEFAULTS.put("aggregation.flush.quiet.seconds", "120");
        DEFAULTS.put("aggregation.flush.interval.ms", "1000");
        DEFAULTS.put("aggregation.sync.interval.ms", "0");
        DEFAULTS.put("query.tokens", "");
        DEFAULTS.put("query.threads", "2");
        DEFAULTS.put("query.cache.megabytes", "64");
        DEFAULTS.put("ops.metrics.token", "");
        DEFAULTS.put("ops.metrics.host", "");
        DEFAULTS.put("ops.metrics.port", "");
        DEFAULTS.put("forward.spool.max.megabytes", "1024");
        DEFAULTS.put("forward.upstream.timeout.seconds", "10");
        DEFAULTS.put("forward.retry.max.seconds", "60");
    }

    private ConfigLoader()
    {
    }

    /**
     * Loads a file and applies overrides on top.
     *
     * @param file      the properties file, or null for none.
     * @param overrides {@code key -> value} pairs that win over the file.
     * @return the validated configuration.
     * @throws ConfigException naming the key and the problem.
     */
    public static NodeConfig load(final Path file, final Map<String, String> overrides)
    {
        final Map<String, String> values = new TreeMap<>();
        if (file != null)
        {
            if (!Files.isRegularFile(file))
            {
                throw new ConfigException("configuration file not found: " + file);
            }
            final Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
            {
                props.load(reader);
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                throw new ConfigException("cannot read configuration file " + file + ": " + ex.getMessage());
            }
            for (final String name : props.stringPropertyNames())
            {
                values.put(name, props.getProperty(name).trim());
            }
        }
        overrides.forEach((k, v) -> values.put(k, v.trim()));
        return fromMap(values);
    }

    /**
     * Validates a map of settings; missing keys take their defaults.
     *
     * @param values {@code key -> value}.
     * @return the validated configuration.
     * @throws ConfigException naming the key and the problem.
     */
    public static NodeConfig fromMap(final Map<String, String> values)
    {
        final Map<String, String> merged = new HashMap<>(DEFAULTS);
        final Map<Long, String> projectNames = new TreeMap<>();
        final Map<Long, List<String>> projectKeys = new TreeMap<>();
        final Map<String, String> filterValues = new TreeMap<>();
        final Map<Long, Map<String, String>> projectLimitValues = new TreeMap<>();
        final Map<String, String> registryValues = new TreeMap<>();
        final Map<String, String> clusterValues = new TreeMap<>();
        final Map<Long, UpstreamDsn> upstreams = new TreeMap<>();
        for (final Map.Entry<String, String> e : values.entrySet())
        {
            final String key = e.getKey();
            final Matcher m = PROJECT_KEY.matcher(key);
            if (FilterSettingsParser.isOwnKey(key))
            {
                filterValues.put(key, e.getValue());
            }
            else if (RegistrySettingsParser.isOwnKey(key))
            {
                registryValues.put(key, e.getValue());
            }
            else if (ClusterSettings.isOwnKey(key))
            {
                clusterValues.put(key, e.getValue());
            }
            else if (m.matches())
            {
                final long id = projectId(key, m.group(1));
                switch (m.group(2))
                {
                    case "name" -> projectNames.put(id, e.getValue());
                    case "keys" -> projectKeys.put(id, publicKeys(key, e.getValue()));
                    case "upstream.dsn" -> upstreams.put(id, upstreamDsn(key, e.getValue()));
                    default -> projectLimitValues.computeIfAbsent(id, x -> new HashMap<>()).put(key, e.getValue());
                }
            }
            else if (DEFAULTS.containsKey(key))
            {
                merged.put(key, e.getValue());
            }
            else
            {
                throw new ConfigException("unknown configuration key: " + key + " (known keys: " +
                    String.join(", ", DEFAULTS.keySet()) + ", project.<id>.name, project.<id>.keys, " +
                    "project.<id>.limits.*, project.<id>.dashboard.*, project.<id>.upstream.dsn, project.<id>.filters.*, " +
                    "validation.*, registry.organization, " +
                    "repository.<id>.name, repository.<id>.url, auth.token.<id>.value, auth.token.<id>.scopes, " +
                    "notify.users, notify.smtp.*, " + String.join(", ", ClusterSettings.DEFAULTS.keySet()) + ")");
            }
        }

        final List<ProjectConfig> projects = new ArrayList<>();
        final Map<String, Long> owners = new HashMap<>();
        for (final Long id : projectNames.keySet())
        {
            if (!projectKeys.containsKey(id))
            {
                throw new ConfigException("project " + id + " has no keys: set project." + id + ".keys");
            }
        }
        for (final Long id : upstreams.keySet())
        {
            if (!projectKeys.containsKey(id))
            {
                throw new ConfigException("project " + id + " has no keys: set project." + id + ".keys");
            }
        }
        for (final Long id : projectLimitValues.keySet())
        {
            if (!projectKeys.containsKey(id))
            {
                throw new ConfigException("project " + id + " has no keys: set project." + id + ".keys");
            }
        }
        for (final Map.Entry<Long, List<String>> e : projectKeys.entrySet())
        {
            final long id = e.getKey();
            for (final String k : e.getValue())
            {
                final Long other = owners.putIfAbsent(k, id);
                if (other != null)
                {
                    throw new ConfigException("public key " + k + " is configured for projects " + other + " and " +
                        id + ": project." + id + ".keys");
                }
            }
            final Map<String, String> own = projectLimitValues.getOrDefault(id, Map.of());
            final String rateKey = "project." + id + ".limits.key.sessions.per.second";
            final int keyRate = own.containsKey(rateKey) ? intValue(own, rateKey, 0, 100_000_000) : 0;
            // Sentry hard-codes 99.5% / 98%; its users ask to set them per project (the dashboard colours by them).
            final String usersKey = "project." + id + ".dashboard.crash.free.users.threshold";
            final String sessionsKey = "project." + id + ".dashboard.crash.free.sessions.threshold";
            projects.add(new ProjectConfig(id, projectNames.getOrDefault(id, "project-" + id), e.getValue(), keyRate,
                percent(own.containsKey(usersKey) ? own : merged,
                    own.containsKey(usersKey) ? usersKey : "dashboard.crash.free.users.threshold"),
                percent(own.containsKey(sessionsKey) ? own : merged,
                    own.containsKey(sessionsKey) ? sessionsKey : "dashboard.crash.free.sessions.threshold")));
        }

        final FilterSettings filters = filters(filterValues);
        final Path dataDir = Path.of(nonEmpty(merged, "node.data.dir"));
        final int bucketWidth = intValue(merged, "aggregation.bucket.width.seconds", 1, 3600);
        if (3600 % bucketWidth != 0)
        {
            throw new ConfigException("bucket width must divide 3600: aggregation.bucket.width.seconds=" + bucketWidth);
        }
        final int[] liveLayout = AggregationSettings.liveLayout(
            intValue(merged, "aggregation.live.memory.megabytes", 4, 1 << 20) * MEGABYTE);
        final AggregationSettings aggregation = new AggregationSettings(
            dataDir,
            bucketWidth,
            liveLayout[0],
            liveLayout[1],
            powerOfTwo(merged, "aggregation.dedup.capacity.per.day", 1024, 1 << 27),
            powerOfTwo(merged, "aggregation.names.capacity", 16, 1 << 22),
            intValue(merged, "aggregation.store.entries", 1000, Integer.MAX_VALUE),
            intValue(merged, "aggregation.retention.fine.hours", 1, 24 * 365) * 3600L,
            intValue(merged, "aggregation.retention.coarse.days", 1, 3650) * 86_400L,
            intValue(merged, "aggregation.flush.quiet.seconds", 0, 86_400),
            intValue(merged, "aggregation.flush.interval.ms", 10, 3_600_000),
            // One window, one key: validation.started.* (reloadable; the filters drop what is outside it). The
            // aggregation side keeps its day files for the window in force (CrashfreeNode passes reloads on).
            filters.validation().startedMaxAgeMs() / 1000,
            filters.validation().startedMaxFutureMs() / 1000,
            fraction(merged, "aggregation.live.max.fill"),
            intValue(merged, "aggregation.sync.interval.ms", 0, 3_600_000));

        final int maxCompressed = intValue(merged, "limits.body.compressed.max.bytes", 1024, Integer.MAX_VALUE - 8);
        final int maxDecompressed = intValue(merged, "limits.body.decompressed.max.bytes", 1024, 1 << 30);
        return new NodeConfig(
            hostValue(merged, "edge.http.host"),
            intValue(merged, "edge.http.port", 0, 65535),
            intValue(merged, "edge.http.event.loop.threads", 0, 1024),
            intValue(merged, "edge.http.idle.timeout.seconds", 1, 86_400),
            dataDir,
            healthBounds(merged, aggregation),
            maxCompressed,
            Math.max(maxDecompressed, 1024),
            intValue(merged, "limits.envelope.session.items", 1, 10_000),
            intValue(merged, "limits.sessions.aggregates", 1, 10_000),
            List.copyOf(projects),
            aggregation,
            projectLimits(merged, projectLimitValues, projects.size()),
            queryTokens(merged, "query.tokens", owners.keySet()),
            intValue(merged, "query.threads", 1, 64),
            intValue(merged, "query.cache.megabytes", 0, 65_536) * (1L << 20),
            filters,
            Map.copyOf(filterValues),
            connectionLimits(merged),
            opsSettings(merged, owners.keySet()),
            registry(registryValues, owners.keySet()),
            new ForwardSettings(Map.copyOf(upstreams),
                intValue(merged, "forward.spool.max.megabytes", 4, 1 << 20) * MEGABYTE,
                intValue(merged, "forward.upstream.timeout.seconds", 1, 3600) * 1000L,
                intValue(merged, "forward.retry.max.seconds", 1, 86_400) * 1000L,
                aggregation.syncIntervalMs()),
            cluster(clusterValues));
    }

    /** Cluster mode's keys go to its own parser; its first problem stops start-up naming the key. */
    private static ClusterSettings cluster(final Map<String, String> clusterValues)
    {
        try
        {
            return ClusterSettings.parse(clusterValues);
        }
        catch (final ClusterConfigException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
    }

    private static UpstreamDsn upstreamDsn(final String key, final String value)
    {
        try
        {
            return UpstreamDsn.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("an upstream DSN must look like https://<public_key>@host/<project_id> (" +
                ex.getMessage() + "): " + key + "=" + value);
        }
    }

    /**
     * The registry's settings: its keys go to the registry's own parser, whose first problem stops start-up naming
     * the key. Without any {@code auth.token.*} key the development token ({@link DevelopmentDefaults#RELEASE_TOKEN},
     * with {@code project:releases}) is configured, so {@code sentry-cli} works against a fresh node on loopback.
     */
    private static RegistrySettings registry(final Map<String, String> registryValues,
        final java.util.Set<String> publicKeys)
    {
        final Map<String, String> values = new TreeMap<>(registryValues);
        if (values.keySet().stream().noneMatch(k -> k.startsWith("auth.token.")))
        {
            values.put("auth.token.dev.value", DevelopmentDefaults.RELEASE_TOKEN);
            values.put("auth.token.dev.scopes", DevelopmentDefaults.RELEASE_TOKEN_SCOPES);
        }
        for (final Map.Entry<String, String> e : values.entrySet())
        {
            if (e.getKey().startsWith("auth.token.") && e.getKey().endsWith(".value") &&
                publicKeys.contains(e.getValue().trim().toLowerCase(java.util.Locale.ROOT)))
            {
                throw new ConfigException("an API token must not be an ingest key: " + e.getKey() + "=" +
                    e.getValue());
            }
        }
        try
        {
            return RegistrySettingsParser.parse(values);
        }
        catch (final RegistryConfigException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
    }

    private static ConnectionLimits connectionLimits(final Map<String, String> merged)
    {
        final int maxConnections = intValue(merged, "edge.http.max.connections", 1, 10_000_000);
        return new ConnectionLimits(
            intValue(merged, "edge.http.header.timeout.seconds", 1, 86_400),
            intValue(merged, "edge.http.body.timeout.seconds", 1, 86_400),
            intValue(merged, "edge.http.body.min.bytes.per.second", 1, 1 << 30),
            maxConnections,
            intValue(merged, "edge.http.max.connections.per.ip", 1, maxConnections),
            intValue(merged, "edge.http.body.buffer.megabytes", 1, 1 << 20) * MEGABYTE);
    }

    private static OpsSettings opsSettings(final Map<String, String> merged, final java.util.Set<String> publicKeys)
    {
        final String token = merged.get("ops.metrics.token");
        if (!token.isEmpty())
        {
            if (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7F))
            {
                throw new ConfigException("the metrics token must be at least 16 printable characters without " +
                    "spaces: ops.metrics.token=" + token);
            }
            if (publicKeys.contains(token.toLowerCase(java.util.Locale.ROOT)))
            {
                throw new ConfigException("the metrics token must not be an ingest key: ops.metrics.token=" + token);
            }
        }
        final String host = merged.get("ops.metrics.host");
        final boolean separate = !merged.get("ops.metrics.port").isEmpty();
        if (!separate && !host.isEmpty())
        {
            throw new ConfigException("ops.metrics.host needs ops.metrics.port: ops.metrics.host=" + host);
        }
        return new OpsSettings(token,
            host.isEmpty() ? hostValue(merged, "edge.http.host") : hostValue(merged, "ops.metrics.host"),
            separate ? intValue(merged, "ops.metrics.port", 0, 65535) : OpsSettings.NO_SEPARATE_PORT);
    }

    private static HealthBounds healthBounds(final Map<String, String> merged, final AggregationSettings aggregation)
    {
        final String lagKey = "node.health.flush.lag.max.seconds";
        final long lagMs = intValue(merged, lagKey, 1, 86_400) * 1000L;
        if (lagMs < 2L * aggregation.flushIntervalMs())
        {
            throw new ConfigException(lagKey + " must be at least twice aggregation.flush.interval.ms (a healthy " +
                "flusher would look stuck): " + lagKey + "=" + merged.get(lagKey) + ", aggregation.flush.interval.ms=" +
                aggregation.flushIntervalMs());
        }
        return new HealthBounds(lagMs, intValue(merged, "node.health.pressure.max.seconds", 1, 86_400) * 1000L);
    }

    private static ProjectLimits projectLimits(final Map<String, String> merged,
        final Map<Long, Map<String, String>> perProject, final int projectCount)
    {
        // One project alone may use the whole budget; beside others, its share (default half).
        final double share = projectCount <= 1 && !perProjectHasShare(perProject) ? 1.0 :
            fraction(merged, "aggregation.project.live.share");
        final ProjectLimits.Limits defaults = new ProjectLimits.Limits(share,
            intValue(merged, "aggregation.project.names", 2, 1 << 22),
            intValue(merged, "aggregation.project.exactly.once.per.day", 1, Integer.MAX_VALUE));
        final Map<Long, ProjectLimits.Limits> overrides = new HashMap<>();
        for (final Map.Entry<Long, Map<String, String>> e : perProject.entrySet())
        {
            final String prefix = "project." + e.getKey() + ".limits.";
            final Map<String, String> v = e.getValue();
            overrides.put(e.getKey(), new ProjectLimits.Limits(
                v.containsKey(prefix + "live.share") ? fraction(v, prefix + "live.share") : share,
                v.containsKey(prefix + "names") ? intValue(v, prefix + "names", 2, 1 << 22) : defaults.names(),
                v.containsKey(prefix + "exactly.once.per.day") ?
                    intValue(v, prefix + "exactly.once.per.day", 1, Integer.MAX_VALUE) :
                    defaults.exactlyOncePerDay()));
        }
        return new ProjectLimits(defaults, Map.copyOf(overrides));
    }

    private static boolean perProjectHasShare(final Map<Long, Map<String, String>> perProject)
    {
        for (final Map<String, String> v : perProject.values())
        {
            for (final String k : v.keySet())
            {
                if (k.endsWith(".limits.live.share"))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static long projectId(final String key, final String text)
    {
        try
        {
            final long id = Long.parseLong(text);
            if (id > 0)
            {
                return id;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new ConfigException("project id must be a positive integer: " + key);
    }

    private static List<String> publicKeys(final String key, final String value)
    {
        final List<String> keys = new ArrayList<>();
        for (final String part : value.split(","))
        {
            final String k = part.trim().toLowerCase(java.util.Locale.ROOT);
            if (k.isEmpty())
            {
                continue;
            }
            if (!PUBLIC_KEY.matcher(k).matches())
            {
                throw new ConfigException("public keys must be 32 hex characters: " + key + "=" + value);
            }
            keys.add(k);
        }
        if (keys.isEmpty())
        {
            throw new ConfigException("at least one public key is required: " + key + "=" + value);
        }
        return List.copyOf(keys);
    }

    private static int intValue(final Map<String, String> values, final String key, final int min, final int max)
    {
        final String v = values.get(key);
        try
        {
            final long n = Long.parseLong(v);
            if (n >= min && n <= max)
            {
                return (int)n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new ConfigException(key + " must be an integer between " + min + " and " + max + ": " + key + "=" + v);
    }

    /**
     * @param filterValues the keys the filters module owns ({@code validation.*}, {@code project.<id>.filters.*}).
     * @return the compiled filter settings.
     * @throws ConfigException naming the key when a value is bad.
     */
    public static FilterSettings filters(final Map<String, String> filterValues)
    {
        try
        {
            return FilterSettingsParser.parse(filterValues);
        }
        catch (final FilterConfigException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
    }

    /**
     * Reads only the filter keys of a configuration file (for reloading them while the node runs).
     *
     * @param file the configuration file.
     * @return the filter keys and values.
     */
    public static Map<String, String> filterValues(final Path file)
    {
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            props.load(reader);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new ConfigException("cannot read configuration file " + file + ": " + ex.getMessage());
        }
        final Map<String, String> values = new TreeMap<>();
        for (final String name : props.stringPropertyNames())
        {
            if (FilterSettingsParser.isOwnKey(name))
            {
                values.put(name, props.getProperty(name).trim());
            }
        }
        return values;
    }

    private static List<String> queryTokens(final Map<String, String> values, final String key,
        final java.util.Set<String> publicKeys)
    {
        final List<String> tokens = new ArrayList<>();
        for (final String part : values.get(key).split(","))
        {
            final String token = part.trim();
            if (token.isEmpty())
            {
                continue;
            }
            if (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7F))
            {
                throw new ConfigException("read tokens must be at least 16 printable characters without spaces: " +
                    key + "=" + values.get(key));
            }
            if (publicKeys.contains(token.toLowerCase(java.util.Locale.ROOT)))
            {
                throw new ConfigException("a read token must not be an ingest key: " + key + "=" + token);
            }
            tokens.add(token);
        }
        return List.copyOf(tokens);
    }

    private static int powerOfTwo(final Map<String, String> values, final String key, final int min, final int max)
    {
        final int v = intValue(values, key, min, max);
        if (Integer.bitCount(v) != 1)
        {
            throw new ConfigException(key + " must be a power of two: " + key + "=" + v);
        }
        return v;
    }

    private static double fraction(final Map<String, String> values, final String key)
    {
        final String v = values.get(key);
        try
        {
            final double d = Double.parseDouble(v);
            if (d > 0 && d <= 1)
            {
                return d;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new ConfigException(key + " must be a number in (0, 1]: " + key + "=" + v);
    }

    private static double percent(final Map<String, String> values, final String key)
    {
        final String v = values.get(key);
        try
        {
            final double d = Double.parseDouble(v);
            if (d >= 0 && d <= 100)
            {
                return d;
            }
        }
        catch (final NumberFormatException | NullPointerException ignored)
        {
            // reported below
        }
        throw new ConfigException(key + " must be a percentage between 0 and 100: " + key + "=" + v);
    }

    private static String nonEmpty(final Map<String, String> values, final String key)
    {
        final String v = values.get(key);
        if (v == null || v.isBlank())
        {
            throw new ConfigException(key + " must not be empty");
        }
        return v;
    }

    private static String hostValue(final Map<String, String> values, final String key)
    {
        final String v = nonEmpty(values, key);
        if (v.contains(" ") || v.contains("/"))
        {
            throw new ConfigException(key + " must be a host name or IP address: " + key + "=" + v);
        }
        return v;
    }
}
