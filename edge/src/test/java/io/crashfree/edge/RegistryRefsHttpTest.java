package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.crashfree.edge.RegistryClient.ORG;
import static io.crashfree.edge.RegistryClient.detail;
import static io.crashfree.edge.RegistryClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commit ranges ({@code refs}, what {@code sentry-cli set-commits --auto} and {@code --commit repo@from..to} send)
 * resolved by the node's JGit over HTTP from repositories the test makes: with a {@code previousCommit}; without one,
 * from the previous release's last commit in that repository (the baseline); with no baseline, the latest 20 commits;
 * an unknown commit refused with nothing written. Each test uses its own project, so that "the previous release" of one
 * test is never another's (one node for the class).
 */
@Timeout(60)
class RegistryRefsHttpTest
{
    private static final String WRITE = "ci-release-token-0123456789";

    @TempDir
    static Path dir;
    static TestGitRepository app;
    static TestGitRepository lib;
    static CrashfreeNode node;
    static RegistryClient client;

    @BeforeAll
    static void start() throws Exception
    {
        app = TestGitRepository.init(dir.resolve("app"));
        for (int n = 1; n <= 25; n++)
        {
            if (n == 14)
            {
                app.delete("f3.txt");
            }
            else
            {
                app.commit(n % 5 == 0 ? "f1.txt" : "f" + n + ".txt", "version " + n + "\n");
            }
        }
        lib = TestGitRepository.init(dir.resolve("lib"));
        lib.commit("lib.txt", "1\n");
        lib.commit("lib.txt", "2\n");
        final Map<String, String> settings = new HashMap<>(Map.of(
            "auth.token.ci.value", WRITE, "auth.token.ci.scopes", "org:read, project:releases",
            "repository.app.name", "acme/app", "repository.app.url", app.path().toString(),
            "repository.lib.name", "acme/lib", "repository.lib.url", lib.path().toString()));
        for (int p = 1; p <= 4; p++)
        {
            settings.put("project." + (100 + p) + ".name", "refs-" + p);
            settings.put("project." + (100 + p) + ".keys", String.valueOf(p).repeat(32));
        }
        node = TestNodes.start(dir.resolve("data"), new RecordingSessionSink(), settings, Clock.systemUTC());
        client = new RegistryClient(node.port());
    }

    @AfterAll
    static void stop() throws Exception
    {
        client.close();
        node.close();
        app.close();
        lib.close();
    }

    @Test
    void shouldTakeTheCommitsAfterThePreviousCommitUpToTheCommit() throws Exception
    {
        create("range@1.0", "refs-1");
        final JsonNode release = setRefs("range@1.0", ref("acme/app", app.sha(15), app.sha(11)));
        assertEquals(app.newestFirst(12, 15), ids("range@1.0"), "previousCommit excluded, commit included");
        assertEquals(4, release.get("commitCount").asInt());
        assertEquals(app.sha(15), release.get("lastCommit").get("id").asText());
        assertEquals("acme/app", release.get("lastCommit").get("repository").get("name").asText());
        assertEquals(2, release.get("authors").size(), release.toString());

        // files changed from each commit's diff: commit 14 deleted f3.txt, commit 15 modified f1.txt
        final List<String> files = new ArrayList<>();
        for (final JsonNode file : client.get(path("range@1.0") + "commitfiles/", WRITE))
        {
            files.add(file.get("type").asText() + ' ' + file.get("filename").asText() + ' ' +
                file.get("commitId").asText());
        }
        assertEquals(List.of("M f1.txt " + app.sha(15), "D f3.txt " + app.sha(14), "A f13.txt " + app.sha(13),
            "A f12.txt " + app.sha(12)), files);
        final JsonNode newest = client.get(path("range@1.0") + "commits/", WRITE).get(0);
        assertEquals("commit 15: f1.txt", newest.get("message").asText());
        assertEquals("dev@example.com", newest.get("author").get("email").asText());
    }

    @Test
    void shouldStartAfterThePreviousReleasesLastCommitInThatRepository() throws Exception
    {
        // releases finalized in the past: the ones created now come after them
        create("base@1.0", "refs-2");
        setRefs("base@1.0", ref("acme/app", app.sha(8), app.sha(6)));
        finalize("base@1.0", "2020-01-01T14:00:00Z");
        create("base@1.1", "refs-2");
        assertEquals(app.sha(8), client.get(path("base@1.1") + "previous-with-commits/", WRITE)
            .get("lastCommit").get("id").asText());
        setRefs("base@1.1", ref("acme/app", app.sha(12), null));
        assertEquals(app.newestFirst(9, 12), ids("base@1.1"), "baseline: base@1.0's last commit in acme/app");

        // a third release after a finalized second: its baseline moves on
        finalize("base@1.1", "2020-01-02T14:00:00Z");
        create("base@1.2", "refs-2");
        setRefs("base@1.2", ref("acme/app", app.sha(13), null), ref("acme/lib", lib.sha(2), lib.sha(1)));
        assertEquals(List.of(app.sha(13), lib.sha(2)), ids("base@1.2"),
            "acme/app after base@1.1's last commit; acme/lib after its previousCommit; newest first across both");
    }

    @Test
    void shouldTakeTheLatestTwentyCommitsWithoutABaseline() throws Exception
    {
        create("fresh@1.0", "refs-3");
        final JsonNode release = setRefs("fresh@1.0", ref("acme/app", "main", null));
        assertEquals(app.newestFirst(6, 25), ids("fresh@1.0"), "no previous release: the latest 20");
        assertEquals(20, release.get("commitCount").asInt());

        // a previous release whose commits are all in another repository is no baseline for acme/app
        finalize("fresh@1.0", "2020-01-01T14:00:00Z");
        setRefs("fresh@1.0", ref("acme/lib", lib.sha(2), null));
        create("fresh@1.1", "refs-3");
        setRefs("fresh@1.1", ref("acme/app", app.sha(22), null));
        assertEquals(app.newestFirst(3, 22), ids("fresh@1.1"), "no commit of fresh@1.0 in acme/app: the latest 20");
    }

    @Test
    void shouldRefuseAnUnknownCommitAndWriteNothing() throws Exception
    {
        create("bad@1.0", "refs-4");
        setRefs("bad@1.0", ref("acme/app", app.sha(5), app.sha(3)));
        final String before = client.snapshot(WRITE);
        final String[][] rows = {
            { ref("acme/app", "0123456789abcdef0123456789abcdef01234567", null),
                "refs[0]: unknown commit in repository acme/app: 0123456789abcdef0123456789abcdef01234567" },
            { ref("acme/app", "no-such-branch", null), "refs[0]: unknown commit in repository acme/app: no-such-branch" },
            { ref("acme/app", app.sha(9), "fedcba9876543210fedcba9876543210fedcba98"),
                "refs[0]: unknown previous commit in repository acme/app" },
            { ref("acme/lib", lib.sha(2), null) + ',' + ref("acme/lib", app.sha(9), null),
                "refs[1]: unknown commit in repository acme/lib: " + app.sha(9) },
        };
        for (final String[] row : rows)
        {
            final RawHttp.Response refused = client.call("PUT", path("bad@1.0"), WRITE, "{\"refs\":[" + row[0] + "]}");
            assertEquals(400, refused.status(), row[0] + ": " + refused.body());
            assertTrue(detail(refused).startsWith(row[1]), detail(refused));
            assertEquals(before, client.snapshot(WRITE), row[0] + " changed the registry");
        }
        assertEquals(app.newestFirst(4, 5), ids("bad@1.0"));
    }

    private static void create(final String version, final String project) throws Exception
    {
        final RawHttp.Response r = client.call("POST", ORG + "/releases/", WRITE,
            "{\"version\":\"" + version + "\",\"projects\":[\"" + project + "\"]}");
        assertEquals(201, r.status(), r.body());
    }

    private static void finalize(final String version, final String dateReleased) throws Exception
    {
        final RawHttp.Response r = client.call("PUT", path(version), WRITE,
            "{\"dateReleased\":\"" + dateReleased + "\"}");
        assertEquals(200, r.status(), r.body());
    }

    private static JsonNode setRefs(final String version, final String... refs) throws Exception
    {
        final RawHttp.Response r = client.call("PUT", path(version), WRITE,
            "{\"refs\":[" + String.join(",", refs) + "]}");
        assertEquals(200, r.status(), r.body());
        return json(r);
    }

    private static String ref(final String repository, final String commit, final String previousCommit)
    {
        return "{\"repository\":\"" + repository + "\",\"commit\":\"" + commit + '"' +
            (previousCommit == null ? "" : ",\"previousCommit\":\"" + previousCommit + '"') + '}';
    }

    private static List<String> ids(final String version) throws Exception
    {
        final List<String> ids = new ArrayList<>();
        for (final JsonNode commit : client.get(path(version) + "commits/", WRITE))
        {
            ids.add(commit.get("id").asText());
        }
        return ids;
    }

    private static String path(final String version)
    {
        return ORG + "/releases/" + version + '/';
    }
}
