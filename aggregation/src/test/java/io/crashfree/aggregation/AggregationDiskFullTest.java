package io.crashfree.aggregation;

import io.crashfree.aggregation.files.DiskFullException;
import io.crashfree.aggregation.files.SmallFilesystem;
import io.crashfree.aggregation.files.StorageStatus;
import io.crashfree.aggregation.session.SessionBatch;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.store.AggregateValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregation side on a small filesystem of its own (a tmpfs): it refuses to start where its files do not fit,
 * saying so in one line and leaving nothing behind; and when the disk fills while it runs, the flusher keeps the live
 * records instead of writing the store, says so once, and moves them when space returns.
 */
@Timeout(60)
class AggregationDiskFullTest
{
    private static final long NOW_MS = 1_764_000_000_000L;

    @TempDir
    Path dir;

    private static AggregationSettings settings(final Path dataDir, final int records, final long storeEntries)
    {
        return new AggregationSettings(dataDir, 60, records, 16, 64, 64, storeEntries, 48 * 3600L, 90 * 86_400L, 0,
            1000, 5 * 86_400L, 60, 0.75, 0);
    }

    @Test
    void shouldRefuseToStartOnADiskTooSmallInOneLineNamingTheDirectoryAndTheBytesAndLeaveNoFiles() throws Exception
    {
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), 1 << 20))
        {
            final Path dataDir = fs.path().resolve("data");
            final DiskFullException ex = assertThrows(DiskFullException.class,
                () -> Aggregation.openManual(settings(dataDir, 1024, 1000), () -> NOW_MS).close());
            final String message = ex.getMessage();
            assertTrue(message.startsWith("not enough disk space for " + dataDir + ": it needs "), message);
            assertTrue(message.contains("live/table.dat 528384") && message.contains("usable"), message);
            assertFalse(message.contains("\n"), "one line: " + message);
            assertFalse(Files.exists(dataDir.resolve("live")), "nothing half-made is left");
            assertFalse(Files.exists(dataDir.resolve("store")), "nothing half-made is left");
        }
    }

    @Test
    void shouldKeepRecordsLiveWhileTheStoreCannotGrowAndMoveThemWhenSpaceReturns() throws Exception
    {
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), 16 << 20))
        {
            final List<String> warnings = new CopyOnWriteArrayList<>();
            try (Aggregation aggregation = Aggregation.openManual(settings(fs.path().resolve("data"), 1024, 1000),
                () -> NOW_MS, warnings::add))
            {
                fold(aggregation, 50, 0);
                fs.fillLeaving(0);

                assertEquals(0, aggregation.flusher().doWork(NOW_MS, false), "nothing is flushed to a full disk");
                assertEquals(50, aggregation.table().liveRecords(), "the records stay live");
                final StorageStatus storage = aggregation.storage();
                assertTrue(storage.failing(StorageStatus.Area.STORE));
                assertTrue(storage.failures(StorageStatus.Area.STORE) >= 1);
                assertTrue(warnings.stream().anyMatch(w -> w.startsWith("disk full: the flusher cannot write the " +
                    "store: not enough disk space for ")), warnings.toString());
                assertEquals(50, sessions(aggregation), "queries still see every session");
                aggregation.flusher().doWork(NOW_MS, false);
                assertEquals(1, warnings.size(), "one line per episode, not per attempt: " + warnings);

                fs.free();
                assertEquals(50, aggregation.flusher().doWork(NOW_MS, false));
                assertEquals(0, aggregation.table().liveRecords());
                assertFalse(storage.failing(StorageStatus.Area.STORE));
                assertTrue(warnings.get(1).startsWith("recovered: the flusher can write the store again"),
                    warnings.toString());
                assertEquals(50, sessions(aggregation), "every session is in the store now");
                assertEquals(50 + 40, aggregation.store().size(), "50 fine buckets and 40 hourly roll-ups");
            }
        }
    }

    @Test
    void shouldKeepRecordsLiveWhenTheStoreIsFullAndCountTheFailedWrites()
    {
        final List<String> warnings = new CopyOnWriteArrayList<>();
        // Laid out for 10 entries it holds a few hundred at most (bloat factor 8): 2,000 keys cannot all go in.
        try (Aggregation aggregation = Aggregation.openManual(settings(dir.resolve("data"), 4096, 10), () -> NOW_MS,
            warnings::add))
        {
            fold(aggregation, 1000, 0);
            fold(aggregation, 1000, 1);
            aggregation.flusher().doWork(NOW_MS, true);
            final StorageStatus storage = aggregation.storage();
            assertTrue(storage.failing(StorageStatus.Area.STORE), warnings.toString());
            assertTrue(aggregation.table().liveRecords() > 0, "what the store cannot take stays live");
            assertEquals(2000, sessions(aggregation), "nothing is lost");
            assertTrue(warnings.get(0).startsWith("write failed: the flusher cannot write the store: "),
                warnings.toString());
        }
    }

    /** Folds {@code keys} init sessions, each its own release-less key: one bucket per minute, ten minutes ago on. */
    private static void fold(final Aggregation aggregation, final int keys, final int environment)
    {
        final SessionBatch batch = new SessionBatch(10, 10);
        batch.reset(1, NOW_MS);
        for (int i = 0; i < keys; i++)
        {
            AggregationOracleTest.update(batch.tryAddUpdate(), new AggregationOracleTest.Update(1, "app@" + (i % 40),
                "env-" + environment, "s" + environment + "-" + i, "u" + i, NOW_MS - 600_000L - 60_000L * (i / 40),
                true, SessionStatus.OK, 0, -1));
            if (batch.itemCount() == 10)
            {
                assertTrue(aggregation.sink().tryFold(batch));
                batch.reset(1, NOW_MS);
            }
        }
        if (batch.itemCount() > 0)
        {
            assertTrue(aggregation.sink().tryFold(batch));
        }
    }

    private static long sessions(final Aggregation aggregation)
    {
        final AggregateValue total = new AggregateValue();
        aggregation.view().read(1, AggregationSettings.COARSE_WIDTH_SEC, 0, Long.MAX_VALUE, NOW_MS).values()
            .forEach(total::merge);
        return total.sessions();
    }
}
