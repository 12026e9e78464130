package io.crashfree.aggregation.live;

import io.crashfree.aggregation.files.DiskFullException;
import io.crashfree.aggregation.files.SmallFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.crashfree.aggregation.live.DedupSets.FULL;
import static io.crashfree.aggregation.live.DedupSets.NEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once sets on a full disk (a tmpfs of its own): a segment the disk cannot hold is never published (inserts
 * that need it answer FULL, so the request is refused and retried, never a fault on the inserting thread), nothing
 * half-made is left, and the set grows again once space returns.
 */
@Timeout(30)
class DedupSetsDiskFullTest
{
    private static final long DAY = 20_400;
    private static final int INITIAL = 1024;

    @TempDir
    Path dir;

    @Test
    void shouldNotPublishASegmentTheDiskCannotHoldAndGrowOnceSpaceReturns() throws Exception
    {
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), 1 << 20);
            DedupSets sets = new DedupSets(fs.path(), INITIAL))
        {
            assertTrue(sets.prepare(DAY));
            fs.fillLeaving(0);
            long fingerprint = 1;
            while (sets.fill(DAY) < 0.3)
            {
                assertEquals(NEW, sets.tryInsert(DAY, fingerprint++));
            }
            assertFalse(sets.prepare(DAY), "no room for the next segment");
            assertEquals(1, sets.segments(DAY));
            assertEquals(1, sets.growthFailures());
            final DiskFullException full = assertInstanceOf(DiskFullException.class, sets.lastGrowthFailure());
            assertTrue(full.getMessage().contains(fs.path().resolve("dedup-" + DAY + "-1.dat").toString()),
                full.getMessage());
            try (Stream<Path> files = Files.list(fs.path()))
            {
                assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "nothing half-made");
            }
            long refused = 0;
            while (refused == 0 && fingerprint < 4 * INITIAL)
            {
                refused = sets.tryInsert(DAY, fingerprint++) == FULL ? fingerprint - 1 : 0;
            }
            assertTrue(refused > 0, "the segment fills up to FULL without a fault");

            fs.free();
            assertTrue(sets.prepare(DAY), "space is back");
            assertEquals(2, sets.segments(DAY));
            assertEquals(NEW, sets.tryInsert(DAY, refused), "the refused one goes in now");
        }
    }
}
