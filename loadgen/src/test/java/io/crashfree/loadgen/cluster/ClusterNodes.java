package io.crashfree.loadgen.cluster;

import io.crashfree.edge.CrashfreeNode;
import io.crashfree.edge.config.ConfigLoader;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** The settings the cluster tests' nodes share (in-process and child JVMs alike). */
final class ClusterNodes
{
    static final String KEY_42 = "0123456789abcdef0123456789abcdef";
    static final String TOKEN = "cluster-test-read-token";

    private ClusterNodes()
    {
    }

    /**
     * @param bootstrap Kafka.
     * @param topic     the topic (one per test: tests share an external broker).
     * @param dataDir   the node's data directory.
     * @param port      its port (0: any).
     * @return the node's settings.
     */
    static Map<String, String> settings(final String bootstrap, final String topic, final Path dataDir, final int port)
    {
        final Map<String, String> values = new HashMap<>();
        values.put("edge.http.host", "127.0.0.1");
        values.put("edge.http.port", String.valueOf(port));
        values.put("edge.http.event.loop.threads", "1");
        values.put("node.data.dir", dataDir.toString());
        values.put("project.42.keys", KEY_42);
        values.put("query.tokens", TOKEN);
        values.put("query.threads", "1");
        values.put("aggregation.live.memory.megabytes", "16");
        values.put("aggregation.dedup.capacity.per.day", "65536");
        values.put("aggregation.names.capacity", "1024");
        values.put("aggregation.store.entries", "10000");
        values.put("cluster.kafka.bootstrap", bootstrap);
        values.put("cluster.kafka.topic", topic);
        values.put("cluster.kafka.partitions", "4");
        return values;
    }

    static CrashfreeNode start(final String bootstrap, final String topic, final Path dataDir) throws Exception
    {
        return start(bootstrap, topic, dataDir, Map.of());
    }

    static CrashfreeNode start(final String bootstrap, final String topic, final Path dataDir,
        final Map<String, String> extra) throws Exception
    {
        final Map<String, String> values = settings(bootstrap, topic, dataDir, 0);
        values.putAll(extra);
        return CrashfreeNode.start(ConfigLoader.fromMap(values), Clock.systemUTC());
    }

    static String dsn(final int port)
    {
        return "http://" + KEY_42 + "@127.0.0.1:" + port + "/42";
    }
}
