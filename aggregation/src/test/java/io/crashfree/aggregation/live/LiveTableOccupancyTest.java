package io.crashfree.aggregation.live;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveTableOccupancyTest
{
    @TempDir
    Path dir;

    @Test
    void shouldVisitExactlyTheRecordsThatHoldDataBeforeAndAfterReopening()
    {
        final TreeSet<Integer> expected = new TreeSet<>();
        final Random random = new Random(7);
        try (LiveTable table = new LiveTable(dir.resolve("t.dat"), 1024, new BlockArena(dir.resolve("d.dat"), 8)))
        {
            assertEquals(-1, table.nextOccupied(0));
            for (int k = 0; k < 700; k++)
            {
                final int off = table.acquire(1, k, 0, 60L * random.nextInt(10));
                table.release(off, 1);
                expected.add(index(off));
            }
            for (final Integer i : expected.stream().filter(i -> random.nextInt(3) == 0).toList())
            {
                final int off = LiveTable.recordOffset(i);
                table.seal(off);
                table.free(off);
                expected.remove(i);
            }
            final int sealed = expected.first();
            table.seal(LiveTable.recordOffset(sealed)); // sealed, not yet flushed: still holds data
            assertEquals(expected, walk(table));
            assertEquals(expected.size(), table.liveRecords());
        }
        try (LiveTable table = new LiveTable(dir.resolve("t.dat"), 1024, new BlockArena(dir.resolve("d.dat"), 8)))
        {
            assertEquals(expected, walk(table));
            for (final int i : walk(table))
            {
                final int state = table.state(LiveTable.recordOffset(i));
                assertEquals(true, state == STATE_READY || state == STATE_SEALED);
            }
        }
    }

    @Test
    void shouldWalkTablesSmallerThanOneBitmapWord()
    {
        try (LiveTable table = new LiveTable(dir.resolve("s.dat"), 16, new BlockArena(dir.resolve("sd.dat"), 8)))
        {
            final int off = table.acquire(1, 2, 3, 60);
            table.release(off, 1);
            assertEquals(index(off), table.nextOccupied(0));
            assertEquals(-1, table.nextOccupied(index(off) + 1));
            assertEquals(-1, table.nextOccupied(16));
        }
    }

    private static TreeSet<Integer> walk(final LiveTable table)
    {
        final TreeSet<Integer> seen = new TreeSet<>();
        for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
        {
            seen.add(i);
        }
        return seen;
    }

    private static int index(final int off)
    {
        return (off - HEADER_BYTES) / RECORD_BYTES;
    }

    @Test
    void shouldTurnChurnedTombstonesBackIntoEmptySlotsAndKeepEveryLiveKeyReachable()
    {
        try (LiveTable table = new LiveTable(dir.resolve("c.dat"), 1024, new BlockArena(dir.resolve("cd.dat"), 8)))
        {
            final Random random = new Random(3);
            final TreeSet<Long> live = new TreeSet<>();
            for (int round = 0; round < 40; round++)
            {
                for (int k = 0; k < 300; k++)
                {
                    final long release = round * 1000L + k;
                    final int off = table.acquire(1, release, 0, 60);
                    table.release(off, 1);
                    live.add(release);
                }
                for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
                {
                    final int off = LiveTable.recordOffset(i);
                    if (random.nextInt(10) < 9)
                    {
                        live.remove(table.releaseHash(off));
                        table.seal(off);
                        table.free(off);
                    }
                }
            }
            int tombstones = 0;
            for (int i = 0; i < 1024; i++)
            {
                tombstones += table.state(LiveTable.recordOffset(i)) == STATE_TOMBSTONE ? 1 : 0;
            }
            assertEquals(true, tombstones > 500, "churn leaves tombstones: " + tombstones);
            final int reclaimed = table.reclaimTombstones();
            assertEquals(true, reclaimed > tombstones / 2, "most tombstones are on no live key's path: " + reclaimed);
            for (final long release : live)
            {
                final int before = table.liveRecords();
                table.release(table.acquire(1, release, 0, 60), 2);
                assertEquals(before, table.liveRecords(), "a live key is still found, no second record: " + release);
            }
        }
    }
}
