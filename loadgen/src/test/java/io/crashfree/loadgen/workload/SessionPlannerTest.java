package io.crashfree.loadgen.workload;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
