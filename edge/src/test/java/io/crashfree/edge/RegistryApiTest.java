package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The releases registry's routes over real HTTP against a real node: Sentry's statuses (201, 208, 200, 204, 400,
 * 401, 403, 404) with a {@code detail}, the bodies {@code sentry-cli} sends, and nothing changed by bad input.
 */
@Timeout(60)
class RegistryApiTest
{
    private static final String WRITE_TOKEN = "ci-release-token-0123456789";
    private static final String READ_TOKEN = "ro-release-token-0123456789";
    private static final String ORG = "/api/0/organizations/crashfree";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    CrashfreeNode node;
    RawHttp http;

    @BeforeEach
    void start() throws Exception
    {
        node = TestNodes.start(dataDir, new RecordingSessionSink(), Map.of(
            "auth.token.ci.value", WRITE_TOKEN, "auth.token.ci.scopes", "org:read, project:releases",
            "auth.token.ro.value", READ_TOKEN, "auth.token.ro.scopes", "org:read"));
        http = new RawHttp(node.port());
    }

    @AfterEach
    void stop() throws IOException
    {
        http.close();
        node.close();
    }

    @Test
    void shouldCreateAReleaseThenAnswer208WhenItExists() throws Exception
    {
        final RawHttp.Response created = call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app@1.1\",\"projects\":[\"captures\"],\"dateStarted\":\"2026-12-01T10:00:00Z\"}");
        assertEquals(201, created.status(), created.body());
        final JsonNode release = JSON.readTree(created.body());
        assertEquals("app@1.1", release.get("version").asText());
        assertTrue(release.hasNonNull("dateCreated"), created.body());
        assertEquals(208, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app@1.1\",\"projects\":[\"captures\"]}").status());
        final RawHttp.Response one = call("GET", ORG + "/releases/app%401.1/", READ_TOKEN, null);
        assertEquals(200, one.status(), one.body());
        assertEquals("app@1.1", JSON.readTree(one.body()).get("version").asText());
    }

    @Test
    void shouldRefuseABadVersionNamingTheRuleAndChangeNothing() throws Exception
    {
        final RawHttp.Response bad = call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app 1.1\",\"projects\":[\"captures\"]}");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(detail(bad).contains("space"), bad.body());
        final RawHttp.Response tooLong = call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"" + "é".repeat(201) + "\",\"projects\":[\"captures\"]}");
        assertEquals(400, tooLong.status(), tooLong.body());
        assertEquals(400, call("POST", ORG + "/releases/", WRITE_TOKEN, "{\"version\":").status());
        assertEquals(400, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app@2\",\"projects\":[\"nope\"]}").status());
        assertEquals("[]", call("GET", ORG + "/releases/", READ_TOKEN, null).body());
    }

    @Test
    void shouldAnswer401WithoutATokenAnd403WithoutTheScope() throws Exception
    {
        final String body = "{\"version\":\"app@1.1\",\"projects\":[\"captures\"]}";
        final RawHttp.Response none = call("POST", ORG + "/releases/", null, body);
        assertEquals(401, none.status(), none.body());
        assertTrue(none.body().contains("detail"), none.body());
        assertEquals(401, call("POST", ORG + "/releases/", "unknown-token-0123456789", body).status());
        final RawHttp.Response readOnly = call("POST", ORG + "/releases/", READ_TOKEN, body);
        assertEquals(403, readOnly.status(), readOnly.body());
        assertTrue(detail(readOnly).contains("project:releases"), readOnly.body());
        final RawHttp.Response ingestKey = call("GET", ORG + "/releases/", TestNodes.KEY_42, null);
        assertEquals(403, ingestKey.status(), ingestKey.body());
        assertEquals(403, call("POST", ORG + "/releases/", TestNodes.KEY_42, body).status());
        assertEquals("[]", call("GET", ORG + "/releases/", READ_TOKEN, null).body());
    }

    @Test
    void shouldSetCommitsFinalizeDeployListAndDelete() throws Exception
    {
        assertEquals(201, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app@1.0\",\"projects\":[\"captures\"]}").status());
        final RawHttp.Response none = call("GET", ORG + "/releases/app@1.0/previous-with-commits/", WRITE_TOKEN, null);
        assertEquals(200, none.status(), none.body());
        assertEquals("{}", none.body());

        final RawHttp.Response commits = call("PUT", ORG + "/releases/app@1.0/", WRITE_TOKEN,
            "{\"commits\":[{\"patch_set\":[{\"path\":\"b.txt\",\"type\":\"A\"}],\"repository\":\"origin\"," +
                "\"author_name\":\"Dev One\",\"author_email\":\"dev@example.com\"," +
                "\"timestamp\":\"2026-12-01T13:04:19Z\",\"message\":\"Fix crash\\n\",\"id\":\"fa40aa\"}]}");
        assertEquals(200, commits.status(), commits.body());
        assertEquals(1, JSON.readTree(commits.body()).get("commitCount").asInt(), commits.body());
        final JsonNode listed = JSON.readTree(call("GET", ORG + "/releases/app@1.0/commits/", WRITE_TOKEN, null)
            .body());
        assertEquals("fa40aa", listed.get(0).get("id").asText());
        assertEquals(1, JSON.readTree(call("GET", ORG + "/releases/app@1.0/commitfiles/", WRITE_TOKEN, null)
            .body()).size());
        assertEquals(400, call("PUT", ORG + "/releases/app@1.0/", WRITE_TOKEN,
            "{\"commits\":[{\"message\":\"no id\"}]}").status(), "a commit without id");
        assertEquals(1, JSON.readTree(call("GET", ORG + "/releases/app@1.0/commits/", WRITE_TOKEN, null)
            .body()).size(), "the bad PUT changed nothing");

        final RawHttp.Response finalized = call("PUT", ORG + "/releases/app@1.0/", WRITE_TOKEN,
            "{\"projects\":[\"captures\"],\"dateReleased\":\"2026-11-24T14:00:00Z\"}");
        assertEquals(200, finalized.status(), finalized.body());
        assertEquals("2026-11-24T14:00:00Z", JSON.readTree(finalized.body()).get("dateReleased").asText());

        final RawHttp.Response deploy = call("POST", ORG + "/releases/app@1.0/deploys/", WRITE_TOKEN,
            "{\"environment\":\"production\",\"name\":\"deploy 7\",\"url\":\"https://ci/7\"," +
                "\"dateStarted\":\"2026-11-24T14:00:00Z\",\"dateFinished\":\"2026-11-24T14:00:30Z\"}");
        assertEquals(201, deploy.status(), deploy.body());
        assertEquals("production", JSON.readTree(deploy.body()).get("environment").asText());
        assertEquals(400, call("POST", ORG + "/releases/app@1.0/deploys/", WRITE_TOKEN, "{}").status());
        assertEquals(1, JSON.readTree(call("GET", ORG + "/releases/app@1.0/deploys/", READ_TOKEN, null).body())
            .size());

        final JsonNode projectList = JSON.readTree(call("GET", "/api/0/projects/crashfree/captures/releases/",
            READ_TOKEN, null).body());
        assertEquals(1, projectList.size());
        assertEquals(1, projectList.get(0).get("deployCount").asInt(), projectList.toString());
        assertEquals("[]", call("GET", "/api/0/projects/crashfree/other/releases/", READ_TOKEN, null).body());
        assertEquals(404, call("GET", "/api/0/projects/crashfree/nope/releases/", READ_TOKEN, null).status());

        final RawHttp.Response previous = call("POST", "/api/0/projects/crashfree/captures/releases/",
            WRITE_TOKEN, "{\"version\":\"app@1.1\"}");
        assertEquals(201, previous.status(), previous.body());
        final JsonNode prev = JSON.readTree(call("GET", ORG + "/releases/app@1.1/previous-with-commits/",
            WRITE_TOKEN, null).body());
        assertEquals("fa40aa", prev.get("lastCommit").get("id").asText(), prev.toString());

        assertEquals(403, call("DELETE", ORG + "/releases/app@1.0/", READ_TOKEN, null).status());
        final RawHttp.Response deleted = call("DELETE", ORG + "/releases/app@1.0/", WRITE_TOKEN, null);
        assertEquals(204, deleted.status(), deleted.body());
        assertEquals(404, call("GET", ORG + "/releases/app@1.0/", READ_TOKEN, null).status());
        assertEquals(404, call("DELETE", ORG + "/releases/app@1.0/", WRITE_TOKEN, null).status());
    }

    @Test
    void shouldAnswerInfoProjectsReposAndUnknownOrganizations() throws Exception
    {
        final JsonNode info = JSON.readTree(call("GET", "/api/0/", WRITE_TOKEN, null).body());
        assertTrue(info.get("auth").get("scopes").toString().contains("project:releases"), info.toString());
        assertTrue(info.get("user").hasNonNull("email"), info.toString());
        final JsonNode projects = JSON.readTree(call("GET", ORG + "/projects/", READ_TOKEN, null).body());
        assertEquals(2, projects.size(), projects.toString());
        assertEquals("[]", call("GET", ORG + "/repos/", READ_TOKEN, null).body());
        final RawHttp.Response unknown = call("GET", "/api/0/organizations/acme/releases/", READ_TOKEN, null);
        assertEquals(404, unknown.status(), unknown.body());
        assertTrue(detail(unknown).contains("acme"), unknown.body());
        assertEquals(404, call("GET", ORG + "/nothing/", READ_TOKEN, null).status());
    }

    @Test
    void shouldKeepAnAcknowledgedReleaseAcrossARestart() throws Exception
    {
        assertEquals(201, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app@1.1\",\"projects\":[\"captures\"]}").status());
        assertEquals(201, call("POST", ORG + "/releases/app@1.1/deploys/", WRITE_TOKEN,
            "{\"environment\":\"production\"}").status());
        http.close();
        node.close();
        start();
        final RawHttp.Response again = call("GET", ORG + "/releases/app@1.1/", READ_TOKEN, null);
        assertEquals(200, again.status(), again.body());
        assertEquals(1, JSON.readTree(again.body()).get("deployCount").asInt(), again.body());
    }

    @Test
    void shouldMergeTheHealthIndexIntoTheRegistrysReleases(@TempDir final Path aggregatingDir) throws Exception
    {
        restartAggregating(aggregatingDir);
        final String started = java.time.Instant.now().minusSeconds(600).truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS).toString();
        final String envelope = "{}\n{\"type\":\"session\"}\n" + QueryApiTest.session("s1", "u1", started, true,
            "crashed", 1, "app@1.1", "production") + "\n";
        assertEquals(200, sendSession(envelope));
        // 201, or 208 when the node has already recorded the release its sessions brought (ReleaseSightings).
        final int status = call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app@1.1\",\"projects\":[\"captures\",\"other\"]}").status();
        assertTrue(status == 201 || status == 208, "status " + status);
        assertEquals(201, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"app@1.2\",\"projects\":[\"captures\"]}").status());

        final JsonNode one = JSON.readTree(call("GET", ORG + "/releases/app@1.1/", WRITE_TOKEN, null).body());
        final JsonNode captures = project(one, "captures");
        assertTrue(captures.get("hasHealthData").asBoolean(), one.toString());
        assertEquals(1, captures.get("healthData").get("totalSessions").asInt(), one.toString());
        assertEquals(1, captures.get("healthData").get("sessionsCrashed").asInt(), one.toString());
        assertTrue(project(one, "other").get("healthData").isNull(), "no sessions of project other: " + one);
        assertTrue(one.hasNonNull("firstEvent"), one.toString());

        final JsonNode list = JSON.readTree(call("GET", ORG + "/releases/?health=1", WRITE_TOKEN, null).body());
        assertEquals(2, list.size(), list.toString());
        for (final JsonNode release : list)
        {
            final boolean seen = release.get("version").asText().equals("app@1.1");
            assertEquals(seen, project(release, "captures").get("hasHealthData").asBoolean(), release.toString());
        }
    }

    @Test
    void shouldListAReleaseFirstSeenInASessionAsTheSameReleaseALaterCreateFinds(@TempDir final Path aggregatingDir)
        throws Exception
    {
        restartAggregating(aggregatingDir);
        final String started = java.time.Instant.now().minusSeconds(600).truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS).toString();
        final String envelope = "{}\n{\"type\":\"session\"}\n" + QueryApiTest.session("s1", "u1", started, true,
            "ok", 0, "seen@2.0", "production") + "\n";
        assertEquals(200, sendSession(envelope));

        // Listed at once from the sessions (id null); the registry records it off the event loop within seconds.
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        JsonNode list;
        do
        {
            Thread.sleep(200);
            list = JSON.readTree(call("GET", ORG + "/releases/", WRITE_TOKEN, null).body());
        }
        while ((list.size() == 0 || list.get(0).get("id").isNull()) && System.nanoTime() < deadline);
        assertEquals(1, list.size(), list.toString());
        assertEquals("seen@2.0", list.get(0).get("version").asText());
        assertTrue(list.get(0).hasNonNull("firstEvent") && list.get(0).hasNonNull("lastEvent"), list.toString());
        assertEquals("captures", list.get(0).get("projects").get(0).get("slug").asText(), list.toString());
        assertEquals(208, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"seen@2.0\",\"projects\":[\"captures\"]}").status(), "the same release");
    }

    /** Replaces the node with one that aggregates sessions (and has only the write token). */
    private void restartAggregating(final Path aggregatingDir) throws Exception
    {
        http.close();
        node.close();
        node = TestNodes.startAggregating(aggregatingDir, Map.of(
            "auth.token.ci.value", WRITE_TOKEN, "auth.token.ci.scopes", "org:read, project:releases"));
        http = new RawHttp(node.port());
    }

    private int sendSession(final String envelope) throws IOException
    {
        return http.exchange(RawHttp.request("POST", "/api/42/envelope/",
            new String[] { "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42 },
            envelope.getBytes(StandardCharsets.UTF_8))).status();
    }

    private static JsonNode project(final JsonNode release, final String slug)
    {
        for (final JsonNode p : release.get("projects"))
        {
            if (p.get("slug").asText().equals(slug))
            {
                return p;
            }
        }
        throw new AssertionError("no project " + slug + " in " + release);
    }

    private RawHttp.Response call(final String method, final String path, final String token, final String body)
        throws IOException
    {
        final String[] headers = token == null ? new String[] { "Content-Type: application/json" } :
            new String[] { "Authorization: Bearer " + token, "Content-Type: application/json" };
        return http.exchange(RawHttp.request(method, path, headers,
            body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String detail(final RawHttp.Response r) throws IOException
    {
        return JSON.readTree(r.body()).get("detail").asText();
    }
}
