package io.crashfree.loadgen.cluster;

import io.crashfree.edge.CrashfreeNode;
import io.crashfree.loadgen.Loadgen;
import io.crashfree.loadgen.LoadgenOptions;
import io.crashfree.loadgen.RunResult;
import io.crashfree.loadgen.verify.SessionsQuery;
import io.crashfree.loadgen.verify.UsersTolerance;
import io.crashfree.loadgen.verify.Verifier;
import io.crashfree.loadgen.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster mode with real parts: a Kafka broker (in this JVM, or {@code $KAFKA_BOOTSTRAP}), three nodes, the load
 * generator spreading its connections over them unevenly (50/30/20), and {@code --verify}'s comparison asked of
 * every node in turn: each answers for the whole cluster, counters exact and users within the sketch's error.
 */
@Timeout(180)
class ClusterVerifyTest
{
    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception
    {
        kafka = EmbeddedKafka.startOrExternal(Files.createDirectories(dir.resolve("kafka")));
    }

    @AfterAll
    static void stopKafka()
    {
        if (kafka != null)
        {
            kafka.close();
        }
    }

    @Test
    void shouldAnswerForTheWholeClusterFromEveryNode() throws Exception
    {
        final String topic = "verify-" + System.nanoTime();
        try (CrashfreeNode a = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("a"));
             CrashfreeNode b = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("b"));
             CrashfreeNode c = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("c")))
        {
            final RunResult run = Loadgen.run(LoadgenOptions.parse(new String[] {
                "--dsn", ClusterNodes.dsn(a.port()),
                "--nodes", "127.0.0.1:" + a.port() + ":0.5,127.0.0.1:" + b.port() + ":0.3,127.0.0.1:" + c.port() + ":0.2",
                "--users", "400", "--releases", "3", "--environments", "production,staging",
                "--mix", "healthy:0.5,errored:0.2,crashed:0.2,abnormal:0.1", "--connections", "10", "--threads", "10",
                "--envelopes", "mix", "--aggregate-share", "0.1", "--entries", "5",
                "--count", "3000", "--duration", "60", "--seed", "11", "--quiet", "--json", "-",
                "--token", ClusterNodes.TOKEN }), null);
            for (final CrashfreeNode node : List.of(a, b, c))
            {
                final VerifyReport report = verifyWithin(run, node.port(), Duration.ofSeconds(15));
                assertTrue(report.ok(), "node " + node.port() + ": " + report.text());
            }
        }
    }

    /**
     * A node killed with {@code kill -9} while the load runs, and restarted on the same files: every node still
     * answers exactly (margins only for requests in flight at the kill, which got no answer). The restart publishes
     * under the same writer id with epochs above the ones before, from the cumulative state that survived in its
     * files, so what it published before the kill is superseded, never added to.
     */
    @Test
    void shouldStayExactWhenANodeIsKilledNineUnderLoadAndRestarted() throws Exception
    {
        final String topic = "kill-" + System.nanoTime();
        final int childPort = EmbeddedKafka.freePort();
        final Map<String, String> childSettings = ClusterNodes.settings(kafka.bootstrap(), topic, dir.resolve("k-c"),
            childPort);
        try (CrashfreeNode a = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("k-a"));
             CrashfreeNode b = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("k-b")))
        {
            final ChildClusterNode[] c = { ChildClusterNode.start(dir, childSettings, childPort) };
            final java.util.concurrent.atomic.AtomicReference<Throwable> restartFailure =
                new java.util.concurrent.atomic.AtomicReference<>();
            final Thread killer = new Thread(() ->
            {
                try
                {
                    Thread.sleep(3_000);
                    c[0].killNine();
                    Thread.sleep(500);
                    c[0] = ChildClusterNode.start(dir, childSettings, childPort);
                }
                catch (final Throwable ex)
                {
                    restartFailure.set(ex);
                }
            }, "killer");
            killer.start();
            try
            {
                final RunResult run = Loadgen.run(LoadgenOptions.parse(new String[] {
                    "--dsn", ClusterNodes.dsn(a.port()),
                    "--nodes", "127.0.0.1:" + a.port() + ":0.4,127.0.0.1:" + b.port() + ":0.3,127.0.0.1:" + childPort +
                    ":0.3", "--users", "300", "--releases", "2", "--environments", "production",
                    "--mix", "healthy:0.5,errored:0.2,crashed:0.2,abnormal:0.1", "--connections", "10",
                    "--threads", "10", "--rate", "400", "--duration", "9", "--timeout-ms", "2000",
                    "--seed", "13", "--quiet", "--json", "-", "--token", ClusterNodes.TOKEN }), null);
                killer.join(60_000);
                assertNull(restartFailure.get(), () -> "restart: " + restartFailure.get());
                for (final int port : new int[] { a.port(), b.port(), childPort })
                {
                    final VerifyReport report = verifyWithin(run, port, Duration.ofSeconds(20));
                    assertTrue(report.ok(), "node " + port + ": " + report.text() + "\nchild:\n" + c[0].output());
                }
            }
            finally
            {
                killer.join(60_000);
                c[0].close();
            }
        }
    }

    /**
     * Records replayed from the topic's beginning and stale ones produced by hand (an older epoch of a writer with
     * far larger counters) change nothing: the highest epoch per (key, writer) wins. And a session split across
     * nodes (init on one, crash on another) counts once in sessions and once in crashed.
     */
    @Test
    void shouldIgnoreReplayedAndStaleRecordsAndCountASplitSessionOnce() throws Exception
    {
        final String topic = "replay-" + System.nanoTime();
        try (CrashfreeNode a = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("r-a"));
             CrashfreeNode b = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("r-b")))
        {
            final long started = System.currentTimeMillis() - 5_000;
            post(a.port(), session("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true, "ok", started));
            post(b.port(), session("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, "crashed", started));
            post(b.port(), session("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", true, "exited", started));
            final String expected = "{\"sum(session)\":2,\"crash_free_rate(session)\":0.5}";
            for (final CrashfreeNode node : List.of(a, b))
            {
                assertEquals(expected, totalsWithin(node.port(), expected, Duration.ofSeconds(15)));
            }
            // Replay everything in the topic (duplicates), and each record again with epoch 1 and inflated sessions.
            final List<byte[]> keys = replay(topic);
            final int replayed = 2 * keys.size();
            assertTrue(replayed > 0, "records to replay");
            Thread.sleep(1_500);
            for (final CrashfreeNode node : List.of(a, b))
            {
                assertEquals(expected, totals(node.port()), "after " + replayed + " replayed and stale records");
                final java.util.UUID self = node.cluster().writerId();
                final long others = keys.stream().filter(k -> !writerOf(k).equals(self)).count();
                assertTrue(others > 0, "the other node's records were replayed too");
                assertTrue(node.cluster().status().staleRecords() >= 2 * others,
                    "every replayed record of the other writer counted stale: " + node.cluster().status());
            }
        }
    }

    /**
     * Kafka unreachable: the node keeps acknowledging and counting locally, {@code /health} answers {@code 200}
     * degraded and {@code /metrics} shows the unpublished keys; when Kafka returns, the node publishes what it held
     * (its cumulative values) and the other node counts every acknowledged session.
     */
    @Test
    void shouldKeepIngestingWhileKafkaIsDownAndCatchUpWhenItReturns() throws Exception
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(kafka.embedded(), "needs a broker this JVM can stop");
        final String topic = "down-" + System.nanoTime();
        final Map<String, String> extra = Map.of("cluster.health.lag.max.seconds", "2");
        try (CrashfreeNode a = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("d-a"), extra);
             CrashfreeNode b = ClusterNodes.start(kafka.bootstrap(), topic, dir.resolve("d-b"), extra))
        {
            final long started = System.currentTimeMillis() - 5_000;
            post(a.port(), session("cccccccccccccccccccccccccccccccc", true, "exited", started));
            final String one = "{\"sum(session)\":1,\"crash_free_rate(session)\":1.0}";
            assertEquals(one, totalsWithin(b.port(), one, Duration.ofSeconds(15)), "before Kafka stops");
            kafka.stop();
            try
            {
                post(a.port(), session("dddddddddddddddddddddddddddddddd", true, "crashed", started));
                final String two = "{\"sum(session)\":2,\"crash_free_rate(session)\":0.5}";
                assertEquals(two, totals(a.port()), "the node counts locally while Kafka is down");
                final String health = awaitBody(a.port(), "/health", "degraded", Duration.ofSeconds(20));
                assertTrue(health.contains("\"status\":\"degraded\""), health);
                final String metrics = awaitBody(a.port(), "/metrics", "crashfree_cluster_unpublished_keys 2",
                    Duration.ofSeconds(5));
                assertTrue(metrics.contains("crashfree_cluster_unpublished_keys 2"), metrics);
                assertEquals(one, totals(b.port()), "the other node cannot know yet");
            }
            finally
            {
                kafka.restart();
            }
            final String two = "{\"sum(session)\":2,\"crash_free_rate(session)\":0.5}";
            assertEquals(two, totalsWithin(b.port(), two, Duration.ofSeconds(40)), "after Kafka returns");
            final String health = awaitBody(a.port(), "/health", "\"ok\"", Duration.ofSeconds(20));
            assertTrue(health.contains("\"status\":\"ok\""), health);
        }
    }

    private static String awaitBody(final int port, final String path, final String wanted, final Duration within)
        throws Exception
    {
        final long deadline = System.nanoTime() + within.toNanos();
        String body;
        do
        {
            body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains(wanted))
            {
                return body;
            }
            Thread.sleep(200);
        }
        while (System.nanoTime() < deadline);
        return body;
    }

    private static java.util.UUID writerOf(final byte[] key)
    {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(key, 40, 16);
        return new java.util.UUID(b.getLong(), b.getLong());
    }

    private static List<byte[]> replay(final String topic) throws Exception
    {
        final Map<String, Object> common = Map.of("bootstrap.servers", kafka.bootstrap());
        final List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        final Map<String, Object> cprops = new java.util.HashMap<>(common);
        cprops.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        cprops.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
            new org.apache.kafka.clients.consumer.KafkaConsumer<>(cprops))
        {
            final List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> parts.add(new org.apache.kafka.common.TopicPartition(topic,
                p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(parts);
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        final Map<String, Object> pprops = new java.util.HashMap<>(common);
        pprops.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        pprops.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
            new org.apache.kafka.clients.producer.KafkaProducer<>(pprops))
        {
            for (final var r : all)
            {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, r.partition(), r.key(),
                    r.value()));
                final byte[] stale = r.value().clone();
                java.nio.ByteBuffer.wrap(stale).putLong(io.crashfree.cluster.PartialDescriptor.EPOCH_OFFSET, 1L);
                final int releaseLength = java.nio.ByteBuffer.wrap(stale).getShort(9) & 0xffff;
                final int envLength = java.nio.ByteBuffer.wrap(stale).getShort(11 + releaseLength) & 0xffff;
                final int aggregate = 13 + releaseLength + envLength;
                java.nio.ByteBuffer.wrap(stale).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(aggregate + 1, 1_000_000);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, r.partition(), r.key(),
                    stale));
            }
            producer.flush();
        }
        return all.stream().map(org.apache.kafka.clients.consumer.ConsumerRecord::key).toList();
    }

    private static String session(final String sid, final boolean init, final String status, final long startedMs)
    {
        return "{}\n{\"type\":\"session\"}\n{\"sid\":\"" + sid + "\",\"did\":\"u-" + sid.charAt(0) + "\",\"init\":" +
            init + ",\"started\":\"" + java.time.Instant.ofEpochMilli(startedMs) + "\",\"status\":\"" + status +
            "\",\"attrs\":{\"release\":\"split@1.0\",\"environment\":\"production\"}}\n";
    }

    private static void post(final int port, final String envelope) throws Exception
    {
        final java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port +
                "/api/42/envelope/?sentry_key=" + ClusterNodes.KEY_42))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(envelope)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    static String totals(final int port) throws Exception
    {
        final java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port +
                "/api/0/organizations/crashfree/sessions/?field=sum(session)&field=crash_free_rate(session)" +
                "&statsPeriod=1h&interval=1h&query=release:split@1.0&includeSeries=0"))
                .header("Authorization", "Bearer " + ClusterNodes.TOKEN).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        final String body = answer.body();
        final int at = body.indexOf("\"totals\":");
        return at < 0 ? body : body.substring(at + 9, body.indexOf('}', at) + 1);
    }

    private static String totalsWithin(final int port, final String expected, final Duration within) throws Exception
    {
        final long deadline = System.nanoTime() + within.toNanos();
        String last;
        do
        {
            last = totals(port);
            if (last.equals(expected))
            {
                return last;
            }
            Thread.sleep(100);
        }
        while (System.nanoTime() < deadline);
        return last;
    }

    /** Asks one node until its answer matches the run's truth, or the deadline passes (the last answer is returned). */
    static VerifyReport verifyWithin(final RunResult run, final int port, final Duration within) throws Exception
    {
        final long deadline = System.nanoTime() + within.toNanos();
        final SessionsQuery query = new SessionsQuery("127.0.0.1", port, run.options().org(), ClusterNodes.TOKEN,
            Duration.ofSeconds(30));
        final long from = Math.min(run.wallStartMs(), run.truth().minStartedMs()) - 60_000;
        final long to = Math.max(run.wallEndMs(), run.truth().maxStartedMs()) + 60_000;
        while (true)
        {
            final VerifyReport report = Verifier.verify(run.truth(), run.options().workload().releases(),
                run.options().workload().environments().size(), query, run.options().projectIds(), from, to,
                UsersTolerance.DEFAULT);
            if (report.ok() || System.nanoTime() > deadline)
            {
                return report;
            }
            Thread.sleep(200);
        }
    }
}
