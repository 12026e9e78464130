package io.crashfree.edge;

import static io.crashfree.edge.RegistryClient.ORG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode's registry: two in-process nodes with their own data directories, both with
 * {@code registry.database.url} pointing at one real PostgreSQL database. What is written through one node's HTTP API
 * is read through the other's; the same {@code releases new} sent to both at once is created once (one 201, one 208);
 * when PostgreSQL ends the nodes' connections, one request per node answers an error and the next ones work.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RegistryOnPostgresNodesTest
{
    private static final String WRITE = "ci-release-token-0123456789";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    private String schemaUrl;
    private CrashfreeNode nodeA;
    private CrashfreeNode nodeB;
    private RegistryClient a;
    private RegistryClient b;

    @BeforeEach
    void start() throws Exception
    {
        schemaUrl = PostgresForTests.freshSchema();
        final Map<String, String> settings = Map.of("registry.database.url", schemaUrl,
            "auth.token.ci.value", WRITE, "auth.token.ci.scopes", "org:read, project:read, project:releases");
        nodeA = TestNodes.startAggregating(dirA, settings);
        nodeB = TestNodes.startAggregating(dirB, settings);
        a = new RegistryClient(nodeA.port());
        b = new RegistryClient(nodeB.port());
    }

    @AfterEach
    void stop() throws Exception
    {
        a.close();
        b.close();
        nodeA.close();
        nodeB.close();
        PostgresForTests.dropSchema(schemaUrl);
    }

    @Test
    void shouldReadThroughOneNodeTheReleaseCommitsAuthorsAndDeploysWrittenThroughAnother() throws Exception
    {
        expect(201, a.call("POST", ORG + "/releases/", WRITE, "{\"version\":\"app@1.0\",\"projects\":[\"captures\"]}"));
        expect(200, a.call("PUT", ORG + "/releases/app@1.0/", WRITE, "{\"commits\":[" +
            "{\"id\":\"c2\",\"repository\":\"origin\",\"message\":\"Fix crash on start\"," +
            "\"timestamp\":\"2026-11-30T13:05:00Z\",\"author_name\":\"Dev One\",\"author_email\":\"dev@example.com\"," +
            "\"patch_set\":[{\"path\":\"src/main.c\",\"type\":\"M\"},{\"path\":\"b.txt\",\"type\":\"A\"}]}," +
            "{\"id\":\"c1\",\"repository\":\"origin\",\"message\":\"Start\",\"timestamp\":\"2026-11-30T13:04:00Z\"," +
            "\"author_name\":\"Dev Two\",\"author_email\":\"two@example.com\"," +
            "\"patch_set\":[{\"path\":\"old.txt\",\"type\":\"D\"}]}]}"));
        expect(200, a.call("PUT", ORG + "/releases/app@1.0/", WRITE, "{\"dateReleased\":\"2026-11-30T14:00:00Z\"}"));
        expect(201, a.call("POST", ORG + "/releases/app@1.0/deploys/", WRITE,
            "{\"environment\":\"production\",\"name\":\"deploy 7\",\"dateFinished\":\"2026-11-30T15:00:30Z\"}"));

        final JsonNode release = b.get(ORG + "/releases/app@1.0/", WRITE);
        assertEquals(2, release.get("commitCount").asInt(), release.toString());
        assertEquals(1, release.get("deployCount").asInt(), release.toString());
        assertEquals("2026-11-30T14:00:00Z", release.get("dateReleased").asText());
        final List<String> authors = new ArrayList<>();
        release.get("authors").forEach(x -> authors.add(x.get("email").asText()));
        assertEquals(List.of("dev@example.com", "two@example.com"), authors);
        final JsonNode commits = b.get(ORG + "/releases/app@1.0/commits/", WRITE);
        assertEquals(2, commits.size());
        assertEquals("c2", commits.get(0).get("id").asText());
        assertEquals("Dev One", commits.get(0).get("author").get("name").asText());
        assertEquals(3, b.get(ORG + "/releases/app@1.0/commitfiles/", WRITE).size());
        final JsonNode deploys = b.get(ORG + "/releases/app@1.0/deploys/", WRITE);
        assertEquals("production", deploys.get(0).get("environment").asText());
        assertEquals(a.snapshot(WRITE), b.snapshot(WRITE), "both nodes answer the same registry");

        expect(208, b.call("POST", ORG + "/releases/", WRITE, "{\"version\":\"app@1.0\",\"projects\":[\"other\"]}"));
        final JsonNode linked = a.get(ORG + "/releases/app@1.0/", WRITE);
        assertEquals(2, linked.get("projects").size(), "a project linked through B, seen through A");
    }

    @Test
    void shouldCreateOnceWhenBothNodesGetTheSameReleasesNewAtOnce() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            for (int i = 0; i < 10; i++)
            {
                final String body = "{\"version\":\"app@2." + i + "\",\"projects\":[\"captures\"]}";
                final CyclicBarrier barrier = new CyclicBarrier(2);
                final List<Future<Integer>> answers = new ArrayList<>();
                for (final RegistryClient client : List.of(a, b))
                {
                    answers.add(pool.submit(() ->
                    {
                        barrier.await(30, TimeUnit.SECONDS);
                        return client.call("POST", ORG + "/releases/", WRITE, body).status();
                    }));
                }
                final List<Integer> statuses = new ArrayList<>();
                for (final Future<Integer> answer : answers)
                {
                    statuses.add(answer.get(60, TimeUnit.SECONDS));
                }
                assertEquals(List.of(201, 208), statuses.stream().sorted().toList(), body + ": " + statuses);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        assertEquals(10, b.get(ORG + "/releases/", WRITE).size());
    }

    @Test
    void shouldAnswerAnErrorThenServeAgainWhenPostgresqlEndsTheNodesConnections() throws Exception
    {
        expect(201, a.call("POST", ORG + "/releases/", WRITE, "{\"version\":\"app@3.0\",\"projects\":[\"captures\"]}"));
        // what a PostgreSQL restart does to the nodes' connections: the server ends them
        PostgresForTests.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE application_name = 'crashfree-registry'");
        // each node's next request meets its ended connection and answers an error; the one after that reconnects
        // (nothing else in these nodes uses the registry meanwhile: no sessions, so no sightings or adoption looks)
        expect(500, a.call("GET", ORG + "/releases/app@3.0/", WRITE, null));
        expect(200, a.call("GET", ORG + "/releases/app@3.0/", WRITE, null));
        expect(500, b.call("GET", ORG + "/releases/app@3.0/", WRITE, null));
        expect(208, b.call("POST", ORG + "/releases/", WRITE, "{\"version\":\"app@3.0\",\"projects\":[\"other\"]}"));
    }

    private static void expect(final int status, final RawHttp.Response response)
    {
        assertEquals(status, response.status(), response.body());
    }
}
