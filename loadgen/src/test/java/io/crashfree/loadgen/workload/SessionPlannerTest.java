package io.crashfree.loadgen.workload;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions are planned as the SDKs send them, with ids that never repeat, interleaved, and recycled only when done.
 */
class SessionPlannerTest
{
    @Test
    void shouldPlanEachOutcomeAsTheSdksSendIt()
    {
        final Object[][] rows = {
            {SdkStyle.JAVA, Outcome.HEALTHY, new UpdateSpec[] {UpdateSpec.JAVA_INIT, UpdateSpec.JAVA_EXITED}},
            {SdkStyle.JAVA, Outcome.ERRORED, new UpdateSpec[] {UpdateSpec.JAVA_INIT, UpdateSpec.JAVA_ERROR,
                UpdateSpec.JAVA_EXITED_ERRORS}},
            {SdkStyle.JAVA, Outcome.CRASHED, new UpdateSpec[] {UpdateSpec.JAVA_INIT, UpdateSpec.JAVA_CRASHED,
                UpdateSpec.JAVA_CRASHED}},
            {SdkStyle.JAVA, Outcome.ABNORMAL, new UpdateSpec[] {UpdateSpec.JAVA_INIT, UpdateSpec.JAVA_ABNORMAL,
                UpdateSpec.JAVA_ABNORMAL}},
            {SdkStyle.NODE, Outcome.HEALTHY, new UpdateSpec[] {UpdateSpec.NODE_INIT_EXITED}},
            {SdkStyle.NODE, Outcome.ERRORED, new UpdateSpec[] {UpdateSpec.NODE_INIT_ERRORED,
                UpdateSpec.NODE_EXITED_ERRORS}},
            {SdkStyle.NODE, Outcome.CRASHED, new UpdateSpec[] {UpdateSpec.NODE_INIT_CRASHED}},
        };
        for (final Object[] row : rows)
        {
            final UpdateSpec[] plan = UpdateSpec.plan((SdkStyle)row[0], (Outcome)row[1]);
            assertArrayEquals((UpdateSpec[])row[2], plan, row[0] + " " + row[1]);
            int inits = 0;
            for (final UpdateSpec u : plan)
            {
                inits += u.init() ? 1 : 0;
            }
            assertEquals(1, inits, "exactly one init update: " + row[0] + " " + row[1]);
            final boolean errored = row[1] != Outcome.HEALTHY;
            boolean anyError = false;
            for (final UpdateSpec u : plan)
            {
                anyError |= u.errored();
            }
            assertEquals(errored, anyError, "errored flag: " + row[0] + " " + row[1]);
            final UpdateSpec last = plan[plan.length - 1];
            final Outcome terminal = row[1] == Outcome.HEALTHY || row[1] == Outcome.ERRORED ? null : (Outcome)row[1];
            assertEquals(terminal, last.terminalOutcome(), "terminal state: " + row[0] + " " + row[1]);
        }
    }

    @Test
    void shouldNeverRepeatASessionIdAndRecycleOnlyFinishedSessions()
    {
        final WorkloadSpec spec = new WorkloadSpec(List.of("a@1", "a@2"), 1.0, List.of("production"),
            new double[] {1}, 100, new double[] {1, 1, 1, 1, 1}, SdkStyle.JAVA, EnvelopeKind.SESSION, 0, 100, 1);
        final SessionPlanner planner = new SessionPlanner(spec, 1, 99, 0, 4);
        final Set<String> ids = new HashSet<>();
        final List<PlannedSession> inFlight = new ArrayList<>();
        final Set<PlannedSession> objects = new HashSet<>();
        for (int i = 0; i < 10_000; i++)
        {
            final PlannedSession s = planner.nextSession(1_000_000L + i);
            if (s.nextUpdate == 0)
            {
                assertTrue(ids.add(s.sidHigh() + ":" + s.sidLow()), "session id repeated at request " + i);
            }
            s.takeNextUpdate();
            inFlight.add(s);
            objects.add(s);
            if (inFlight.size() > 8)
            {
                planner.onAnswered(inFlight.remove(0));
            }
        }
        assertTrue(ids.size() > 3000, "sessions planned: " + ids.size());
        assertTrue(objects.size() < 40, "sessions are pooled, not allocated per session: " + objects.size());
    }

    @Test
    void shouldInterleaveTheUpdatesOfOpenSessions()
    {
        final WorkloadSpec spec = new WorkloadSpec(List.of("a@1"), 1.0, List.of("production"), new double[] {1}, 10,
            new double[] {1, 0, 0, 0, 0}, SdkStyle.JAVA, EnvelopeKind.SESSION, 0, 100, 1);
        final SessionPlanner planner = new SessionPlanner(spec, 1, 99, 0, 3);
        final PlannedSession first = planner.nextSession(0);
        first.takeNextUpdate();
        final PlannedSession second = planner.nextSession(0);
        second.takeNextUpdate();
        assertTrue(first != second, "consecutive requests belong to different sessions");
    }

    @Test
    void shouldSendTheInitNowAndTheTerminalUpdateWithinTheSessionLength()
    {
        for (final SdkStyle style : SdkStyle.values())
        {
            final WorkloadSpec spec = new WorkloadSpec(List.of("a@1", "a@2"), 1.0, List.of("production"),
                new double[] {1}, 100, new double[] {1, 1, 1, 1, 1}, style, EnvelopeKind.SESSION, 0, 100, 1)
                .withSessionLength(60_000, 1_800_000);
            final SessionPlanner planner = new SessionPlanner(spec, 3, 99, 0, 4);
            final long start = 1_795_606_115_179L;
            final java.util.Map<Long, PlannedSession> started = new java.util.HashMap<>();
            final java.util.Map<Long, Outcome> outcomes = new java.util.HashMap<>();
            for (int i = 0; i < 2000; i++)
            {
                final PlannedSession s = planner.nextSession(start + i);
                final UpdateSpec u = s.takeNextUpdate();
                assertTrue(u.init() && !u.errored() && u.terminalOutcome() == null,
                    style + ": the first update is a plain init: " + u);
                assertTrue(s.exhausted(), "nothing else is sent at the start");
                started.put(s.sidLow(), copy(s));
                outcomes.put(s.sidLow(), s.outcome());
                planner.onAnswered(s);
            }
            assertEquals(2000, planner.pendingTerminals(), "every terminal update is held");
            final PlannedSession t = PlannedSession.reusable();
            assertFalse(planner.nextDueTerminal(start + 59_000, t), "nothing is due before the shortest session");
            int sends = 0;
            final java.util.Map<Long, Integer> perSession = new java.util.HashMap<>();
            for (long now = start + 59_000; now <= start + 1_805_000; now += 500)
            {
                while (planner.nextDueTerminal(now, t))
                {
                    final PlannedSession s = started.get(t.sidLow());
                    assertTrue(s != null, "a terminal update of a planned session");
                    assertEquals(s.startedMs(), t.startedMs(), "the same started as the init");
                    assertEquals(s.user(), t.user());
                    assertEquals(s.release(), t.release());
                    assertTrue(now - s.startedMs() >= 59_000 && now - s.startedMs() <= 1_804_000,
                        "within the session length (a repeated send a second later): " + (now - s.startedMs()));
                    final UpdateSpec u = t.takeNextUpdate();
                    assertEquals(UpdateSpec.terminal(style, s.outcome()), u);
                    assertEquals(s.outcome() != Outcome.HEALTHY, u.errored(), "errored per the outcome");
                    perSession.merge(t.sidLow(), 1, Integer::sum);
                    sends++;
                    planner.onTerminalAnswered(t, now);
                }
            }
            assertEquals(0, planner.pendingTerminals(), "all sent after the longest session");
            assertEquals(2000, perSession.size(), "every session ended");
            for (final java.util.Map.Entry<Long, Integer> e : perSession.entrySet())
            {
                assertEquals(UpdateSpec.terminalSends(style, outcomes.get(e.getKey())), e.getValue(),
                    style + " " + outcomes.get(e.getKey()) + ": the terminal update's sends");
            }
            assertEquals(2000 + repeats(style, outcomes), sends);
        }
    }

    @Test
    void shouldNotCountTheJavaSdksSecondTerminalSendWhenTheFirstWasAcknowledged()
    {
        final WorkloadSpec spec = new WorkloadSpec(List.of("a@1"), 1.0, List.of("production"), new double[] {1}, 10,
            new double[] {0, 0, 1, 0, 0}, SdkStyle.JAVA, EnvelopeKind.SESSION, 0, 100, 1).withSessionLength(0, 0);
        final SessionPlanner planner = new SessionPlanner(spec, 3, 99, 0, 1);
        long now = 1_795_606_115_179L;
        for (final boolean firstAcked : new boolean[] {true, false})
        {
            now += 10_000;
            final PlannedSession s = planner.nextSession(now);
            s.takeNextUpdate();
            planner.onAnswered(s);
            final PlannedSession t = PlannedSession.reusable();
            assertTrue(planner.nextDueTerminal(now, t));
            assertEquals(UpdateSpec.JAVA_CRASHED, t.takeNextUpdate());
            if (firstAcked)
            {
                assertTrue(t.tryAckErrored() && t.tryAckTerminal(), "the ground truth counts the first send");
            }
            planner.onTerminalAnswered(t, now);
            assertFalse(planner.nextDueTerminal(now, t), "the second send waits a second");
            assertTrue(planner.nextDueTerminal(now + 1000, t));
            assertEquals(UpdateSpec.JAVA_CRASHED, t.takeNextUpdate());
            assertEquals(!firstAcked, t.tryAckTerminal(), "counted once: first acknowledged = " + firstAcked);
            planner.onTerminalAnswered(t, now + 1000);
            assertEquals(0, planner.pendingTerminals(), "two sends, no third");
        }
    }

    @Test
    void shouldSplitTrafficBetweenProjectsAndSdksByWeight()
    {
        final WorkloadSpec spec = new WorkloadSpec(List.of("a@1", "a@2", "a@3"), 1.0, List.of("production", "qa"),
            new double[] {1, 1}, 1000, new double[] {1, 1, 1, 1, 1}, SdkStyle.NODE, EnvelopeKind.MIX, 0.2, 10, 1)
            .withProjects(new long[] {1, 2, 3}, new double[] {2, 1, 1}).withStyles(new double[] {0.5, 0.5});
        final SessionPlanner planner = new SessionPlanner(spec, 5, 99, 0, 4);
        final int[] projects = new int[3];
        final int[] styles = new int[2];
        final int[] aggregateStyles = new int[2];
        final AggregateBatch batch = new AggregateBatch(10);
        int aggregates = 0;
        final int n = 40_000;
        for (int i = 0; i < n; i++)
        {
            if (planner.nextIsAggregate())
            {
                planner.fill(batch, 1_795_606_115_179L);
                aggregateStyles[batch.style().ordinal()]++;
                projects[batch.project()]++;
                aggregates++;
                continue;
            }
            final PlannedSession s = planner.nextSession(1_795_606_115_179L + i);
            if (s.nextUpdate == 0)
            {
                projects[s.project()]++;
                styles[s.style().ordinal()]++;
                assertEquals(UpdateSpec.plan(s.style(), s.outcome()), s.plan, "each session in its SDK's updates");
            }
            s.takeNextUpdate();
            planner.onAnswered(s);
        }
        final int total = projects[0] + projects[1] + projects[2];
        assertEquals(0.5, projects[0] / (double)total, 0.02, "project 1 has weight 2 of 4");
        assertEquals(0.25, projects[1] / (double)total, 0.02);
        assertEquals(0.25, projects[2] / (double)total, 0.02);
        assertEquals(0.5, styles[0] / (double)(styles[0] + styles[1]), 0.02, "half the sessions Java-shaped");
        assertEquals(0.5, aggregateStyles[0] / (double)aggregates, 0.05, "half the aggregates Java-framed");
        assertEquals(0.2, aggregates / (double)n, 0.02, "aggregates at their share");
        assertEquals(3 * 3 * 2, spec.keyCount());
        assertEquals(spec.key(2, 1, 1), 2 * 6 + 1 * 2 + 1);
        assertEquals(2, spec.projectOf(spec.key(2, 1, 0)));
        assertEquals(1, spec.releaseOf(spec.key(2, 1, 0)));
        assertEquals(0, spec.environmentOf(spec.key(2, 1, 0)));
    }

    private static int repeats(final SdkStyle style, final java.util.Map<Long, Outcome> outcomes)
    {
        int n = 0;
        for (final Outcome o : outcomes.values())
        {
            n += UpdateSpec.terminalSends(style, o) - 1;
        }
        return n;
    }

    private static PlannedSession copy(final PlannedSession s)
    {
        final PlannedSession c = PlannedSession.reusable();
        c.project = s.project;
        c.release = s.release;
        c.environment = s.environment;
        c.user = s.user;
        c.outcome = s.outcome;
        c.startedMs = s.startedMs;
        c.style = s.style;
        return c;
    }
}
