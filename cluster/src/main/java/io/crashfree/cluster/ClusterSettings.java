package io.crashfree.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Cluster mode's settings, parsed from the {@code cluster.*} keys.
 *
 * @param bootstrap         {@code cluster.kafka.bootstrap}: Kafka's bootstrap servers ({@code host:port,…}); empty =
 *                          a single node, exactly as without cluster mode.
 * @param nodeId            {@code cluster.node.id}: this node's name in logs, metrics and Kafka client ids; empty =
 *                          derived from the host name and the data directory's writer id.
 * @param topic             {@code cluster.kafka.topic}: the compacted topic of cumulative partial aggregates.
 * @param partitions        {@code cluster.kafka.partitions}: its partitions when the node creates it.
 * @param replicationFactor {@code cluster.kafka.replication.factor}: its replication factor when the node creates it;
 *                          0 = the broker's {@code default.replication.factor}.
 * @param maxSendsPerCycle  {@code cluster.publish.max.keys.per.cycle}: keys sent per flusher cycle at most (a start
 *                          re-publishes every key, spread over cycles).
 * @param healthLagMaxMs    {@code cluster.health.lag.max.seconds}: a change unpublished, or Kafka silent to the
 *                          consumer, for longer makes {@code /health} say {@code degraded} (still {@code 200}).
 */
public record ClusterSettings(String bootstrap, String nodeId, String topic, int partitions, int replicationFactor,
    int maxSendsPerCycle, long healthLagMaxMs)
{
    private static final Pattern BOOTSTRAP = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}(,[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5})*");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._\\-]{1,249}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._\\-]{0,64}");

    /** The defaults of every key, in the order the README lists them. */
    public static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static
    {
        DEFAULTS.put("cluster.kafka.bootstrap", "");
        DEFAULTS.put("cluster.node.id", "");
        DEFAULTS.put("cluster.kafka.topic", "crashfree-aggregates");
        DEFAULTS.put("cluster.kafka.partitions", "12");
        DEFAULTS.put("cluster.kafka.replication.factor", "0");
        DEFAULTS.put("cluster.publish.max.keys.per.cycle", "20000");
        DEFAULTS.put("cluster.health.lag.max.seconds", "10");
    }

    /** @return whether cluster mode is on. */
    public boolean enabled()
    {
        return !bootstrap.isEmpty();
    }

    /**
     * @param key a configuration key.
     * @return whether this parser owns it.
     */
    public static boolean isOwnKey(final String key)
    {
        return key.startsWith("cluster.");
    }

    /** @return single-node settings (cluster mode off). */
    public static ClusterSettings off()
    {
        return parse(Map.of());
    }

    /**
     * @param values {@code cluster.*} keys and values (missing ones take their defaults).
     * @return the settings.
     * @throws ClusterConfigException naming the first bad key.
     */
    public static ClusterSettings parse(final Map<String, String> values)
    {
        for (final String key : values.keySet())
        {
            if (!DEFAULTS.containsKey(key))
            {
                throw new ClusterConfigException("unknown configuration key: " + key + " (cluster keys: " +
                    String.join(", ", DEFAULTS.keySet()) + ")");
            }
        }
        final Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        values.forEach((k, value) -> v.put(k, value.trim()));
        final String bootstrap = v.get("cluster.kafka.bootstrap");
        if (!bootstrap.isEmpty() && !BOOTSTRAP.matcher(bootstrap).matches())
        {
            throw new ClusterConfigException("bootstrap servers must be host:port[,host:port…]: " +
                "cluster.kafka.bootstrap=" + bootstrap);
        }
        final String nodeId = v.get("cluster.node.id");
        if (!NODE_ID.matcher(nodeId).matches())
        {
            throw new ClusterConfigException("a node id is at most 64 letters, digits, '.', '_' or '-': " +
                "cluster.node.id=" + nodeId);
        }
        final String topic = v.get("cluster.kafka.topic");
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals(".."))
        {
            throw new ClusterConfigException("a Kafka topic name is 1 to 249 letters, digits, '.', '_' or '-': " +
                "cluster.kafka.topic=" + topic);
        }
        return new ClusterSettings(bootstrap, nodeId, topic,
            intValue(v, "cluster.kafka.partitions", 1, 10_000),
            intValue(v, "cluster.kafka.replication.factor", 0, 32),
            intValue(v, "cluster.publish.max.keys.per.cycle", 100, 10_000_000),
            intValue(v, "cluster.health.lag.max.seconds", 1, 86_400) * 1000L);
    }

    private static int intValue(final Map<String, String> v, final String key, final int min, final int max)
    {
        final String value = v.get(key);
        try
        {
            final int n = Integer.parseInt(value);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below with the range
        }
        throw new ClusterConfigException(key + " must be an integer between " + min + " and " + max + ": " + key +
            "=" + value);
    }
}
