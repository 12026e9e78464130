package io.crashfree.releases.registry;

import static io.crashfree.releases.registry.RegistryFixture.ORG;
import static io.crashfree.releases.registry.RegistryFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.releases.json.ReleaseJsonReader;
import io.crashfree.releases.json.ReleaseJsonWriter;
import io.crashfree.releases.model.Release;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bodies sentry-cli 3.8.0 sends (as captured on the wire, copied here so the test needs nothing outside the
 * repository), taken through the same steps a thin HTTP handler will take: read the body, call the registry, write
 * the answer. The HTTP routes themselves come later; this pins what they will stand on.
 */
class SentryCliBodiesTest
{

    /** @return the database these tests run on (their {@code …OnPostgresTest} twin: PostgreSQL) */
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.SQLITE;
    }
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;
    private RegistryFixture fixture;
    private ReleaseRegistry registry;

    @BeforeEach
    void open() throws Exception
    {
        fixture = RegistryFixture.open(backend(), dataDir);
        registry = fixture.registry;
    }

    @AfterEach
    void close()
    {
        fixture.close();
    }

    /** {@code POST /api/0/organizations/{org}/releases/}. */
    private RegistryResult<Release> postRelease(String body, long nowMs) throws Exception
    {
        RegistryResult<ReleaseInput> input = ReleaseJsonReader.readRelease(body.getBytes(StandardCharsets.UTF_8));
        return input.isSuccess() ? registry.createRelease(ORG, input.value(), nowMs) : input.asFailure();
    }

    /** {@code PUT /api/0/organizations/{org}/releases/{version}/}. */
    private RegistryResult<Release> putRelease(String version, String body) throws Exception
    {
        RegistryResult<ReleaseInput> input = ReleaseJsonReader.readRelease(body.getBytes(StandardCharsets.UTF_8));
        return input.isSuccess() ? registry.updateRelease(ORG, version, input.value()) : input.asFailure();
    }

    private static JsonNode json(Release release) throws Exception
    {
        return MAPPER.readTree(ReleaseJsonWriter.toBytes(ReleaseJsonWriter.release(release)));
    }

    @Test
    void shouldTakeSentryCliThroughNewSetCommitsFinalizeDeployArchiveAndDelete() throws Exception
    {
        RegistryResult<Release> created = postRelease(
                "{\"version\":\"app@1.1\",\"projects\":[\"default\"],\"dateStarted\":\"2026-12-01T13:00:00Z\"}", T0);
        assertEquals(201, created.status());
        assertTrue(json(created.value()).hasNonNull("dateCreated"));
        assertEquals(208, postRelease("{\"version\":\"app@1.1\",\"projects\":[\"default\"]}", T0 + 1).status(),
                "set-commits ensures the release exists: 208, not an error");

        String none = new String(ReleaseJsonWriter.toBytes(ReleaseJsonWriter.previousWithCommits(
                registry.previousWithCommits(ORG, "app@1.1").value())), StandardCharsets.UTF_8);
        assertEquals("{}", none);

        RegistryResult<Release> withCommits = putRelease("app@1.1", """
                {"commits":[{"patch_set":[{"path":"b.txt","type":"A"}],"repository":"origin",
                "author_name":"Dev One","author_email":"dev@example.com","timestamp":"2026-12-01T13:04:19Z",
                "message":"Fix crash on start\\n\\nFixes CRASHFREE-12\\n",
                "id":"fa40c1b2d3e4f5061728394a5b6c7d8e9f000b"},
                {"patch_set":[{"path":"a.txt","type":"A"}],"repository":"origin","author_name":"Dev One",
                "author_email":"dev@example.com","timestamp":"2026-12-01T13:03:00Z","message":"Initial",
                "id":"0b1c2d3e4f5061728394a5b6c7d8e9f00a1b2c"}]}""");
        assertEquals(200, withCommits.status());
        assertEquals(2, withCommits.value().commitCount());
        assertEquals(1, withCommits.value().authors().size());

        assertEquals(201, postRelease("{\"version\":\"app@1.2\",\"projects\":[\"default\"],"
                + "\"dateStarted\":\"2026-12-01T13:10:00Z\",\"dateReleased\":\"2026-12-01T13:10:00Z\"}", T0 + 10)
                .status(), "releases new --finalize");
        JsonNode previous = MAPPER.readTree(ReleaseJsonWriter.toBytes(ReleaseJsonWriter.previousWithCommits(
                registry.previousWithCommits(ORG, "app@1.2").value())));
        assertEquals("app@1.1", previous.path("version").asText());
        assertEquals("fa40c1b2d3e4f5061728394a5b6c7d8e9f000b", previous.path("lastCommit").path("id").asText(),
                "the local walk stops at this commit");

        RegistryResult<Release> finalized = putRelease("app@1.1",
                "{\"projects\":[\"default\"],\"dateReleased\":\"2026-12-01T13:20:00Z\"}");
        assertEquals("2026-12-01T13:20:00Z", json(finalized.value()).path("dateReleased").asText());

        RegistryResult<DeployInput> deploy = ReleaseJsonReader.readDeploy(("{\"environment\":\"production\","
                + "\"name\":\"deploy 7\",\"url\":\"https://ci/7\",\"dateStarted\":\"2026-12-01T13:21:00Z\","
                + "\"dateFinished\":\"2026-12-01T13:21:30Z\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, registry.createDeploy(ORG, "app@1.1", deploy.value(), T0 + 30).status());
        JsonNode deploys = MAPPER.readTree(ReleaseJsonWriter.toBytes(ReleaseJsonWriter.deploys(
                registry.deploys(ORG, "app@1.1").value())));
        assertEquals("deploy 7", deploys.get(0).path("name").asText());
        assertEquals("2026-12-01T13:21:00Z", deploys.get(0).path("dateStarted").asText());

        assertEquals(208, postRelease("{\"version\":\"app@1.1\",\"projects\":[],\"status\":\"archived\"}", T0 + 40)
                .status());
        assertEquals("archived", json(registry.release(ORG, "app@1.1").value()).path("status").asText());
        postRelease("{\"version\":\"app@1.1\",\"projects\":[],\"status\":\"open\"}", T0 + 50);
        assertEquals("open", json(registry.release(ORG, "app@1.1").value()).path("status").asText());

        // set-commits --clear sends empty refs when the organization has repositories (sentry-cli's set_commits.rs)
        RegistryResult<Release> cleared = putRelease("app@1.1", "{\"refs\":[]}");
        assertEquals(200, cleared.status());
        assertEquals(0, cleared.value().commitCount(), "set-commits --clear");
        assertEquals(0, putRelease("app@1.1", "{\"commits\":[]}").value().commitCount());

        assertEquals(204, registry.deleteRelease(ORG, "app@1.1").status());
        assertEquals(400, postRelease("{\"version\":\"app 1.3\",\"projects\":[\"default\"]}", T0).status());
        assertEquals(400, postRelease("{\"version\":", T0).status());
        assertEquals(1, fixture.count("releases"), "only app@1.2 is left");
    }
}
