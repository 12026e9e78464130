package io.crashfree.loadgen.cluster;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) for the cluster tests: the same code as
 * {@code kafka.Kafka} runs, started in the test JVM (about 2 s), or the broker {@code $KAFKA_BOOTSTRAP} names when a
 * script started one. The settings are CLUSTER-FACTS.md's: every internal topic with one replica, no rebalance delay,
 * and a 16 MiB log-cleaner buffer (the default 128 MiB is allocated on the heap at start).
 */
public final class EmbeddedKafka implements AutoCloseable
{
    static
    {
        // The broker's own INFO lines would bury the test's; its warnings stay.
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
    }

    private KafkaRaftServer server;
    private final String bootstrap;
    private final Properties props;

    private EmbeddedKafka(final KafkaRaftServer server, final String bootstrap, final Properties props)
    {
        this.server = server;
        this.bootstrap = bootstrap;
        this.props = props;
    }

    /** Stops the broker (Kafka unreachable until {@link #restart()}); in-JVM brokers only. */
    public void stop()
    {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Starts the broker again on the same ports and log directory. */
    public void restart()
    {
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
    }

    /**
     * @param dir a directory for the broker's log (unused with an external broker).
     * @return {@code $KAFKA_BOOTSTRAP}'s broker, or a new one in this JVM.
     */
    public static EmbeddedKafka startOrExternal(final Path dir) throws IOException
    {
        final String external = System.getenv("KAFKA_BOOTSTRAP");
        if (external != null && !external.isBlank())
        {
            return new EmbeddedKafka(null, external.trim(), null);
        }
        final int port = freePort();
        final int controllerPort = freePort();
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dir.resolve("kafka-logs").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", "16777216");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("background.threads", "2");
        props.put("log.cleaner.backoff.ms", "1000");
        final Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8))
        {
            props.store(w, "crashfree test broker");
        }
        final ByteArrayOutputStream formatOut = new ByteArrayOutputStream();
        final int formatted = StorageTool.execute(new String[] { "format", "--config", config.toString(),
            "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted" },
            new PrintStream(formatOut, true, StandardCharsets.UTF_8));
        if (formatted != 0)
        {
            throw new IllegalStateException("kafka-storage format failed: " + formatOut);
        }
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (true)
        {
            try (Socket s = new Socket("127.0.0.1", port))
            {
                break;
            }
            catch (final IOException notYet)
            {
                if (System.nanoTime() > deadline)
                {
                    server.shutdown();
                    throw new IllegalStateException("the test broker did not listen on " + port);
                }
                try
                {
                    Thread.sleep(50);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
            }
        }
        return new EmbeddedKafka(server, "127.0.0.1:" + port, props);
    }

    /** @return {@code host:port} for {@code cluster.kafka.bootstrap}. */
    public String bootstrap()
    {
        return bootstrap;
    }

    /** @return whether the broker runs in this JVM (so a test may stop it). */
    public boolean embedded()
    {
        return server != null;
    }

    @Override
    public void close()
    {
        if (server != null)
        {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
