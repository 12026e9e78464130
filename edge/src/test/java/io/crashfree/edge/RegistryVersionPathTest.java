package io.crashfree.edge;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static io.crashfree.edge.RegistryClient.ORG;
import static io.crashfree.edge.RegistryClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A release's version in the path of {@code …/releases/{version}/…} as clients write it: {@code sentry-cli} encodes
 * {@code /}, {@code %}, space and {@code ?} in a path segment but leaves {@code +} and {@code @} as they are (Sentry's
 * recommended {@code package@version+build}), while other clients encode everything. Each form must reach the same
 * release for GET, PUT (finalize) and deploys.
 */
@Timeout(60)
class RegistryVersionPathTest
{
    private static final String WRITE = "ci-release-token-0123456789";

    @TempDir
    static Path dir;
    static CrashfreeNode node;
    static RegistryClient client;

    @BeforeAll
    static void start() throws Exception
    {
        node = TestNodes.start(dir, new RecordingSessionSink(), Map.of(
            "auth.token.ci.value", WRITE, "auth.token.ci.scopes", "org:read, project:releases"), Clock.systemUTC());
        client = new RegistryClient(node.port());
    }

    @AfterAll
    static void stop() throws Exception
    {
        client.close();
        node.close();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource(delimiter = '|', value = {
        "io.app@1.0.0+42      | io.app@1.0.0+42",
        "io.app@1.0.1+43      | io.app%401.0.1%2B43",
        "feature:x@2.0        | feature%3Ax@2.0",
        "app@1.0-é            | app@1.0-%C3%A9",
        "app@100%             | app@100%25",
    })
    void shouldFindTheReleaseByItsVersionInThePath(final String version, final String inPath) throws Exception
    {
        final String body = "{\"version\":\"" + version + "\",\"projects\":[\"captures\"]}";
        assertEquals(201, client.call("POST", ORG + "/releases/", WRITE, body).status());
        final String path = ORG + "/releases/" + inPath + '/';
        final RawHttp.Response read = client.call("GET", path, WRITE, null);
        assertEquals(200, read.status(), path + ": " + read.body());
        assertEquals(version, json(read).get("version").asText());
        final RawHttp.Response finalized = client.call("PUT", path, WRITE,
            "{\"projects\":[\"captures\"],\"dateReleased\":\"2026-12-01T14:00:00Z\"}");
        assertEquals(200, finalized.status(), path + ": " + finalized.body());
        assertEquals(version, json(finalized).get("version").asText());
        final RawHttp.Response deployed = client.call("POST", path + "deploys/", WRITE,
            "{\"environment\":\"production\"}");
        assertEquals(201, deployed.status(), path + ": " + deployed.body());
        assertEquals(1, client.get(path, WRITE).get("deployCount").asInt());
    }
}
