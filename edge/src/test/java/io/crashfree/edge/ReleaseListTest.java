package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sentry's release list over real HTTP against a node with its real aggregation side and registry: paging with the
 * {@code Link} header, every sort, search, status, project and environment filters, query tokens reading what
 * registry tokens read, adoption stages moving as the sessions move, and every bad parameter answered 400 with a
 * detail naming it.
 */
@Timeout(120)
class ReleaseListTest
{
    private static final String WRITE_TOKEN = "ci-release-token-0123456789";
    private static final String READ_TOKEN = "dash-read-token-0123456789";
    private static final String ORG = "/api/0/organizations/crashfree";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile(
        "<([^>]*)>; rel=\"(previous|next)\"; results=\"(true|false)\"; cursor=\"([^\"]*)\"");

    @TempDir
    static Path dataDir;
    static CrashfreeNode node;
    static RawHttp http;
    static String started;

    @BeforeAll
    static void startAndFill() throws Exception
    {
        node = TestNodes.startAggregating(dataDir, Map.of(
            "query.tokens", READ_TOKEN,
            "auth.token.ci.value", WRITE_TOKEN, "auth.token.ci.scopes", "org:read, project:releases",
            "registry.adoption.interval.seconds", "1"));
        http = new RawHttp(node.port());
        started = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        // 30 releases of project 42 in production: app@1.<i>.0 has i + 1 sessions, i % 3 of them crashed.
        final StringBuilder envelope = new StringBuilder("{}\n");
        for (int i = 0; i < 30; i++)
        {
            envelope.append(aggregate("app@1." + i + ".0", "production", i + 1 - i % 3, i % 3));
        }
        assertEquals(200, send(42, envelope.toString()));
        assertEquals(200, send(7, "{}\n" + aggregate("web@2.0.0", "staging", 50, 0)));
        // Registry only: no sessions, and an archived one.
        assertEquals(201, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"cli-only@9.9.9\",\"projects\":[\"captures\"]}").status());
        assertEquals(201, call("POST", ORG + "/releases/", WRITE_TOKEN,
            "{\"version\":\"old@0.1\",\"projects\":[\"captures\"],\"status\":\"archived\"}").status());
    }

    @AfterAll
    static void stop() throws Exception
    {
        http.close();
        node.close();
    }

    @Test
    void shouldWalkEveryPageThroughTheLinkHeaderAndMeetEachReleaseOnce() throws Exception
    {
        final List<String> everything = versions(get(ORG + "/releases/?per_page=100", READ_TOKEN));
        assertTrue(everything.containsAll(List.of("web@2.0.0", "cli-only@9.9.9", "app@1.0.0")), everything.toString());
        assertFalse(everything.contains("old@0.1"), "archived releases only with status=archived");
        final List<String> all = versions(get(ORG + "/releases/?per_page=100&query=app@", READ_TOKEN));
        assertEquals(30, all.size(), all.toString());

        final List<String> walked = new ArrayList<>();
        String target = ORG + "/releases/?per_page=7&health=1&query=app@";
        int pages = 0;
        while (true)
        {
            final RawHttp.Response r = call("GET", target, READ_TOKEN, null);
            assertEquals(200, r.status(), r.body());
            final JsonNode page = JSON.readTree(r.body());
            walked.addAll(versions(page));
            final Map<String, String[]> links = links(r.header("link"));
            assertEquals(pages > 0 ? "true" : "false", links.get("previous")[1], "previous on page " + pages);
            pages++;
            if (links.get("next")[1].equals("false"))
            {
                assertTrue(page.size() <= 7);
                break;
            }
            assertEquals(7, page.size());
            target = links.get("next")[0];
            assertTrue(target.contains("health=1"), "the next link keeps the other parameters: " + target);
        }
        assertEquals(5, pages);
        assertEquals(all, walked, "pages in order, no release twice, none missing");
    }

    @Test
    void shouldSortBySessionsUsersCrashFreeAndSemver() throws Exception
    {
        final JsonNode bySessions = get(ORG + "/releases/?project=42&health=1&sort=sessions&query=app@", READ_TOKEN);
        assertEquals("app@1.29.0", bySessions.get(0).get("version").asText());
        long previous = Long.MAX_VALUE;
        for (final JsonNode release : bySessions)
        {
            final JsonNode health = release.get("projects").get(0).get("healthData");
            final long sessions = health.isNull() ? -1 : health.get("totalSessions").asLong();
            assertTrue(sessions <= previous, "sessions never increase: " + release.get("version"));
            previous = sessions;
        }
        final JsonNode withoutSessions = get(ORG + "/releases/?project=42&health=1&sort=sessions", READ_TOKEN);
        assertEquals("cli-only@9.9.9", withoutSessions.get(withoutSessions.size() - 1).get("version").asText(),
            "a release without sessions after every release with them");

        final JsonNode byCrashFree = get(ORG + "/releases/?project=42&health=1&sort=crash_free_sessions&query=app@",
            READ_TOKEN);
        double last = Double.MAX_VALUE;
        for (final JsonNode release : byCrashFree)
        {
            final JsonNode rate = release.get("projects").get(0).get("healthData").path("crashFreeSessions");
            if (!rate.isNumber())
            {
                continue;
            }
            assertTrue(rate.asDouble() <= last, "crash-free never increases: " + release.get("version"));
            last = rate.asDouble();
        }
        assertEquals(100.0, byCrashFree.get(0).get("projects").get(0).get("healthData").get("crashFreeSessions")
            .asDouble(), 1e-9);

        final List<String> semver = versions(get(ORG + "/releases/?sort=semver&query=app@1.", READ_TOKEN));
        assertEquals("app@1.29.0", semver.get(0));
        assertEquals(List.of("app@1.10.0", "app@1.9.0"), semver.subList(19, 21), "numbers, not text: " + semver);
        assertEquals("app@1.0.0", semver.get(29));

        final JsonNode byUsers = get(ORG + "/releases/?project=42&health=1&sort=users&per_page=1&query=app@",
            WRITE_TOKEN);
        assertEquals("app@1.29.0", byUsers.get(0).get("version").asText());
    }

    @Test
    void shouldFilterBySearchStatusProjectAndEnvironment() throws Exception
    {
        final List<String> search = versions(get(ORG + "/releases/?query=APP@1.2", READ_TOKEN));
        assertEquals(11, search.size(), search.toString()); // 1.2.0 and 1.20.0 to 1.29.0
        assertTrue(search.stream().allMatch(v -> v.startsWith("app@1.2")), search.toString());

        assertEquals(List.of("old@0.1"), versions(get(ORG + "/releases/?status=archived", READ_TOKEN)));
        assertEquals(List.of("web@2.0.0"), versions(get(ORG + "/releases/?project=7", READ_TOKEN)));
        assertEquals(List.of("web@2.0.0"), versions(get(ORG + "/releases/?environment=staging", READ_TOKEN)));
        assertEquals(List.of("web@2.0.0"), versions(get("/api/0/projects/crashfree/other/releases/", WRITE_TOKEN)));

        final JsonNode web = get(ORG + "/releases/?environment=staging&health=1", READ_TOKEN).get(0);
        final JsonNode project = web.get("projects").get(0);
        assertEquals(7, project.get("id").asLong(), "the API's project id is the DSN's");
        assertEquals(50, project.get("healthData").get("totalSessions").asLong());
        assertEquals(100.0, project.get("healthData").get("sessionsAdoption").asDouble(), 1e-9);
    }

    @Test
    void shouldGiveAQueryTokenWhatARegistryTokenReadsAndRefuseItWrites() throws Exception
    {
        final String list = ORG + "/releases/?health=1&per_page=100&summaryStatsPeriod=24h&query=app@";
        final JsonNode asReader = withoutEventTimes(get(list, READ_TOKEN));
        final JsonNode asWriter = withoutEventTimes(get(list, WRITE_TOKEN));
        assertEquals(asWriter, asReader);
        final JsonNode one = get(ORG + "/releases/app@1.3.0/", READ_TOKEN);
        assertEquals(4, one.get("projects").get(0).get("healthData").get("totalSessions").asLong(), one.toString());
        assertEquals("1.3.0", one.get("shortVersion").asText());
        assertEquals(403, call("POST", ORG + "/releases/", READ_TOKEN, "{\"version\":\"x@1\"}").status());
    }

    @Test
    void shouldListAReleaseAsSoonAsItsFirstSessionIsAcknowledged() throws Exception
    {
        assertEquals(200, send(42, "{}\n" + aggregate("fresh@3.0.0", "production", 2, 0)));
        final JsonNode list = get(ORG + "/releases/?query=fresh&health=1", READ_TOKEN);
        assertEquals(List.of("fresh@3.0.0"), versions(list));
        assertEquals(2, list.get(0).get("projects").get(0).get("healthData").get("totalSessions").asLong());
        assertNotNull(list.get(0).get("dateCreated").textValue());
    }

    @Test
    void shouldMoveAdoptionStagesAsTheEnvironmentsSessionsMove() throws Exception
    {
        // canary: a@1.0.0 has 95 of 100 sessions (adopted), b@1.0.0 5 (low adoption)
        assertEquals(200, send(42, "{}\n" + aggregate("a@1.0.0", "canary", 95, 0) +
            aggregate("b@1.0.0", "canary", 5, 0)));
        JsonNode stages = awaitStages("a@1.0.0", "adopted");
        assertFalse(stages.get("captures").get("adopted").isNull(), stages.toString());
        assertEquals("low_adoption", stages(get(ORG + "/releases/b@1.0.0/?adoptionStages=1&environment=canary",
            READ_TOKEN)).get("captures").get("stage").asText());

        // b takes over: a falls to 95 of 2,105 (4.5%)
        for (int i = 0; i < 4; i++)
        {
            assertEquals(200, send(42, "{}\n" + aggregate("b@1.0.0", "canary", 100, 0).repeat(5)));
        }
        stages = awaitStages("a@1.0.0", "replaced");
        assertFalse(stages.get("captures").get("unadopted").isNull(), stages.toString());
        awaitStages("b@1.0.0", "adopted");
        // In the list too, per project.
        final JsonNode list = get(ORG + "/releases/?query=b@1.0.0&adoptionStages=1&environment=canary",
            READ_TOKEN);
        assertEquals("adopted", list.get(0).get("adoptionStages").get("captures").get("stage").asText());
    }

    @Test
    void shouldRefuseEveryBadParameterNamingIt() throws Exception
    {
        final String before = versions(get(ORG + "/releases/?per_page=100&status=archived", READ_TOKEN)).toString() +
            versions(get(ORG + "/releases/?per_page=100", READ_TOKEN));
        final String[][] rows = {
            { "sort=bogus", "sort must be one of" },
            { "per_page=0", "per_page must be a whole number from 1 to 100" },
            { "per_page=101", "per_page must be a whole number from 1 to 100" },
            { "per_page=ten", "per_page must be a whole number" },
            { "cursor=abc", "cursor must be the one a Link header gave" },
            { "status=deleted", "status must be \"open\" or \"archived\"" },
            { "project=abc", "project must be a project id" },
            { "project=999", "unknown project: 999" },
            { "healthStatsPeriod=7d", "healthStatsPeriod must be \"24h\" or \"14d\"" },
            { "summaryStatsPeriod=soon", "summaryStatsPeriod" },
        };
        for (final String[] row : rows)
        {
            final RawHttp.Response r = call("GET", ORG + "/releases/?" + row[0], READ_TOKEN, null);
            assertEquals(400, r.status(), row[0] + ": " + r.body());
            final String detail = JSON.readTree(r.body()).get("detail").asText();
            assertTrue(detail.contains(row[1]), row[0] + ": " + detail);
        }
        assertEquals(401, call("GET", ORG + "/releases/", null, null).status());
        assertEquals(403, call("GET", ORG + "/releases/", "Sentry sentry_key=" + TestNodes.KEY_42, null).status());
        assertEquals(before, versions(get(ORG + "/releases/?per_page=100&status=archived", READ_TOKEN)).toString() +
            versions(get(ORG + "/releases/?per_page=100", READ_TOKEN)), "bad requests change nothing");
    }

    // ---------------------------------------------------------------- helpers

    /** The list without first and last event, which the registry's sightings may move between two reads. */
    private static JsonNode withoutEventTimes(final JsonNode list)
    {
        for (final JsonNode release : list)
        {
            ((com.fasterxml.jackson.databind.node.ObjectNode)release).remove(List.of("firstEvent", "lastEvent"));
        }
        return list;
    }

    private static JsonNode awaitStages(final String version, final String stage) throws Exception
    {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        JsonNode stages;
        do
        {
            stages = stages(get(ORG + "/releases/" + version + "/?adoptionStages=1&environment=canary",
                READ_TOKEN));
            if (stages.get("captures").get("stage").asText().equals(stage))
            {
                return stages;
            }
            Thread.sleep(200);
        }
        while (System.nanoTime() < deadline);
        throw new AssertionError(version + " never reached " + stage + ": " + stages);
    }

    private static JsonNode stages(final JsonNode release)
    {
        final JsonNode stages = release.get("adoptionStages");
        assertNotNull(stages, release.toString());
        return stages;
    }

    /** One {@code sessions} item: {@code exited} healthy and {@code crashed} crashed sessions of one user each. */
    private static String aggregate(final String release, final String environment, final int exited,
        final int crashed)
    {
        final StringBuilder aggregates = new StringBuilder();
        final int users = exited + crashed;
        for (int u = 0; u < users; u++)
        {
            if (u > 0)
            {
                aggregates.append(',');
            }
            aggregates.append("{\"started\":\"").append(started).append("\",\"did\":\"").append(release)
                .append("-user-").append(u).append("\",\"").append(u < exited ? "exited" : "crashed")
                .append("\":1}");
        }
        return "{\"type\":\"sessions\"}\n{\"aggregates\":[" + aggregates + "],\"attrs\":{\"release\":\"" + release +
            "\",\"environment\":\"" + environment + "\"}}\n";
    }

    private static int send(final int project, final String envelope) throws IOException
    {
        return http.exchange(RawHttp.request("POST", "/api/" + project + "/envelope/", new String[] {
            "X-Sentry-Auth: Sentry sentry_key=" + (project == 42 ? TestNodes.KEY_42 : TestNodes.KEY_7) },
            envelope.getBytes(StandardCharsets.UTF_8))).status();
    }

    private static JsonNode get(final String target, final String token) throws IOException
    {
        final RawHttp.Response r = call("GET", target, token, null);
        assertEquals(200, r.status(), target + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static RawHttp.Response call(final String method, final String target, final String token,
        final String body) throws IOException
    {
        final List<String> headers = new ArrayList<>(List.of("Content-Type: application/json"));
        if (token != null)
        {
            headers.add("Authorization: " + (token.startsWith("Sentry ") ? token : "Bearer " + token));
        }
        return http.exchange(RawHttp.request(method, target, headers.toArray(new String[0]),
            body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> versions(final JsonNode list)
    {
        final List<String> versions = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (final JsonNode release : list)
        {
            final String version = release.get("version").asText();
            assertTrue(seen.add(version), "listed twice: " + version);
            versions.add(version);
        }
        return versions;
    }

    /** rel → {url, results, cursor}. */
    private static Map<String, String[]> links(final String header)
    {
        assertNotNull(header, "a Link header");
        final Map<String, String[]> links = new HashMap<>();
        final Matcher m = LINK.matcher(header);
        while (m.find())
        {
            links.put(m.group(2), new String[] { m.group(1), m.group(3), m.group(4) });
        }
        assertEquals(2, links.size(), header);
        return links;
    }
}
