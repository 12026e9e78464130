package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static io.crashfree.edge.RegistryClient.ORG;
import static io.crashfree.edge.RegistryClient.detail;
import static io.crashfree.edge.RegistryClient.encode;
import static io.crashfree.edge.RegistryClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input to the registry's routes over real HTTP, one row each: the status, a JSON {@code detail}
 * naming the problem, and the registry exactly as it was (every release, its commits, files changed and deploys, and
 * the project-scoped lists, read through the API before and after). One node for the class, holding a finalized
 * release with commits and a deploy, a release whose commits came from a configured repository, and a configured
 * repository that is not a git repository.
 */
@Timeout(60)
class RegistryBadInputTest
{
    private static final String WRITE = "ci-release-token-0123456789";
    private static final String READ = "ro-release-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static CrashfreeNode node;
    static RegistryClient client;
    static TestGitRepository repo;

    /**
     * One bad request.
     *
     * @param name          what is wrong.
     * @param method        HTTP method.
     * @param path          path.
     * @param authorization the {@code Authorization} header value, or null.
     * @param body          the body, or null.
     * @param status        the expected status.
     * @param detail        a part of the expected {@code detail}.
     */
    record Row(String name, String method, String path, String authorization, String body, int status, String detail)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception
    {
        repo = TestGitRepository.init(dir.resolve("app"));
        repo.commit("a.txt", "a\n");
        repo.commit("src/b.txt", "b\n");
        repo.commit("a.txt", "a2\n");
        final Path notGit = Files.createDirectories(dir.resolve("not-a-repository"));
        Files.writeString(notGit.resolve("README"), "a plain directory\n");
        node = TestNodes.start(dir.resolve("data"), new RecordingSessionSink(), Map.of(
            "auth.token.ci.value", WRITE, "auth.token.ci.scopes", "org:read, project:releases",
            "auth.token.ro.value", READ, "auth.token.ro.scopes", "org:read, project:read",
            "repository.app.name", "acme/app", "repository.app.url", repo.path().toString(),
            "repository.broken.name", "acme/broken", "repository.broken.url", notGit.toString()),
            Clock.systemUTC());
        client = new RegistryClient(node.port());

        expect(201, "POST", ORG + "/releases/", "{\"version\":\"app@1.0\",\"projects\":[\"captures\"]}");
        expect(200, "PUT", ORG + "/releases/app@1.0/", "{\"commits\":[" +
            "{\"id\":\"c2\",\"repository\":\"origin\",\"message\":\"two\",\"timestamp\":\"2026-12-01T13:05:00Z\"," +
            "\"author_name\":\"Dev One\",\"author_email\":\"dev@example.com\"," +
            "\"patch_set\":[{\"path\":\"src\\\\x.txt\",\"type\":\"M\"},{\"path\":\"y.txt\",\"type\":\"A\"}]}," +
            "{\"id\":\"c1\",\"repository\":\"origin\",\"message\":\"one\",\"timestamp\":\"2026-12-01T13:04:00Z\"," +
            "\"author_name\":\"Dev Two\",\"author_email\":\"two@example.com\"," +
            "\"patch_set\":[{\"path\":\"y.txt\",\"type\":\"D\"}]}]}");
        expect(200, "PUT", ORG + "/releases/app@1.0/",
            "{\"projects\":[\"captures\"],\"dateReleased\":\"2026-12-01T14:00:00Z\"}");
        expect(201, "POST", ORG + "/releases/app@1.0/deploys/", "{\"environment\":\"production\",\"name\":\"d1\"}");
        expect(201, "POST", ORG + "/releases/", "{\"version\":\"app@1.1\",\"projects\":[\"captures\"]}");
        expect(200, "PUT", ORG + "/releases/app@1.1/", "{\"refs\":[{\"repository\":\"acme/app\",\"commit\":\"" +
            repo.sha(3) + "\",\"previousCommit\":\"" + repo.sha(1) + "\"}]}");
        assertEquals(2, client.get(ORG + "/releases/app@1.1/", READ).get("commitCount").asInt());
    }

    @AfterAll
    static void stop() throws Exception
    {
        client.close();
        node.close();
        repo.close();
    }

    static List<Row> rows()
    {
        final String release = ORG + "/releases/app@1.0/";
        final String create = ORG + "/releases/";
        final String deploys = release + "deploys/";
        final String w = "Bearer " + WRITE;
        final String r = "Bearer " + READ;
        final String finalize = "{\"dateReleased\":\"2027-01-01T00:00:00Z\"}";
        return List.of(
            // version rules at creation (characters, not bytes)
            new Row("version with a newline", "POST", create, w, newRelease("app\n1.2"), 400, "newline"),
            new Row("version with a carriage return", "POST", create, w, newRelease("app\r1.2"), 400, "newline"),
            new Row("version with a tab", "POST", create, w, newRelease("app\t1.2"), 400, "tab"),
            new Row("version with a space", "POST", create, w, newRelease("app 1.2"), 400, "space"),
            new Row("version with a backslash", "POST", create, w, newRelease("app\\1.2"), 400, "backslash"),
            new Row("version '.'", "POST", create, w, newRelease("."), 400, "'.', '..' or 'latest'"),
            new Row("version '..'", "POST", create, w, newRelease(".."), 400, "'.', '..' or 'latest'"),
            new Row("version 'Latest'", "POST", create, w, newRelease("Latest"), 400, "'.', '..' or 'latest'"),
            new Row("version with a slash", "POST", create, w, newRelease("feature/x@2.0"), 400, "forward slash"),
            new Row("version with a control character", "POST", create, w, newRelease("app\u00071.2"), 400,
                "control character"),
            new Row("version of 201 characters", "POST", create, w, newRelease("a".repeat(201)), 400,
                "at most 200 characters"),
            new Row("version of 201 multi-byte characters", "POST", create, w,
                newRelease("app@" + "\uD83D\uDE00".repeat(98) + "é".repeat(99)), 400, "at most 200 characters"),
            new Row("empty version", "POST", create, w, newRelease(""), 400, "must not be empty"),
            new Row("no version", "POST", create, w, "{\"projects\":[\"captures\"]}", 400, "version is required"),
            // projects and organizations
            new Row("unknown project", "POST", create, w, "{\"version\":\"app@2\",\"projects\":[\"nope\"]}", 400,
                "unknown project: \"nope\""),
            new Row("a new release with a known and an unknown project", "POST", create, w,
                "{\"version\":\"app@2\",\"projects\":[\"captures\",\"nope\"]}", 400, "unknown project: \"nope\""),
            new Row("an existing release linked to a known and an unknown project", "POST", create, w,
                "{\"version\":\"app@1.0\",\"projects\":[\"other\",\"nope\"],\"url\":\"https://x\"}", 400,
                "unknown project: \"nope\""),
            new Row("unknown project in the path (404, as GET on it)", "POST",
                "/api/0/projects/crashfree/nope/releases/", w, "{\"version\":\"app@2\"}", 404,
                "unknown project: \"nope\""),
            new Row("a new release without projects", "POST", create, w, "{\"version\":\"app@2\"}", 400,
                "at least one project"),
            new Row("unknown organization", "POST", "/api/0/organizations/acme/releases/", w, newRelease("app@2"),
                404, "unknown organization: \"acme\""),
            // bodies
            new Row("malformed JSON on create", "POST", create, w, "{\"version\":", 400, "malformed JSON"),
            new Row("malformed JSON on update", "PUT", release, w, "{\"commits\":[{\"id\":", 400, "malformed JSON"),
            new Row("malformed JSON on deploy", "POST", deploys, w, "{environment:production}", 400,
                "malformed JSON"),
            new Row("a JSON array instead of an object", "POST", create, w, "[\"app@2\"]", 400, "JSON object"),
            new Row("projects not an array", "POST", create, w, "{\"version\":\"app@2\",\"projects\":\"captures\"}",
                400, "projects must be an array"),
            new Row("dateReleased not a timestamp", "PUT", release, w, "{\"dateReleased\":\"yesterday\"}", 400,
                "dateReleased must be an ISO-8601 timestamp"),
            new Row("unknown status", "POST", create, w, "{\"version\":\"app@1.0\",\"projects\":[],\"status\":\"gone\"}",
                400, "status must be \"open\" or \"archived\""),
            // commits
            new Row("commit without id", "PUT", release, w, "{\"commits\":[{\"id\":\"c9\"},{\"message\":\"no id\"}]}",
                400, "commits[1]: a commit needs an id"),
            new Row("finalize together with a commit without id", "PUT", release, w,
                "{\"dateReleased\":\"2027-01-01T00:00:00Z\",\"url\":\"https://x\",\"commits\":[{\"message\":\"x\"}]}",
                400, "commits[0]: a commit needs an id"),
            new Row("commit id longer than 64 characters", "PUT", release, w,
                "{\"commits\":[{\"id\":\"" + "f".repeat(65) + "\"}]}", 400, "at most 64 characters"),
            new Row("file change of an unknown type", "PUT", release, w,
                "{\"commits\":[{\"id\":\"c9\",\"patch_set\":[{\"path\":\"a\",\"type\":\"X\"}]}]}", 400,
                "type must be A, M or D"),
            // refs through the repository integration
            new Row("repository unknown", "PUT", release, w,
                "{\"refs\":[{\"repository\":\"acme/nope\",\"commit\":\"HEAD\"}]}", 400,
                "refs[0]: unknown repository: \"acme/nope\""),
            new Row("repository unreadable (not a git repository)", "PUT", release, w,
                "{\"refs\":[{\"repository\":\"acme/broken\",\"commit\":\"HEAD\"}]}", 400,
                "refs[0]: cannot read repository acme/broken"),
            new Row("unknown commit", "PUT", release, w, "{\"refs\":[{\"repository\":\"acme/app\",\"commit\":\"" +
                "0123456789abcdef0123456789abcdef01234567\"}]}", 400, "refs[0]: unknown commit in repository acme/app"),
            new Row("unknown previous commit", "PUT", release, w, "{\"refs\":[{\"repository\":\"acme/app\"," +
                "\"commit\":\"HEAD\",\"previousCommit\":\"nonsense\"}]}", 400, "unknown previous commit"),
            new Row("a good ref, then an unreadable one", "PUT", release, w, "{\"refs\":[" +
                "{\"repository\":\"acme/app\",\"commit\":\"HEAD\"},{\"repository\":\"acme/broken\",\"commit\":\"HEAD\"}]}",
                400, "refs[1]: cannot read repository acme/broken"),
            new Row("ref without commit", "PUT", release, w, "{\"refs\":[{\"repository\":\"acme/app\"}]}", 400,
                "refs[0]: a ref needs repository and commit"),
            new Row("update of an unknown release", "PUT", ORG + "/releases/app@9/", w, finalize, 404,
                "unknown release: \"app@9\""),
            // deploys
            new Row("deploy without environment", "POST", deploys, w, "{}", 400, "environment is required"),
            new Row("deploy environment with a space", "POST", deploys, w, "{\"environment\":\"prod uction\"}", 400,
                "deploy environment must be"),
            new Row("deploy of an unknown release", "POST", ORG + "/releases/app@9/deploys/", w,
                "{\"environment\":\"production\"}", 404, "unknown release"),
            new Row("delete of an unknown release", "DELETE", ORG + "/releases/app@9/", w, null, 404,
                "unknown release"),
            // tokens and scopes
            new Row("no token, create", "POST", create, null, newRelease("app@2"), 401, ""),
            new Row("no token, read", "GET", create, null, null, 401, ""),
            new Row("unknown token", "PUT", release, "Bearer unknown-token-0123456789", finalize, 401, ""),
            new Row("read-only token creating", "POST", create, r, newRelease("app@2"), 403, "project:releases"),
            new Row("read-only token finalizing", "PUT", release, r, finalize, 403, "project:releases"),
            new Row("read-only token deploying", "POST", deploys, r, "{\"environment\":\"production\"}", 403,
                "project:releases"),
            new Row("read-only token deleting", "DELETE", release, r, null, 403, "project:releases"),
            new Row("ingest key as a bearer token, writing", "POST", create, "Bearer " + TestNodes.KEY_42,
                newRelease("app@2"), 403, "ingest keys"),
            new Row("ingest key as a bearer token, reading", "GET", create, "Bearer " + TestNodes.KEY_42, null, 403,
                "ingest keys"),
            new Row("ingest key in Sentry's auth scheme", "POST", deploys,
                "Sentry sentry_key=" + TestNodes.KEY_42 + ", sentry_version=7", "{\"environment\":\"production\"}",
                403, "ingest keys"),
            // paths
            new Row("method not allowed on the list", "DELETE", create, w, null, 405, "not allowed"),
            new Row("bad percent escape in the version", "PUT", ORG + "/releases/app%ZZ/", w, finalize, 400, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldRefuseWithItsStatusAndDetailAndChangeNothing(final Row row) throws Exception
    {
        final String before = client.snapshot(READ);
        final RawHttp.Response response = client.callWith(row.method(), row.path(), row.authorization(), row.body());
        assertEquals(row.status(), response.status(), row.name() + ": " + response.body());
        final String detail = detail(response);
        assertTrue(detail.contains(row.detail()), row.name() + ": the detail names the problem: " + detail);
        assertEquals(before, client.snapshot(READ), row.name() + ": the registry changed");
    }

    /** The length rule counts characters, not bytes; the accepted release is deleted again for the rows. */
    @Test
    void shouldAcceptAVersionOf200MultiByteCharacters() throws Exception
    {
        // 200 characters (code points): 98 outside the BMP (two UTF-16 units, four UTF-8 bytes each), 98 of two
        // UTF-8 bytes, and "app@": 592 bytes, which a byte count would refuse
        final String version = "app@" + "\uD83D\uDE00".repeat(98) + "é".repeat(98);
        assertEquals(200, version.codePointCount(0, version.length()));
        final String before = client.snapshot(READ);
        final RawHttp.Response created = client.call("POST", ORG + "/releases/", WRITE, newRelease(version));
        assertEquals(201, created.status(), created.body());
        assertEquals(version, json(created).get("version").asText());
        final JsonNode read = client.get(ORG + "/releases/" + encode(version) + '/', READ);
        assertEquals(version, read.get("version").asText());
        boolean listed = false;
        for (final JsonNode release : client.get(ORG + "/releases/", READ))
        {
            listed |= release.get("version").asText().equals(version);
        }
        assertTrue(listed, "the list holds it");
        assertNotEquals(before, client.snapshot(READ), "the snapshot the rows compare sees an accepted write");
        assertEquals(204, client.call("DELETE", ORG + "/releases/" + encode(version) + '/', WRITE, null).status());
        assertEquals(before, client.snapshot(READ), "deleted again: the rows' registry as it was");
    }

    private static String newRelease(final String version)
    {
        final ObjectNode body = JSON.createObjectNode();
        body.put("version", version);
        body.putArray("projects").add("captures");
        return body.toString();
    }

    private static void expect(final int status, final String method, final String path, final String body)
        throws Exception
    {
        final RawHttp.Response r = client.call(method, path, WRITE, body);
        assertEquals(status, r.status(), method + ' ' + path + ": " + r.body());
    }
}
