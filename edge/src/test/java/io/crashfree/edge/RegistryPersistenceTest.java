package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.crashfree.edge.RegistryClient.ORG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's acknowledged writes survive a real {@code kill -9} of a child JVM node and a graceful restart: every
 * release field, commit, file changed, author and deploy that the node answered 2xx for is read back, through the
 * API, from a node restarted on the same data directory.
 */
@Timeout(120)
class RegistryPersistenceTest
{
    private static final String WRITE = "ci-release-token-0123456789";
    private static final String READ = "ro-release-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedWriteAcrossKillNineAndARestart() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final int port = ChildNode.freePort();
        final Map<String, String> settings;
        final String expected;
        try (TestGitRepository repo = TestGitRepository.init(dir.resolve("app")))
        {
            repo.commit("a.txt", "a\n");
            repo.commit("src/b.txt", "b\n");
            repo.commit("a.txt", "a2\n");
            repo.delete("src/b.txt");
            settings = settings(repo.path());

            final ChildNode first = ChildNode.start(dir, dataDir, port, settings);
            try (RegistryClient client = new RegistryClient(port))
            {
                ok(client, 201, "POST", ORG + "/releases/", "{\"version\":\"app@1.0\",\"projects\":[\"captures\"]," +
                    "\"dateStarted\":\"2026-11-30T10:00:00Z\",\"url\":\"https://ci/builds/1\",\"ref\":\"v1.0\"}");
                ok(client, 200, "PUT", ORG + "/releases/app@1.0/", "{\"commits\":[" +
                    "{\"id\":\"c2\",\"repository\":\"origin\",\"message\":\"Fix crash on start\\n\\nFixes CF-12\\n\"," +
                    "\"timestamp\":\"2026-11-30T13:05:00Z\",\"author_name\":\"Dev One\"," +
                    "\"author_email\":\"dev@example.com\",\"patch_set\":[{\"path\":\"b.txt\",\"type\":\"A\"}," +
                    "{\"path\":\"src\\\\main.c\",\"type\":\"M\"}]}," +
                    "{\"id\":\"c1\",\"repository\":\"origin\",\"message\":\"Start\",\"timestamp\":\"2026-11-30T13:04:00Z\"," +
                    "\"author_name\":\"Dev Two\",\"author_email\":\"two@example.com\"," +
                    "\"patch_set\":[{\"path\":\"old.txt\",\"type\":\"D\"}]}]}");
                ok(client, 200, "PUT", ORG + "/releases/app@1.0/",
                    "{\"projects\":[\"captures\"],\"dateReleased\":\"2026-11-30T14:00:00Z\"}");
                ok(client, 201, "POST", ORG + "/releases/app@1.0/deploys/", "{\"environment\":\"staging\"," +
                    "\"name\":\"deploy 6\",\"dateStarted\":\"2026-11-30T14:10:00Z\",\"dateFinished\":\"2026-11-30T14:10:30Z\"}");
                ok(client, 201, "POST", ORG + "/releases/app@1.0/deploys/", "{\"environment\":\"production\"," +
                    "\"name\":\"deploy 7\",\"url\":\"https://ci/7\",\"dateStarted\":\"2026-11-30T15:00:00Z\"," +
                    "\"dateFinished\":\"2026-11-30T15:00:30Z\"}");
                ok(client, 201, "POST", "/api/0/projects/crashfree/other/releases/", "{\"version\":\"app@1.1\"}");
                ok(client, 200, "PUT", ORG + "/releases/app@1.1/", "{\"refs\":[{\"repository\":\"acme/app\"," +
                    "\"commit\":\"" + repo.sha(4) + "\",\"previousCommit\":\"" + repo.sha(1) + "\"}]}");
                ok(client, 201, "POST", ORG + "/releases/", "{\"version\":\"app@0.9\",\"projects\":[\"captures\"]}");
                ok(client, 208, "POST", ORG + "/releases/", "{\"version\":\"app@0.9\",\"projects\":[]," +
                    "\"status\":\"archived\"}");
                ok(client, 201, "POST", ORG + "/releases/", "{\"version\":\"app@0.8\",\"projects\":[\"captures\"]}");
                ok(client, 204, "DELETE", ORG + "/releases/app@0.8/", null);
                // what the node acknowledged, read back through the API (reads write nothing), then kill -9
                expected = client.snapshot(READ);
            }
            assertTrue(first.kill(), "kill -9 right after the acknowledgements");
        }

        final ChildNode second = ChildNode.start(dir, dataDir, port, settings);
        try (RegistryClient client = new RegistryClient(port))
        {
            assertEquals(expected, client.snapshot(READ), "every acknowledged write after kill -9");
            final JsonNode release = client.get(ORG + "/releases/app@1.0/", READ);
            assertEquals("2026-11-30T14:00:00Z", release.get("dateReleased").asText());
            assertEquals("2026-11-30T10:00:00Z", release.get("dateStarted").asText());
            assertEquals("https://ci/builds/1", release.get("url").asText());
            assertEquals("v1.0", release.get("ref").asText());
            assertEquals(2, release.get("commitCount").asInt());
            assertEquals("c2", release.get("lastCommit").get("id").asText());
            assertEquals(2, release.get("authors").size());
            assertEquals(2, release.get("deployCount").asInt());
            assertEquals("deploy 7", release.get("lastDeploy").get("name").asText());
            assertEquals("2026-11-30T15:00:30Z", release.get("lastDeploy").get("dateFinished").asText());
            assertEquals(List.of("c2", "c1"), ids(client.get(ORG + "/releases/app@1.0/commits/", READ), "id"));
            assertEquals(List.of("b.txt", "src/main.c", "old.txt"),
                ids(client.get(ORG + "/releases/app@1.0/commitfiles/", READ), "filename"));
            assertEquals(List.of("production", "staging"),
                ids(client.get(ORG + "/releases/app@1.0/deploys/", READ), "environment"));
            assertEquals(3, client.get(ORG + "/releases/app@1.1/", READ).get("commitCount").asInt(),
                "the range resolved from the repository");
            assertEquals(3, client.get(ORG + "/releases/app@1.1/commitfiles/", READ).size());
            assertEquals("archived", client.get(ORG + "/releases/app@0.9/", READ).get("status").asText());
            assertEquals(404, client.call("GET", ORG + "/releases/app@0.8/", READ, null).status(), "stays deleted");
        }
        assertEquals(0, second.stop(), "SIGTERM is a graceful stop");

        final ChildNode third = ChildNode.start(dir, dataDir, port, settings);
        try (third; RegistryClient client = new RegistryClient(port))
        {
            assertEquals(expected, client.snapshot(READ), "and after a graceful restart");
        }
    }

    /**
     * Writers create releases, set their commits and record deploys as fast as the node answers; the node is killed
     * mid-stream. Every step it acknowledged is there after the restart (a step in flight may or may not be).
     */
    @Test
    void shouldKeepEveryAcknowledgedWriteOfAStreamCutByKillNine() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final int port = ChildNode.freePort();
        final Map<String, String> settings = settings(null);
        final ChildNode first = ChildNode.start(dir, dataDir, port, settings);
        final int writers = 2;
        final Map<String, Integer> acked = new ConcurrentHashMap<>(); // version -> steps acknowledged (1..3)
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch going = new CountDownLatch(writers * 10);
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++)
        {
            final int writer = w;
            final Thread thread = new Thread(() -> write(port, writer, acked, stop, going), "registry-writer-" + w);
            threads.add(thread);
            thread.start();
        }
        assertTrue(going.await(60, TimeUnit.SECONDS), "the writes never got going");
        assertTrue(first.kill(), "kill -9 mid-stream");
        stop.set(true);
        for (final Thread thread : threads)
        {
            thread.join(20_000);
        }
        assertTrue(acked.size() >= writers * 10, "acknowledged releases: " + acked.size());
        System.out.println("registry kill -9 test: " + acked.size() + " releases acknowledged, " +
            acked.values().stream().filter(steps -> steps == 3).count() + " of them with commits and a deploy");

        try (ChildNode second = ChildNode.start(dir, dataDir, port, settings);
            RegistryClient client = new RegistryClient(second.port()))
        {
            for (final Map.Entry<String, Integer> e : acked.entrySet())
            {
                final String version = e.getKey();
                final int steps = e.getValue();
                final RawHttp.Response r = client.call("GET", ORG + "/releases/" + version + '/', READ, null);
                assertEquals(200, r.status(), version + " was acknowledged: " + r.body());
                final JsonNode release = RegistryClient.json(r);
                if (steps >= 2)
                {
                    assertEquals(3, release.get("commitCount").asInt(), version + ": acknowledged commits");
                    assertEquals(List.of(version + "-c3", version + "-c2", version + "-c1"),
                        ids(client.get(ORG + "/releases/" + version + "/commits/", READ), "id"));
                    assertEquals(2, release.get("authors").size(), version);
                }
                if (steps >= 3)
                {
                    assertEquals(1, release.get("deployCount").asInt(), version + ": acknowledged deploy");
                    assertEquals("production", release.get("lastDeploy").get("environment").asText());
                }
            }
        }
    }

    /** One writer's stream: create, set three commits, deploy; each acknowledged step recorded. */
    private static void write(final int port, final int writer, final Map<String, Integer> acked,
        final AtomicBoolean stop, final CountDownLatch going)
    {
        int n = 0;
        try (RegistryClient client = new RegistryClient(port))
        {
            while (!stop.get())
            {
                final String version = "w" + writer + "@" + (n++);
                final String path = ORG + "/releases/" + version + '/';
                if (client.call("POST", ORG + "/releases/", WRITE, "{\"version\":\"" + version +
                    "\",\"projects\":[\"captures\"]}").status() != 201)
                {
                    return;
                }
                acked.put(version, 1);
                final StringBuilder commits = new StringBuilder("{\"commits\":[");
                for (int c = 3; c >= 1; c--)
                {
                    commits.append(c == 3 ? "" : ",").append("{\"id\":\"").append(version).append("-c").append(c)
                        .append("\",\"timestamp\":\"2026-11-30T13:0").append(c).append(":00Z\",\"author_email\":\"")
                        .append(c == 2 ? "two" : "dev").append("@example.com\",\"patch_set\":[{\"path\":\"f")
                        .append(c).append(".txt\",\"type\":\"A\"}]}");
                }
                if (client.call("PUT", path, WRITE, commits.append("]}").toString()).status() != 200)
                {
                    return;
                }
                acked.put(version, 2);
                if (client.call("POST", path + "deploys/", WRITE, "{\"environment\":\"production\"}").status() != 201)
                {
                    return;
                }
                acked.put(version, 3);
                going.countDown();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the node was killed: the stream ends here
        }
    }

    private static Map<String, String> settings(final Path repository)
    {
        final Map<String, String> settings = new HashMap<>();
        settings.put("project.42.name", "captures");
        settings.put("project.7.name", "other");
        settings.put("auth.token.ci.value", WRITE);
        settings.put("auth.token.ci.scopes", "org:read, project:releases");
        settings.put("auth.token.ro.value", READ);
        settings.put("auth.token.ro.scopes", "org:read");
        if (repository != null)
        {
            settings.put("repository.app.name", "acme/app");
            settings.put("repository.app.url", repository.toString());
        }
        return settings;
    }

    private static void ok(final RegistryClient client, final int status, final String method, final String path,
        final String body) throws IOException
    {
        final RawHttp.Response r = client.call(method, path, WRITE, body);
        assertEquals(status, r.status(), method + ' ' + path + ": " + r.body());
    }

    private static List<String> ids(final JsonNode array, final String field)
    {
        final List<String> values = new ArrayList<>();
        for (final JsonNode item : array)
        {
            values.add(item.get(field).asText());
        }
        return values;
    }
}
