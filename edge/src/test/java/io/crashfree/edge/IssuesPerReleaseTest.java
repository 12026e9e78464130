package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentry.Sentry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issues per release with real parts: the official Java SDK sends exceptions to a node whose upstream is a real HTTP
 * server; the node groups them on the way (same exception from two lines of one method: one issue; another method:
 * another issue), counts them per release, names the suspect commit a release's commits brought (its file is in the
 * issue's in-app frames), resolves the issue from a later release's {@code Fixes <SHORT-ID>} commit, and reopens it
 * as a regression when the next release sends it again. A malformed event is forwarded as it came and counted as
 * ungrouped.
 */
@Timeout(120)
class IssuesPerReleaseTest
{
    private static final String UPSTREAM_KEY = "f00dfeedf00dfeedf00dfeedf00dfeed";
    private static final String TOKEN = "issues-test-read-token-0123";
    private static final String WRITE = "issues-test-write-token-0123";
    private static final String ORG = "/api/0/organizations/crashfree";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String THIS_FILE = "edge/src/test/java/io/crashfree/edge/IssuesPerReleaseTest.java";

    @TempDir
    Path dir;

    @Test
    void shouldGroupCountSuspectResolveAndRegress() throws Exception
    {
        try (TestGitRepository git = TestGitRepository.init(dir.resolve("app"));
             UpstreamServer upstream = UpstreamServer.start();
             CrashfreeNode node = TestNodes.startAggregating(dir.resolve("data"), Map.of(
                 "project.42.upstream.dsn", upstream.dsn(UPSTREAM_KEY, 9),
                 "query.tokens", TOKEN,
                 "auth.token.ci.value", WRITE, "auth.token.ci.scopes", "org:read, project:releases",
                 "repository.app.name", "acme/app", "repository.app.url", dir.resolve("app").toString()));
             RawHttp http = new RawHttp(node.port()))
        {
            final String dsn = "http://" + TestNodes.KEY_42 + "@127.0.0.1:" + node.port() + "/42";
            // a real history: the second commit touched this file (the issue's in-app frames are in it)
            git.commit("README.md", "v1");
            final String suspect = git.commit(THIS_FILE, "class IssuesPerReleaseTest {}", "Charge the card twice");
            git.commit("README.md", "v2");
            // app@1.0's commits come from the repository, resolved by the node (no baseline: the latest 20)
            call(http, "POST", ORG + "/releases/", "{\"version\":\"app@1.0\",\"projects\":[\"captures\"]," +
                "\"refs\":[{\"repository\":\"acme/app\",\"commit\":\"" + git.sha(3) + "\"}]}", 201);

            sdk(dsn, "app@1.0", "user-a", Failure.CHECKOUT_1, Failure.CHECKOUT_2);
            sdk(dsn, "app@1.0", "user-b", Failure.REFUND);
            upstream.await("three events upstream", 20_000, () -> upstream.events().size() >= 3);
            final JsonNode issues = await(http, "/api/0/projects/crashfree/captures/issues/?query=release:app@1.0",
                list -> countOf(list) == 3);
            assertEquals(2, issues.size(), "the same exception from two lines is one issue: " + issues);
            final JsonNode twice = issues.get(0).get("count").asText().equals("2") ? issues.get(0) : issues.get(1);
            assertEquals("2", twice.get("count").asText());
            assertEquals(1, twice.get("userCount").asInt());
            assertEquals("app@1.0", twice.get("firstRelease").get("version").asText());
            assertTrue(twice.get("title").asText().startsWith("IllegalStateException: checkout failed"), twice.toString());
            final String shortId = twice.get("shortId").asText();
            assertTrue(shortId.startsWith("CAPTURES-"), shortId);

            final JsonNode details = get(http, ORG + "/issues/" + shortId + "/");
            assertEquals(List.of(suspect), ids(details.get("suspectCommits")), "only the commit touching the frames");
            assertEquals("two@example.com", details.get("suggestedAssignee").get("email").asText(), "its author");
            assertEquals("2", details.get("releases").get(0).get("count").asText());
            assertEquals(2, get(http, ORG + "/releases/app@1.0/").get("newGroups").asInt());

            // app@1.1 fixes it; app@1.0 clients still send it: still resolved
            final String fix = git.commit(THIS_FILE, "class IssuesPerReleaseTest { }", "Charge once\n\nFixes " +
                shortId + "\n");
            call(http, "POST", ORG + "/releases/", "{\"version\":\"app@1.1\",\"projects\":[\"captures\"]," +
                "\"refs\":[{\"repository\":\"acme/app\",\"commit\":\"" + fix + "\"}]}", 201);
            assertEquals(List.of(fix), ids(JSON.readTree(call(http, "GET", ORG + "/releases/app@1.1/commits/", 200)
                .body())), "from the previous release's last commit");
            JsonNode resolved = get(http, ORG + "/issues/" + shortId + "/");
            assertEquals("resolved", resolved.get("status").asText());
            assertEquals("app@1.1", resolved.get("statusDetails").get("inRelease").asText());
            assertEquals(fix, resolved.get("statusDetails").get("inCommit").get("id").asText());
            sdk(dsn, "app@1.0", "user-c", Failure.CHECKOUT_1);
            await(http, "/api/0/projects/crashfree/captures/issues/?query=release:app@1.0", list -> countOf(list) == 4);
            assertEquals("resolved", get(http, ORG + "/issues/" + shortId + "/").get("status").asText());

            // app@1.2 sends it again: a regression of app@1.2
            call(http, "POST", ORG + "/releases/", "{\"version\":\"app@1.2\",\"projects\":[\"captures\"]}", 201);
            sdk(dsn, "app@1.2", "user-d", Failure.CHECKOUT_1);
            final JsonNode regressed = await(http, "/api/0/projects/crashfree/captures/issues/?query=is:regressed",
                list -> list.size() == 1);
            assertEquals(shortId, regressed.get(0).get("shortId").asText());
            assertEquals("regressed", regressed.get(0).get("substatus").asText());
            assertEquals("app@1.2", regressed.get(0).get("regressedInRelease").asText());

            // a malformed event goes upstream as it came, ungrouped
            final int before = upstream.events().size();
            assertEquals(200, http.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] {
                "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42 }, ("{}\n{\"type\":\"event\"}\n{\"not json\n")
                .getBytes(StandardCharsets.UTF_8))).status());
            upstream.await("the malformed event upstream", 20_000, () -> upstream.events().size() > before);
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (Scrape.of(node.port()).value("crashfree_events_ungrouped_total{reason=\"malformed\"}") < 1 &&
                System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertEquals(1, Scrape.of(node.port()).value("crashfree_events_ungrouped_total{reason=\"malformed\"}"));
            assertEquals(400, call(http, "GET", "/api/0/projects/crashfree/captures/issues/?query=owner:me", 400)
                .status());
        }
    }

    /** What a test client throws: the same exception from two lines of one method, or another method's. */
    private enum Failure
    {
        CHECKOUT_1, CHECKOUT_2, REFUND
    }

    /** Every failure comes through the same frames (sdk, raise), so only the throwing method tells them apart. */
    private static void sdk(final String dsn, final String release, final String user, final Failure... failures)
    {
        Sentry.init(options ->
        {
            options.setDsn(dsn);
            options.setRelease(release);
            options.setEnvironment("production");
            options.addInAppInclude("io.crashfree.edge");
            options.setFlushTimeoutMillis(5000);
            options.setShutdownTimeoutMillis(5000);
        });
        try
        {
            final io.sentry.protocol.User u = new io.sentry.protocol.User();
            u.setId(user);
            Sentry.setUser(u);
            for (final Failure failure : failures)
            {
                Sentry.captureException(raise(failure));
            }
            Sentry.flush(5000);
        }
        finally
        {
            Sentry.close();
        }
    }

    private static IllegalStateException raise(final Failure failure)
    {
        return switch (failure)
        {
            case CHECKOUT_1 -> checkout(1);
            case CHECKOUT_2 -> checkout(2);
            case REFUND -> refund();
        };
    }

    private static IllegalStateException checkout(final int order)
    {
        if (order == 2)
        {
            return new IllegalStateException("checkout failed for order 2");
        }
        return new IllegalStateException("checkout failed for order 1");
    }

    private static IllegalStateException refund()
    {
        return new IllegalStateException("refund failed");
    }

    private static long countOf(final JsonNode issues)
    {
        long events = 0;
        for (final JsonNode issue : issues)
        {
            events += Long.parseLong(issue.get("count").asText());
        }
        return events;
    }

    private static List<String> ids(final JsonNode commits)
    {
        final List<String> ids = new ArrayList<>();
        commits.forEach(c -> ids.add(c.get("id").asText()));
        return ids;
    }

    private static JsonNode await(final RawHttp http, final String path, final Predicate<JsonNode> done)
        throws Exception
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        JsonNode last;
        do
        {
            last = get(http, path);
            if (done.test(last))
            {
                return last;
            }
            Thread.sleep(50);
        }
        while (System.nanoTime() < deadline);
        throw new AssertionError(path + " never got there: " + last);
    }

    private static JsonNode get(final RawHttp http, final String path) throws IOException
    {
        final RawHttp.Response r = call(http, "GET", path, 200);
        return JSON.readTree(r.body());
    }

    private static RawHttp.Response call(final RawHttp http, final String method, final String path, final String body,
        final int expected) throws IOException
    {
        final RawHttp.Response r = http.exchange(RawHttp.request(method, path, new String[] {
            "Authorization: Bearer " + (method.equals("GET") ? TOKEN : WRITE), "Content-Type: application/json" },
            body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, r.status(), method + " " + path + ": " + r.body());
        assertFalse(r.body().isEmpty() && expected != 204);
        return r;
    }

    private static RawHttp.Response call(final RawHttp http, final String method, final String path,
        final int expected) throws IOException
    {
        return call(http, method, path, null, expected);
    }
}
