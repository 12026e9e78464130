package io.crashfree.loadgen.verify;

import io.crashfree.loadgen.truth.GroundTruth;
import io.crashfree.loadgen.truth.TruthRecorder;
import io.crashfree.loadgen.truth.UserSets;
import io.crashfree.loadgen.workload.AggregateBatch;
import io.crashfree.loadgen.workload.EnvelopeKind;
import io.crashfree.loadgen.workload.SdkStyle;
import io.crashfree.loadgen.workload.SessionPlanner;
import io.crashfree.loadgen.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparison rules, one row per kind of answer: the exact answer passes; a counter off by one fails; users pass
 * within the tolerance and fail outside it; groups of other releases are ignored; a missing group is a zero; an extra
 * group of a run release fails; an absent environment matches a null one; sessions in doubt widen the margin.
 */
class VerifierTest
{
    private static final String REL = "app@1.0";

    @Test
    void shouldApplyTheComparisonRules()
    {
        final GroundTruth truth = truth(1000, 0);
        final Object[][] rows = {
            {"exact answer", UnaryOperator.<List<SessionsAnswer.Group>>identity(), true, null},
            {"a crashed count off by one", set("crashed", "sum(session)", +1), false, "crashed sum(session)"},
            {"a healthy count off by one", set("healthy", "sum(session)", -1), false, "healthy sum(session)"},
            {"users off by less than 2% plus one", setTotal("count_unique(user)", +2), true, null},
            {"users off by more than 2%", setTotal("count_unique(user)", +20), false, "null count_unique(user)"},
            {"crashed users off by two", set("crashed", "count_unique(user)", -2), true, null},
            {"crashed users off by five", set("crashed", "count_unique(user)", +5), false,
                "crashed count_unique(user)"},
            {"a group of another release", add("other@9", null, "crashed", 5), true, null},
            {"an extra group of a run release", add(REL, "staging", "crashed", 1), false, "crashed sum(session)"},
            {"a missing crashed group", remove("crashed"), false, "crashed sum(session)"},
            {"an environment key left out instead of null", dropEnvironmentKey(), true, null},
        };
        for (final Object[] row : rows)
        {
            @SuppressWarnings("unchecked")
            final UnaryOperator<List<SessionsAnswer.Group>> change = (UnaryOperator<List<SessionsAnswer.Group>>)row[1];
            final VerifyReport report = Verifier.compare(truth.keys(), 1, Set.of(REL),
                new SessionsAnswer(change.apply(answer(truth, true))),
                new SessionsAnswer(change.apply(answer(truth, false))), UsersTolerance.DEFAULT);
            assertEquals(row[2], report.ok(), row[0] + ": " + report.text());
            if (row[3] != null)
            {
                boolean found = false;
                for (final Difference d : report.differences())
                {
                    found |= (d.status() + " " + d.field()).equals(row[3]);
                }
                assertTrue(found, row[0] + ": expected a difference " + row[3] + " in " + report.text());
            }
        }
    }

    @Test
    void shouldWidenTheMarginBySessionsInDoubt()
    {
        final GroundTruth truth = truth(1000, 3);
        final VerifyReport within = Verifier.compare(truth.keys(), 1, Set.of(REL),
            new SessionsAnswer(set("crashed", "sum(session)", +3).apply(answer(truth, true))),
            new SessionsAnswer(answer(truth, false)), UsersTolerance.DEFAULT);
        assertTrue(within.ok(), within.text());
        assertFalse(within.notes().isEmpty(), "the doubt is mentioned");
        final VerifyReport beyond = Verifier.compare(truth.keys(), 1, Set.of(REL),
            new SessionsAnswer(set("crashed", "sum(session)", +4).apply(answer(truth, true))),
            new SessionsAnswer(answer(truth, false)), UsersTolerance.DEFAULT);
        assertFalse(beyond.ok(), beyond.text());
    }

    @Test
    void shouldFailWhenNothingWasAcknowledged()
    {
        final WorkloadSpec spec = spec();
        final GroundTruth empty = GroundTruth.merge(spec, List.of(new TruthRecorder(spec, new UserSets(1, 1000))),
            new UserSets(1, 1000));
        final VerifyReport report = Verifier.compare(empty.keys(), 1, Set.of(REL), new SessionsAnswer(List.of()),
            new SessionsAnswer(List.of()), UsersTolerance.DEFAULT);
        assertFalse(report.ok(), "nothing compared is not a pass");
    }

    @Test
    void shouldFollowOnlyNextLinksWithResults()
    {
        assertEquals("http://h/x?cursor=0:100:0", SessionsQuery.nextPage(
            "<http://h/x?cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", " +
            "<http://h/x?cursor=0:100:0>; rel=\"next\"; results=\"true\"; cursor=\"0:100:0\""));
        assertNull(SessionsQuery.nextPage("<http://h/x?cursor=0:100:0>; rel=\"next\"; results=\"false\""));
        assertNull(SessionsQuery.nextPage(null));
    }

    @Test
    void shouldAskForTheRunsHoursWithSentrysParameters()
    {
        final SessionsQuery q = new SessionsQuery("127.0.0.1", 9400, "crashfree", "t", java.time.Duration.ofSeconds(1));
        final String url = q.url(1, List.of("sum(session)", "count_unique(user)"),
            List.of("release", "environment", "session.status"), 1_795_606_115_179L, 1_795_606_175_179L);
        assertEquals("http://127.0.0.1:9400/api/0/organizations/crashfree/sessions/?project=1&field=sum(session)" +
            "&field=count_unique(user)&groupBy=release&groupBy=environment&groupBy=session.status" +
            "&start=2026-11-25T11:00:00Z&end=2026-11-25T12:00:00Z&interval=1h&includeSeries=0", url);
    }

    @Test
    void shouldBatchReleasesSoThatEveryGroupFitsInOnePage()
    {
        final long hour = 3_600_000L;
        assertEquals(5000, SessionsQuery.pageGroups(10 * hour + 5, 10 * hour + 600_000), "one hour: 5000 groups");
        assertEquals(2500, SessionsQuery.pageGroups(10 * hour + 5, 11 * hour + 5), "two hours: 5000 / 2");
        final List<String> releases = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            releases.add("app@1." + i);
        }
        releases.add("odd,name@1");
        final List<List<String>> batches = SessionsQuery.batches(releases, 166);
        int total = 0;
        for (final List<String> b : batches)
        {
            assertTrue(b.size() <= 166, "at most the groups of one page: " + b.size());
            total += b.size();
        }
        assertEquals(releases.size(), total, "every release asked about once");
        assertTrue(batches.contains(List.of("odd,name@1")), "a name with a comma goes alone");
        assertEquals("release:\"odd,name@1\"", SessionsQuery.releaseSearch(List.of("odd,name@1")));
        assertEquals("release:[a@1,b@2]", SessionsQuery.releaseSearch(List.of("a@1", "b@2")));
        final List<String> longNames = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            longNames.add("x".repeat(190) + i);
        }
        for (final List<String> b : SessionsQuery.batches(longNames, 1000))
        {
            assertTrue(String.join(",", b).length() < 3100, "the request line stays short: " + b.size());
        }
        final SessionsQuery q = new SessionsQuery("127.0.0.1", 9400, "crashfree", "t", java.time.Duration.ofSeconds(1));
        assertTrue(q.url(1, List.of("sum(session)"), List.of("release"), 0, 1, "release:[a@1,b@2]", 2500)
            .endsWith("&includeSeries=0&query=release:%5Ba@1,b@2%5D&per_page=2500"));
    }

    /** Sessions of one release without environment from one-session aggregate entries, users drawn from 500. */
    private static GroundTruth truth(final int sessions, final int inDoubtEntries)
    {
        final WorkloadSpec spec = spec();
        final UserSets users = new UserSets(spec.keyCount(), spec.users());
        final TruthRecorder recorder = new TruthRecorder(spec, users);
        final SessionPlanner planner = new SessionPlanner(spec, 1, 2, 0, 1);
        final AggregateBatch batch = new AggregateBatch(1);
        int done = 0;
        while (done < sessions)
        {
            planner.fill(batch, 1_795_606_115_179L);
            recorder.onAggregatesAcked(batch);
            done++;
        }
        for (int i = 0; i < inDoubtEntries; i++)
        {
            planner.fill(batch, 1_795_606_115_179L);
            recorder.onAggregatesInDoubt(batch);
        }
        return GroundTruth.merge(spec, List.of(recorder), users);
    }

    private static WorkloadSpec spec()
    {
        // No environment: the node answers such groups with a null (or absent) environment.
        return new WorkloadSpec(List.of(REL), 1.0, java.util.Arrays.asList((String)null), new double[] {1}, 500,
            new double[] {0.9, 0.05, 0.03, 0.01, 0.01}, SdkStyle.NODE, EnvelopeKind.SESSIONS, 1, 1, 1);
    }

    private static List<SessionsAnswer.Group> answer(final GroundTruth truth, final boolean byStatus)
    {
        final List<SessionsAnswer.Group> groups = new ArrayList<>();
        for (final var k : truth.keys())
        {
            if (!byStatus)
            {
                groups.add(group(k.release(), k.environment(), null, k.sessions(), k.users()));
                continue;
            }
            for (final var o : io.crashfree.loadgen.workload.Outcome.values())
            {
                groups.add(group(k.release(), k.environment(), o.statusName(), k.sessions(o), k.users(o)));
            }
        }
        return groups;
    }

    private static SessionsAnswer.Group group(final String release, final String environment, final String status,
        final double sessions, final double users)
    {
        final Map<String, String> by = new LinkedHashMap<>();
        by.put("release", release);
        by.put("environment", environment);
        if (status != null)
        {
            by.put("session.status", status);
        }
        final Map<String, Double> totals = new LinkedHashMap<>();
        totals.put("sum(session)", sessions);
        totals.put("count_unique(user)", users);
        return new SessionsAnswer.Group(by, totals);
    }

    private static UnaryOperator<List<SessionsAnswer.Group>> set(final String status, final String field,
        final double delta)
    {
        return groups ->
        {
            final List<SessionsAnswer.Group> out = new ArrayList<>();
            for (final SessionsAnswer.Group g : groups)
            {
                if (status.equals(g.by().get("session.status")))
                {
                    final Map<String, Double> totals = new LinkedHashMap<>(g.totals());
                    totals.put(field, totals.get(field) + delta);
                    out.add(new SessionsAnswer.Group(g.by(), totals));
                }
                else
                {
                    out.add(g);
                }
            }
            return out;
        };
    }

    private static UnaryOperator<List<SessionsAnswer.Group>> setTotal(final String field, final double delta)
    {
        return groups ->
        {
            final List<SessionsAnswer.Group> out = new ArrayList<>();
            for (final SessionsAnswer.Group g : groups)
            {
                if (!g.by().containsKey("session.status"))
                {
                    final Map<String, Double> totals = new LinkedHashMap<>(g.totals());
                    totals.put(field, totals.get(field) + delta);
                    out.add(new SessionsAnswer.Group(g.by(), totals));
                }
                else
                {
                    out.add(g);
                }
            }
            return out;
        };
    }

    private static UnaryOperator<List<SessionsAnswer.Group>> add(final String release, final String environment,
        final String status, final double sessions)
    {
        return groups ->
        {
            final List<SessionsAnswer.Group> out = new ArrayList<>(groups);
            if (groups.get(0).by().containsKey("session.status"))
            {
                out.add(group(release, environment, status, sessions, 1));
            }
            return out;
        };
    }

    private static UnaryOperator<List<SessionsAnswer.Group>> remove(final String status)
    {
        return groups ->
        {
            final List<SessionsAnswer.Group> out = new ArrayList<>(groups);
            out.removeIf(g -> status.equals(g.by().get("session.status")));
            return out;
        };
    }

    private static UnaryOperator<List<SessionsAnswer.Group>> dropEnvironmentKey()
    {
        return groups ->
        {
            final List<SessionsAnswer.Group> out = new ArrayList<>();
            for (final SessionsAnswer.Group g : groups)
            {
                final Map<String, String> by = new LinkedHashMap<>(g.by());
                if (by.get("environment") == null)
                {
                    by.remove("environment");
                }
                out.add(new SessionsAnswer.Group(by, g.totals()));
            }
            return out;
        };
    }
}
