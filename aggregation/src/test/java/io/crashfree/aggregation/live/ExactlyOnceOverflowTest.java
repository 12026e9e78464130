package io.crashfree.aggregation.live;

import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.aggregation.store.AggregateValue;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch whose own entries fill the last free slots of each other's paths in a day's exactly-once set (the set
 * not grown yet): every crash is counted once — none dropped for want of a slot, none counted again when the same
 * terminal update comes back, before or after the flusher has grown the set and moved the overflowed entries in.
 */
class ExactlyOnceOverflowTest
{
    private static final long NOW_MS = 1_764_590_400_000L; // 2025-12-01T12:00:00Z

    @TempDir
    Path dir;

    @Test
    void shouldCountEveryCrashOnceWhenABatchOutrunsItsDaysSet()
    {
        // A first segment of 64 entries; 100 crashed sessions need 200 (crashed and errored).
        final AggregationSettings settings = new AggregationSettings(dir, 60, 1 << 12, 64, 64, 1 << 10, 10_000,
            48 * 3600L, 90 * 86_400L, 120, 1000, 5 * 86_400L, 60, 0.9, 0);
        try (Aggregation aggregation = Aggregation.openManual(settings, () -> NOW_MS))
        {
            // One envelope of 100: each entry finds room when checked, then the batch's own entries fill the set.
            assertEquals(0, aggregation.sink().fold(batch(0, 100, true)), "folded");
            assertTrue(aggregation.sink().overflowedEntries() > 0, "the batch outran its day's set");
            assertEquals(100, crashed(aggregation), "every crash once");
            // The set is full now: the same terminal updates sent again are refused before anything is folded
            // (503), until the flusher has grown the set; its entries that overflowed move in with it.
            assertEquals(1, aggregation.sink().fold(batch(0, 10, false)), "refused while the set is full");
            assertEquals(100, crashed(aggregation));
            aggregation.flusher().prepareDedupDays(NOW_MS);
            aggregation.flusher().prepareDedupDays(NOW_MS);
            for (int from = 0; from < 100; from += 10)
            {
                assertTrue(aggregation.sink().tryFold(batch(from, 10, false)));
            }
            assertEquals(100, crashed(aggregation),
                "sent again after the overflowed entries moved into the grown set: counted once");
            assertEquals(100, sessions(aggregation));
        }
    }

    private static SessionBatch batch(final int from, final int count, final boolean init)
    {
        final SessionBatch batch = new SessionBatch(100, 1);
        batch.reset(1, NOW_MS);
        for (int i = from; i < from + count; i++)
        {
            final SessionUpdate u = batch.tryAddUpdate();
            final long[] sid = MurmurHash3.hash(("sid-" + i).getBytes(StandardCharsets.UTF_8), 9001);
            final long[] did = MurmurHash3.hash(("user-" + i).getBytes(StandardCharsets.UTF_8), 9001);
            u.sidHash(sid[0], sid[1]);
            u.didHash(did[0], did[1]);
            u.init(init);
            u.startedMs(NOW_MS - 60_000);
            u.status(SessionStatus.CRASHED);
            u.errors(1);
            final byte[] r = "overflow@1".getBytes(StandardCharsets.UTF_8);
            u.attributes().release().setBytes(r, 0, r.length);
        }
        return batch;
    }

    private static long crashed(final Aggregation aggregation)
    {
        final AggregateValue total = new AggregateValue();
        aggregation.view().read(1, AggregationSettings.COARSE_WIDTH_SEC, 0, Long.MAX_VALUE, NOW_MS).values()
            .forEach(total::merge);
        assertEquals(total.crashed(), total.erroredSessions(), "crashed and errored alike");
        return total.crashed();
    }

    private static long sessions(final Aggregation aggregation)
    {
        final AggregateValue total = new AggregateValue();
        aggregation.view().read(1, AggregationSettings.COARSE_WIDTH_SEC, 0, Long.MAX_VALUE, NOW_MS).values()
            .forEach(total::merge);
        return total.sessions();
    }
}
