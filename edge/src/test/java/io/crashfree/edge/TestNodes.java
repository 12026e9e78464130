package io.crashfree.edge;

import io.crashfree.aggregation.session.IdHash;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.NodeConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts real nodes on an ephemeral loopback port for tests.
 */
public final class TestNodes
{
    /** Public key of project 42, the project the SDK captures were recorded with. */
    public static final String KEY_42 = "0123456789abcdef0123456789abcdef";
    /** Public key of project 7. */
    public static final String KEY_7 = "77777777777777777777777777777777";

    /** A clock fixed shortly after the SDK captures were taken. */
    public static final Clock CAPTURE_CLOCK = Clock.fixed(java.time.Instant.parse("2026-11-25T11:30:00Z"),
        java.time.ZoneOffset.UTC);

    private TestNodes()
    {
    }

    /**
     * @param dataDir   the node's data directory (a JUnit temp dir).
     * @param sink      where sessions go.
     * @param overrides extra settings.
     * @return a started node with projects 42 and 7.
     */
    public static CrashfreeNode start(final Path dataDir, final SessionSink sink, final Map<String, String> overrides)
        throws InterruptedException
    {
        // Recorded-sink tests send fixed envelopes captured on 2026-11-25: a clock just after the capture keeps them
        // inside validation's 5-day window and away from clock-drift correction, whenever the tests run.
        return CrashfreeNode.start(config(dataDir, overrides), sink, CAPTURE_CLOCK);
    }

    /**
     * @param dataDir   the node's data directory (a JUnit temp dir).
     * @param sink      where sessions go.
     * @param overrides extra settings.
     * @param clock     the node's clock (the real one for tests whose clients send current timestamps).
     * @return a started node with projects 42 and 7.
     */
    public static CrashfreeNode start(final Path dataDir, final SessionSink sink, final Map<String, String> overrides,
        final Clock clock) throws InterruptedException
    {
        return CrashfreeNode.start(config(dataDir, overrides), sink, clock);
    }

    /**
     * @param dataDir   the node's data directory (a JUnit temp dir).
     * @param overrides extra settings.
     * @return a started node with its real aggregation side (small capacities), projects 42 and 7.
     */
    public static CrashfreeNode startAggregating(final Path dataDir, final Map<String, String> overrides)
        throws InterruptedException
    {
        final Map<String, String> values = new HashMap<>(SMALL_AGGREGATION);
        values.putAll(overrides);
        return CrashfreeNode.start(config(dataDir, values), Clock.systemUTC());
    }

    /** Aggregation capacities small enough for tests (files of a few MiB). */
    public static final Map<String, String> SMALL_AGGREGATION = Map.of(
        "aggregation.live.memory.megabytes", "8",
        "aggregation.dedup.capacity.per.day", "65536",
        "aggregation.names.capacity", "1024",
        "aggregation.store.entries", "10000");

    /**
     * @param dataDir   data directory.
     * @param overrides extra settings.
     * @return the test configuration: loopback, ephemeral port, projects 42 and 7.
     */
    public static NodeConfig config(final Path dataDir, final Map<String, String> overrides)
    {
        final Map<String, String> values = new HashMap<>();
        values.put("edge.http.host", "127.0.0.1");
        values.put("edge.http.port", "0");
        values.put("edge.http.event.loop.threads", "2");
        values.put("node.data.dir", dataDir.toString());
        values.put("project.42.name", "captures");
        values.put("project.42.keys", KEY_42);
        values.put("project.7.name", "other");
        values.put("project.7.keys", KEY_7);
        values.putAll(overrides);
        return ConfigLoader.fromMap(values);
    }

    /**
     * @param id an identifier as the SDK sent it.
     * @return the {low, high} hash the edge records for it.
     */
    public static long[] idHash(final String id)
    {
        final IdHash hash = new IdHash(1024);
        final byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, hash.scratch(), 0, bytes.length);
        return hash.hashScratch(bytes.length).clone();
    }
}
