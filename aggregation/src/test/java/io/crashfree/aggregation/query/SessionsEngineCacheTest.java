package io.crashfree.aggregation.query;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stored-part cache never changes an answer: an engine with the cache and one without it, over the same
 * aggregates, give identical results while data arrives in the current hour, is flushed, arrives late into hours the
 * cache holds (live, then flushed into them), and ages out of the store; and the cache is actually used in between.
 */
@Timeout(120)
class SessionsEngineCacheTest
{
    private static final long START_MS = 1_764_000_000_000L + 30 * 60_000L; // 2025-11-24T16:30:00Z
    private static final int RELEASES = 6;

    @TempDir
    Path dir;

    private final AtomicLong nowMs = new AtomicLong(START_MS);
    private final Random random = new Random(11);

    @Test
    void shouldAnswerExactlyAsAFullReadThroughFlushesLateDataAndRetention()
    {
        final AggregationSettings settings = new AggregationSettings(dir, 60, 1 << 14, 512, 1 << 18, 1 << 10, 100_000,
            48 * 3600L, 3 * 86_400L, 120, 1000, 5 * 86_400L, 60, 0.75, 0);
        try (Aggregation aggregation = Aggregation.openManual(settings, nowMs::get))
        {
            final SessionsEngine cached = new SessionsEngine(aggregation.view(), settings);
            final SessionsEngine full = new SessionsEngine(aggregation.view(), settings, 0);
            // A day of data, flushed hour by hour as the flusher would, with the last hour still live.
            for (int minute = 24 * 60; minute >= 0; minute -= 7)
            {
                fold(aggregation, START_MS - minute * 60_000L, 12);
                if (minute % 60 < 7)
                {
                    aggregation.flusher().doWork(nowMs.get(), true);
                }
            }
            final List<SessionsQuery> queries = queries();
            assertSame(queries, cached, full, "after loading");
            final long hitsBefore = cached.cacheStats()[0];
            assertSame(queries, cached, full, "again, unchanged");
            assertTrue(cached.cacheStats()[0] >= hitsBefore + queries.size(), "the second round came from the cache");

            fold(aggregation, nowMs.get(), 30); // the current hour: read fresh every time
            assertSame(queries, cached, full, "current hour grew");

            nowMs.addAndGet(3 * 60_000L);
            aggregation.flusher().doWork(nowMs.get(), false);
            assertSame(queries, cached, full, "after a regular flush");

            fold(aggregation, START_MS - 5 * 3600_000L, 40); // late sessions into an hour the cache holds, still live
            assertSame(queries, cached, full, "late data live");
            aggregation.flusher().doWork(nowMs.get(), true); // ... and now stored into that hour
            final long missesBefore = cached.cacheStats()[1];
            assertSame(queries, cached, full, "late data flushed into a cached hour");
            assertTrue(cached.cacheStats()[1] > missesBefore, "the write into a cached hour made it read again");

            nowMs.addAndGet(70 * 60_000L); // into the next hour: the settled range moves
            fold(aggregation, nowMs.get(), 10);
            aggregation.flusher().doWork(nowMs.get(), true);
            assertSame(queries, cached, full, "next hour");

            nowMs.addAndGet(2 * 86_400_000L + 3600_000L); // hourly buckets begin to age out of a 3-day retention
            aggregation.flusher().prepareDedupDays(nowMs.get()); // as every flusher cycle does
            fold(aggregation, nowMs.get(), 10);
            final List<SessionsQuery> later = queries();
            assertSame(later, cached, full, "two days later");
            final long cutoffSec = nowMs.get() / 1000 - 3 * 86_400L;
            assertTrue(aggregation.store().keys().stream().anyMatch(k -> k.bucketSec() + 3600 <= cutoffSec));
            aggregation.flusher().doWork(nowMs.get(), true);
            assertTrue(aggregation.store().keys().stream().noneMatch(k -> k.bucketSec() + 3600 <= cutoffSec),
                "retention removed the oldest hours");
            assertSame(later, cached, full, "retention");
        }
    }

    private List<SessionsQuery> queries()
    {
        final long endSec = (nowMs.get() / 1000 / 3600 + 1) * 3600;
        final List<SessionField> fields = List.of(SessionField.SUM_SESSION, SessionField.COUNT_UNIQUE_USER,
            SessionField.CRASH_FREE_RATE_USER, SessionField.CRASH_FREE_RATE_SESSION, SessionField.P50_DURATION);
        return List.of(
            new SessionsQuery(List.of(1L), Set.of(), Set.of(), Set.of(), endSec - 24 * 3600, endSec, 3600, fields,
                List.of(GroupBy.RELEASE), null, false, 5000, true, true),
            new SessionsQuery(List.of(1L), Set.of(), Set.of(), Set.of(), endSec - 72 * 3600, endSec, 86_400,
                List.of(SessionField.SUM_SESSION, SessionField.COUNT_UNIQUE_USER), List.of(), null, false, 5000,
                true, true),
            new SessionsQuery(List.of(1L), Set.of(), Set.of("app@1"), Set.of(), endSec - 24 * 3600, endSec, 3600,
                List.of(SessionField.SUM_SESSION, SessionField.COUNT_UNIQUE_USER),
                List.of(GroupBy.SESSION_STATUS), null, false, 5000, true, true),
            new SessionsQuery(List.of(1L), Set.of(), Set.of(), Set.of(), endSec - 6 * 3600, endSec - 3600, 60,
                List.of(SessionField.SUM_SESSION, SessionField.CRASH_FREE_RATE_USER), List.of(GroupBy.RELEASE),
                SessionField.SUM_SESSION, true, 5000, true, true));
    }

    private void assertSame(final List<SessionsQuery> queries, final SessionsEngine cached, final SessionsEngine full,
        final String when)
    {
        for (final SessionsQuery q : queries)
        {
            final SessionsResult fullResult = full.run(q, nowMs.get());
            assertEquals(render(fullResult), render(cached.run(q, nowMs.get())), when + ": " + q);
            assertTrue(q != queries.get(0) || fullResult.groups().stream().anyMatch(
                g -> g.totals().getOrDefault(SessionField.SUM_SESSION, 0.0) > 0), when + ": the query found data");
        }
    }

    private static String render(final SessionsResult result)
    {
        final StringBuilder out = new StringBuilder().append(result.startSec()).append(' ').append(result.intervals());
        for (final SessionsResult.Group g : result.groups())
        {
            out.append('\n').append(g.by()).append(" totals=").append(new TreeMap<>(g.totals()));
            for (final Map.Entry<SessionField, double[]> e : new TreeMap<>(g.series()).entrySet())
            {
                out.append(' ').append(e.getKey()).append('=').append(Arrays.toString(e.getValue()));
            }
        }
        return out.toString();
    }

    private void fold(final Aggregation aggregation, final long startedMs, final int sessions)
    {
        final SessionBatch batch = new SessionBatch(100, 1);
        batch.reset(1, nowMs.get());
        for (int i = 0; i < sessions; i++)
        {
            final String did = "user-" + random.nextInt(300);
            final SessionUpdate u = batch.tryAddUpdate();
            final long[] user = MurmurHash3.hash(did.getBytes(StandardCharsets.UTF_8), 9001);
            final long[] sid = MurmurHash3.hash((did + startedMs + i).getBytes(StandardCharsets.UTF_8), 9001);
            u.sidHash(sid[0], sid[1]);
            u.didHash(user[0], user[1]);
            u.init(true);
            u.startedMs(startedMs);
            u.status(random.nextInt(10) == 0 ? SessionStatus.CRASHED : SessionStatus.EXITED);
            u.durationSeconds(random.nextInt(600));
            final byte[] r = ("app@" + random.nextInt(RELEASES)).getBytes(StandardCharsets.UTF_8);
            u.attributes().release().setBytes(r, 0, r.length);
            final byte[] e = (random.nextBoolean() ? "production" : "staging").getBytes(StandardCharsets.UTF_8);
            u.attributes().environment().setBytes(e, 0, e.length);
        }
        assertTrue(aggregation.sink().tryFold(batch), "folded");
    }
}
