package io.crashfree.loadgen;

import io.crashfree.loadgen.verify.SessionsQuery;
import io.crashfree.loadgen.verify.UsersTolerance;
import io.crashfree.loadgen.verify.Verifier;
import io.crashfree.loadgen.verify.VerifyReport;
import io.crashfree.loadgen.workload.Iso8601;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --verify} end to end: a small run against a real node, then the node's own sessions API
 * ({@code GET /api/0/organizations/{org}/sessions/}) must agree with the ground truth; asking about another project,
 * or a node that counted a session the run did not send, must fail; a wrong token is a clear error.
 */
@Timeout(60)
class VerifyTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldPassVerifyAgainstTheNodesSessionsApi() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final List<String> args = args(node, "--sdk", "java", "--count", "300");
            args.add("--json");
            args.add(dataDir.resolve("report.json").toString());
            args.add("--verify");
            assertEquals(0, LoadgenMain.run(args.toArray(new String[0])), "exit code of a verified run");
            assertTrue(java.nio.file.Files.readString(dataDir.resolve("report.json")).contains("\"ok\" : true"));

            final RunResult r = Loadgen.run(LoadgenOptions.parse(args(node, "--sdk", "node", "--count", "500",
                "--envelopes", "mix", "--entries", "10").toArray(new String[0])), null);
            final VerifyReport report = Loadgen.verify(r);
            assertTrue(report.ok(), report.text());
        }
    }

    @Test
    void shouldVerifyEveryProjectOfAMixedRunWithLongSessions() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = Loadgen.run(LoadgenOptions.parse(args(node, "--dsn", "http://" + LocalNode.KEY_7 +
                "@127.0.0.1:" + node.node.port() + "/7", "--project-weights", "3,1", "--sdk", "java:1,node:2",
                "--envelopes", "mix", "--aggregate-share", "0.2", "--entries", "5", "--session-length", "0.5..2",
                "--rate", "200", "--duration", "3").toArray(new String[0])), null);
            final VerifyReport report = Loadgen.verify(r);
            assertTrue(report.ok(), report.text());
            assertEquals(r.truth().keys().size() * 12, report.checked(), "both projects' keys compared");
            assertTrue(r.truth().keys(7).size() > 0 && r.truth().keys(42).size() > 0, "both projects got traffic");
        }
    }

    @Test
    void shouldFailVerifyWhenAskingAboutAnotherProject() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = Loadgen.run(LoadgenOptions.parse(args(node, "--count", "200").toArray(new String[0])),
                null);
            final SessionsQuery query = new SessionsQuery("127.0.0.1", node.node.port(), "crashfree", LocalNode.TOKEN,
                Duration.ofSeconds(10));
            final VerifyReport report = Verifier.verify(r.truth().keys(), r.options().workload().releases(), 3, query, 7,
                r.wallStartMs() - 60_000, r.wallEndMs() + 60_000, UsersTolerance.DEFAULT);
            assertFalse(report.ok(), report.text());
            assertTrue(report.differences().size() > 10, report.text());
        }
    }

    @Test
    void shouldFailVerifyWhenTheNodeCountedASessionTheRunDidNotSend() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final RunResult r = Loadgen.run(LoadgenOptions.parse(args(node, "--count", "200", "--environments",
                "production").toArray(new String[0])), null);
            final String release = r.options().workload().releases().get(1);
            final String envelope = "{}\n{\"type\":\"session\"}\n{\"sid\":\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\"," +
                "\"init\":true,\"started\":\"" + Iso8601.format(System.currentTimeMillis()) + "\",\"status\":" +
                "\"abnormal\",\"attrs\":{\"release\":\"" + release + "\",\"environment\":\"production\"}}\n";
            final HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.node.port() + "/api/42/envelope/?sentry_key=" +
                    LocalNode.KEY_42)).POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());

            final VerifyReport report = Loadgen.verify(r);
            assertFalse(report.ok(), report.text());
            assertTrue(report.text().contains("release=" + release + " environment=production " +
                "session.status=abnormal sum(session): expected"), report.text());
        }
    }

    @Test
    void shouldSayWhenTheNodeRefusesTheQueryToken() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final List<String> args = args(node, "--count", "50");
            args.set(args.indexOf(LocalNode.TOKEN), "not-the-token");
            final RunResult r = Loadgen.run(LoadgenOptions.parse(args.toArray(new String[0])), null);
            final LoadgenException ex = assertThrows(LoadgenException.class, () -> Loadgen.verify(r));
            assertEquals(LoadgenException.REJECTED, ex.exitCode());
            assertTrue(ex.getMessage().contains("refused the query token"), ex.getMessage());
        }
    }

    private static List<String> args(final LocalNode node, final String... extra)
    {
        final List<String> args = new ArrayList<>(List.of("--dsn", node.dsn(), "--users", "8", "--releases", "3",
            "--environments", "production,staging,none", "--mix",
            "healthy:0.4,errored:0.2,crashed:0.2,abnormal:0.1,unhandled:0.1", "--connections", "4", "--seed", "7",
            "--json", "-", "--quiet", "--token", LocalNode.TOKEN, "--users-exact-below", "1000000"));
        args.addAll(List.of(extra));
        if (!args.contains("--duration"))
        {
            args.addAll(List.of("--duration", "30"));
        }
        return args;
    }
}
