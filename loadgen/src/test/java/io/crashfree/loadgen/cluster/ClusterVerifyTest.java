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
