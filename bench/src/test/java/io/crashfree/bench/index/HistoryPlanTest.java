package io.crashfree.bench.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index benchmark's history: one seed makes one history; it covers every day and hour of the period, keeps
 * items within the node's limits, has long-lived dense releases, varies crash rates, and is written as Sentry's
 * {@code sessions} items and release bodies.
 */
class HistoryPlanTest
{
    private static final long NOW = 1_764_600_000L; // 2025-12-01T14:40:00Z
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldMakeTheSameHistoryFromTheSameSeed()
    {
        assertEquals(digest(new HistoryPlan("app@1.", 100, 14, 10_000, 7, NOW)),
            digest(new HistoryPlan("app@1.", 100, 14, 10_000, 7, NOW)));
        assertTrue(digest(new HistoryPlan("app@1.", 100, 14, 10_000, 7, NOW)) !=
            digest(new HistoryPlan("app@1.", 100, 14, 10_000, 8, NOW)), "another seed, another history");
    }

    @Test
    void shouldCoverEveryHourOfThePeriodWithinTheLimits()
    {
        final HistoryPlan plan = new HistoryPlan("app@1.", 200, 14, 50_000, 1, NOW);
        assertEquals(200, plan.releases().size());
        assertEquals(NOW - NOW % 3600 + 3600 - 14 * 86_400L, plan.startSec());
        final Set<Long> hours = new HashSet<>();
        final Set<String> environments = new HashSet<>();
        final Set<String> versions = new HashSet<>();
        final long[] sessions = new long[3]; // all, crashed, errored
        plan.forEachItem((release, environment, startedSec, users, counts, entries) ->
        {
            assertTrue(entries >= 1 && entries <= HistoryPlan.MAX_ENTRIES, "entries " + entries);
            assertTrue(startedSec % 60 == 0 && startedSec >= plan.startSec() && startedSec <= NOW,
                "started " + startedSec);
            assertTrue(startedSec >= release.firstHourSec() && startedSec < release.endSec());
            for (int i = 0; i < entries; i++)
            {
                assertTrue(users[i] >= 0 && users[i] < 50_000);
                for (int k = 0; k < 4; k++)
                {
                    assertTrue(counts[4 * i + k] >= 0);
                    sessions[0] += counts[4 * i + k];
                }
                sessions[1] += counts[4 * i + 2];
                sessions[2] += counts[4 * i + 1];
            }
            hours.add(startedSec / 3600);
            environments.add(environment);
            versions.add(release.version());
        });
        assertEquals(14 * 24, hours.size(), "sessions in every hour of the period");
        assertEquals(Set.copyOf(HistoryPlan.ENVIRONMENTS), environments);
        assertEquals(200, versions.size(), "every release has sessions");
        assertTrue(sessions[1] > 0 && sessions[1] < sessions[0] / 20, "crashes, a few percent: " + sessions[1]);
        assertTrue(sessions[2] > sessions[1], "more errored than crashed sessions");

        final HistoryPlan.Release oldest = plan.releases().get(0);
        assertEquals(14 * 24, oldest.hours(), "the oldest long-lived release has every hour");
        double minCrash = 1;
        double maxCrash = 0;
        for (final HistoryPlan.Release r : plan.releases())
        {
            assertTrue(r.hours() >= 1, r.toString());
            minCrash = Math.min(minCrash, r.crashRate());
            maxCrash = Math.max(maxCrash, r.crashRate());
        }
        assertTrue(maxCrash > 10 * minCrash, "crash rates vary by release: " + minCrash + ".." + maxCrash);
    }

    @Test
    void shouldWriteSentrysSessionsItemAndReleaseBody() throws Exception
    {
        final StringBuilder envelope = new StringBuilder("{}\n");
        HistoryLoader.appendItem(envelope, "app@1.7", "staging", 1_764_590_400L, new int[] { 3, 9 },
            new int[] { 2, 1, 0, 0, 0, 0, 1, 1 }, 2);
        final String[] lines = envelope.toString().split("\n");
        assertEquals(3, lines.length);
        assertEquals("sessions", JSON.readTree(lines[1]).get("type").asText());
        final JsonNode item = JSON.readTree(lines[2]);
        assertEquals("app@1.7", item.at("/attrs/release").asText());
        assertEquals("staging", item.at("/attrs/environment").asText());
        assertEquals("2025-12-01T12:00:00Z", item.at("/aggregates/0/started").asText());
        assertEquals("u3", item.at("/aggregates/0/did").asText());
        assertEquals(2, item.at("/aggregates/0/exited").asInt());
        assertEquals(1, item.at("/aggregates/0/errored").asInt());
        assertTrue(item.at("/aggregates/0/crashed").isMissingNode(), "zero counts left out");
        assertEquals(1, item.at("/aggregates/1/crashed").asInt());
        assertEquals(1, item.at("/aggregates/1/abnormal").asInt());

        final HistoryPlan.Release r = new HistoryPlan("app@1.", 10, 2, 100, 1, NOW).releases().get(3);
        final JsonNode body = JSON.readTree(IndexBenchmark.releaseJson(r, "default"));
        assertEquals(r.version(), body.get("version").asText());
        assertEquals("default", body.at("/projects/0").asText());
        assertEquals(3, body.get("commits").size());
        final List<String> ids = new ArrayList<>();
        for (final JsonNode c : body.get("commits"))
        {
            assertTrue(c.get("id").asText().matches("[0-9a-f]{40}"), c.toString());
            ids.add(c.get("id").asText());
        }
        assertEquals(3, Set.copyOf(ids).size(), "distinct commits");
    }

    private static long digest(final HistoryPlan plan)
    {
        final long[] h = { 17 };
        plan.forEachItem((release, environment, startedSec, users, counts, entries) ->
        {
            h[0] = h[0] * 31 + release.index() * 7919L + environment.hashCode() + startedSec;
            for (int i = 0; i < entries; i++)
            {
                h[0] = h[0] * 31 + users[i] + 3L * counts[4 * i + 2];
            }
        });
        return h[0];
    }
}
