package io.crashfree.releases.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.releases.model.Author;
import io.crashfree.releases.model.ChangeType;
import io.crashfree.releases.model.Commit;
import io.crashfree.releases.model.Deploy;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.ProjectRef;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.model.ReleaseStatus;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.registry.RegistryResult;
import io.crashfree.releases.registry.ReleaseInput;
import io.crashfree.releases.version.VersionInfoParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseJsonTest
{

    private static RegistryResult<ReleaseInput> read(String json)
    {
        return ReleaseJsonReader.readRelease(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadWhatSentryCliSendsForSetCommitsLocal()
    {
        ReleaseInput input = read("""
                {"commits":[{"patch_set":[{"path":"b.txt","type":"A"},{"path":"dir\\\\c.txt","type":"M"}],
                "repository":"origin","author_name":"Dev One","author_email":"dev@example.com",
                "timestamp":"2026-12-01T13:04:19Z","message":"Fix crash on start\\n\\nFixes CRASHFREE-12\\n",
                "id":"fa40aa"}]}""").value();
        assertEquals(1, input.commits().size());
        var commit = input.commits().get(0);
        assertEquals("fa40aa", commit.id());
        assertEquals(1796130259000L, commit.timestampMs());
        assertEquals("dir\\c.txt", commit.patchSet().get(1).path());
        assertEquals(ChangeType.M, commit.patchSet().get(1).type());
        assertNull(input.refs());
    }

    @Test
    void shouldReadCreateArchiveAndRefs()
    {
        ReleaseInput created = read("{\"version\":\"app@1.2\",\"projects\":[\"default\"],"
                + "\"dateStarted\":\"2026-12-01T13:00:00.123456Z\",\"dateReleased\":\"2026-12-01T13:00:01Z\"}").value();
        assertEquals("app@1.2", created.version());
        assertEquals(List.of("default"), created.projects());
        assertEquals(1796130000123L, created.dateStartedMs());
        assertEquals(ReleaseStatus.ARCHIVED,
                read("{\"version\":\"a\",\"projects\":[],\"status\":\"archived\"}").value().status());
        var ref = read("{\"refs\":[{\"repository\":\"acme/app\",\"commit\":\"b\",\"previousCommit\":\"a\"}]}")
                .value().refs().get(0);
        assertEquals("acme/app", ref.repository());
        assertEquals("a", ref.previousCommit());
    }

    @Test
    void shouldAnswerEveryBadBodyWithADetail()
    {
        String[][] rows = {
                {"{\"version\":", "malformed JSON"},
                {"[1]", "the body must be a JSON object"},
                {"{\"projects\":\"default\"}", "projects must be an array"},
                {"{\"projects\":[1]}", "projects[0] must be a string"},
                {"{\"status\":\"gone\"}", "status must be \"open\" or \"archived\""},
                {"{\"dateReleased\":\"yesterday\"}", "dateReleased must be an ISO-8601 timestamp"},
                {"{\"commits\":[{\"id\":\"a\",\"patch_set\":[{\"path\":\"x\",\"type\":\"R\"}]}]}",
                        "commits[0].patch_set[0].type must be A, M or D"},
                {"{\"commits\":[7]}", "commits[0] must be an object"},
        };
        for (String[] row : rows)
        {
            RegistryResult<ReleaseInput> result = read(row[0]);
            assertEquals(400, result.status(), row[0]);
            assertTrue(result.detail().startsWith(row[1]), row[0] + " -> " + result.detail());
        }
        assertEquals(400, ReleaseJsonReader.readDeploy("nope".getBytes(StandardCharsets.UTF_8)).status());
    }

    @Test
    void shouldAnswerExactlyAnEmptyObjectWhenThereIsNoPreviousReleaseWithCommits()
    {
        assertEquals("{}", new String(ReleaseJsonWriter.toBytes(ReleaseJsonWriter.previousWithCommits(Optional.empty())),
                StandardCharsets.UTF_8));
    }

    @Test
    void shouldWriteVersionInfoAndRepositoriesInSentryShape() throws Exception
    {
        JsonNode info = ReleaseJsonWriter.versionInfo(VersionInfoParser.parse("app@1.2.3-rc1+77"));
        JsonNode expected = new ObjectMapper().readTree("{\"package\":\"app\",\"version\":{\"raw\":\"1.2.3-rc1+77\","
                + "\"major\":1,\"minor\":2,\"patch\":3,\"pre\":\"rc1\",\"buildCode\":\"77\",\"components\":3},"
                + "\"description\":\"1.2.3-rc1 (77)\",\"buildHash\":null}");
        assertEquals(expected.toString(), info.toString(), "same fields, same order");
        JsonNode repos = ReleaseJsonWriter.repositories(List.of(
                new Repository("1", "acme/app", "https://github.com/acme/app.git"),
                new Repository("2", "acme/local", "/srv/git/local")));
        assertEquals("integrations:github", repos.get(0).path("provider").path("id").asText());
        assertEquals("git", repos.get(1).path("provider").path("id").asText());
    }

    @Test
    void shouldWriteAReleaseWithTheFieldsSentryCliReads() throws Exception
    {
        Author dev = new Author("Dev One", "dev@example.com");
        Commit last = new Commit("fa40", "origin", "Fix crash", 1_796_130_259_000L, dev,
                List.of(new FileChange("b.txt", ChangeType.A)));
        Release release = new Release(7, "app@1.1", VersionInfoParser.parse("app@1.1"), 1_796_130_000_000L, null,
                1_796_130_100_000L, null, null, null, null, ReleaseStatus.OPEN, null,
                List.of(new ProjectRef(1, "default")), 3, last, List.of(dev), 1,
                new Deploy(4, "production", "deploy 7", null, null, 1_796_130_200_000L));
        JsonNode json = new ObjectMapper().readTree(ReleaseJsonWriter.toBytes(ReleaseJsonWriter.release(release)));
        assertEquals("app@1.1", json.path("version").asText());
        assertEquals("1.1", json.path("shortVersion").asText());
        assertEquals("2026-12-01T13:00:00Z", json.path("dateCreated").asText());
        assertEquals("2026-12-01T13:01:40Z", json.path("dateReleased").asText());
        assertTrue(json.path("dateStarted").isNull());
        assertEquals("fa40", json.path("lastCommit").path("id").asText());
        assertEquals(3, json.path("commitCount").asInt());
        assertEquals("dev@example.com", json.path("authors").get(0).path("email").asText());
        assertEquals(1, json.path("deployCount").asInt());
        assertEquals("production", json.path("lastDeploy").path("environment").asText());
        assertEquals("default", json.path("projects").get(0).path("slug").asText());
        assertEquals("open", json.path("status").asText());
        assertEquals("fa40", ReleaseJsonWriter.previousWithCommits(Optional.of(release)).path("lastCommit")
                .path("id").asText());
    }
}
