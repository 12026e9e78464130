package io.crashfree.loadgen;

import io.crashfree.loadgen.truth.GroundTruth;
import io.crashfree.loadgen.truth.KeyTruth;
import io.crashfree.loadgen.verify.Difference;
import io.crashfree.loadgen.verify.UsersTolerance;
import io.crashfree.loadgen.verify.Verifier;
import io.crashfree.loadgen.verify.VerifyReport;
import io.crashfree.loadgen.workload.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator's ground truth against a real node: small runs of each kind, then every value the sessions API
 * would answer (computed from the node's aggregation side with the query engine's definitions) must equal what the
 * load generator recorded. Populations of 8 users keep every user sketch in the node's exact range, so user counts are
 * compared exactly too. A deliberately wrong answer (another project, or a session the run did not send) must fail.
 */
@Timeout(60)
class GroundTruthTest
{
    private static final UsersTolerance EXACT = new UsersTolerance(0, Long.MAX_VALUE);
    private static final String ALL_OUTCOMES = "healthy:0.4,errored:0.2,crashed:0.2,abnormal:0.1,unhandled:0.1";

    @TempDir
    Path dataDir;

    @Test
    void shouldMatchTheNodeForJavaSdkSessionsOverConnectionClose() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = run(node, "--sdk", "java", "--count", "400", "--connections", "4");
            assertTrue(r.options().gzip() && r.options().close(), "the Java SDK sends gzip and Connection: close");
            assertEquals(400, r.ok(), "every request answered 200");
            assertEquals(400, r.connectsOk(), "one connection per request");
            assertMatches(node, r);
        }
    }

    @Test
    void shouldMatchTheNodeForNodeSdkSessionsOverKeepAlive() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = run(node, "--sdk", "node", "--count", "800", "--connections", "8");
            assertEquals(800, r.ok());
            assertTrue(r.connectsOk() <= 8, "keep-alive reuses its connections: " + r.connectsOk());
            assertMatches(node, r);
        }
    }

    @Test
    void shouldMatchTheNodeForAMixOfAggregatesAndSessions() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = run(node, "--envelopes", "mix", "--aggregate-share", "0.3", "--entries", "20",
                "--entry-sessions", "3", "--count", "400", "--connections", "4", "--gzip");
            assertEquals(400, r.ok());
            assertTrue(r.aggregateEnvelopesOk() > 0 && r.updatesOk() > 0, "both kinds were sent");
            assertEquals(r.updatesOk() + 60 * r.aggregateEnvelopesOk(), r.sessionsOk());
            assertMatches(node, r);
        }
    }

    @Test
    void shouldMatchTheNodeForTwoProjectsMixedSdksAggregatesAndLongSessions() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final String dsn7 = "http://" + LocalNode.KEY_7 + "@127.0.0.1:" + node.node.port() + "/7";
            final RunResult r = run(node, "--dsn", dsn7, "--project-weights", "1,1", "--sdk", "java:0.5,node:0.5",
                "--envelopes", "mix", "--aggregate-share", "0.2", "--entries", "10", "--session-length", "0..2",
                "--rate", "300", "--duration", "4", "--connections", "8");
            assertTrue(r.ok() > 900 && r.rejected() == 0, "answered 200: " + r.ok() + ", other " + r.byStatus());
            assertTrue(r.terminalsPending() > 0, "sessions of up to 2 s still open at the end");
            for (final long project : new long[] {42, 7})
            {
                final List<KeyTruth> keys = r.truth().keys(project);
                assertTrue(keys.size() > 3, "project " + project + " got traffic");
                long crashed = 0;
                for (final KeyTruth k : keys)
                {
                    crashed += k.crashed();
                }
                assertTrue(crashed > 0, "terminal updates arrived for project " + project);
                final VerifyReport report = Verifier.compare(keys, project, releases(r), node.answer(project, true),
                    node.answer(project, false), EXACT);
                assertTrue(report.ok(), "project " + project + ": " + report.text());
            }
        }
    }

    @Test
    void shouldLeaveRejectedRequestsOutOfTheGroundTruth() throws Exception
    {
        // Project 42 may hold 6 names: one environment and 5 releases, so most of 20 releases get 429.
        try (LocalNode node = LocalNode.start(dataDir, Map.of("project.42.limits.names", "6")))
        {
            final RunResult r = run(node, "--releases", "20", "--environments", "production", "--count", "600",
                "--connections", "4");
            assertTrue(r.rejected() > 0, "the project past its names answered 429");
            assertEquals(r.rejected(), r.byStatus().getOrDefault(429, 0L), "all rejections are 429: " + r.byStatus());
            assertEquals(600, r.ok() + r.rejected());
            assertMatches(node, r);
        }
    }

    @Test
    void shouldFailWhenTheAnswerIsAboutAnotherProject() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = run(node, "--count", "300", "--connections", "4");
            final VerifyReport report = Verifier.compare(r.truth().keys(), 7, releases(r), node.answer(7, true),
                node.answer(7, false), EXACT);
            assertFalse(report.ok(), report.text());
            long nonZero = 0;
            for (final KeyTruth k : r.truth().keys())
            {
                for (final Outcome o : Outcome.values())
                {
                    nonZero += (k.sessions(o) != 0 ? 1 : 0) + (k.users(o) != 0 ? 1 : 0);
                }
                nonZero += (k.sessions() != 0 ? 1 : 0) + (k.users() != 0 ? 1 : 0);
            }
            assertEquals(nonZero, report.differences().size(), "every non-zero value is reported missing");
        }
    }

    @Test
    void shouldFailWhenTheNodeCountedASessionTheRunDidNotSend() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = run(node, "--count", "300", "--connections", "4", "--environments", "production");
            final String release = r.options().workload().releases().get(0);
            final long now = System.currentTimeMillis();
            final String ts = io.crashfree.loadgen.workload.Iso8601.format(now);
            final String envelope = "{}\n{\"type\":\"session\"}\n{\"sid\":\"ffffffffffffffffffffffffffffffff\"," +
                "\"did\":\"user-0000000001\",\"init\":true,\"started\":\"" + ts + "\",\"status\":\"crashed\"," +
                "\"errors\":1,\"attrs\":{\"release\":\"" + release + "\",\"environment\":\"production\"}}\n";
            final HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.node.port() + "/api/42/envelope/?sentry_key=" +
                    LocalNode.KEY_42)).POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());

            final VerifyReport report = Verifier.compare(r.truth().keys(), 42, releases(r), node.answer(42, true),
                node.answer(42, false), EXACT);
            assertFalse(report.ok(), report.text());
            final List<String> fields = new ArrayList<>();
            for (final Difference d : report.differences())
            {
                assertEquals(release, d.release(), report.text());
                if ("sum(session)".equals(d.field()))
                {
                    fields.add(d.status() + " " + (long)(d.actual() - d.expected()));
                }
            }
            assertTrue(fields.contains("crashed 1"), report.text());
            assertTrue(fields.contains("null 1"), "the total grew by one: " + report.text());
        }
    }

    private static RunResult run(final LocalNode node, final String... extra) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--dsn", node.dsn(), "--users", "8", "--releases", "3",
            "--environments", "production:2,staging:1,none:1", "--mix", ALL_OUTCOMES, "--seed", "42", "--json", "-",
            "--quiet", "--duration", "30"));
        args.addAll(List.of(extra));
        final RunResult r = Loadgen.run(LoadgenOptions.parse(args.toArray(new String[0])), null);
        assertEquals(0, r.inDoubt(), "every request got an answer");
        return r;
    }

    private static HashSet<String> releases(final RunResult r)
    {
        return new HashSet<>(r.options().workload().releases());
    }

    private static void assertMatches(final LocalNode node, final RunResult r)
    {
        final GroundTruth truth = r.truth();
        assertTrue(truth.sessions() > 0, "the run counted sessions");
        for (final Outcome o : Outcome.values())
        {
            assertTrue(truth.sessions(o) > 0 || o == Outcome.UNHANDLED || o == Outcome.ABNORMAL,
                "the mix produced " + o.statusName() + " sessions");
        }
        final VerifyReport report = Verifier.compare(truth.keys(), 42, releases(r), node.answer(42, true),
            node.answer(42, false), EXACT);
        assertTrue(report.ok(), report.text());
        assertTrue(report.checked() >= truth.keys().size() * 12, "all values compared: " + report.checked());
    }
}
