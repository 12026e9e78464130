package io.crashfree.aggregation.live;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A damaged live table or block arena stops the open with one line naming the file, the record where there is one,
 * and what is wrong: never a table that serves a counter nobody wrote. A table of the previous layout (version 3,
 * arenas without headers) is upgraded in place instead.
 */
class LiveFilesDamageTest
{
    private static final int CAPACITY = 64;
    private static final int DENSE = 8;
    private static final int SETS = 16;

    @TempDir
    Path dir;

    /** One way to damage the files, and what the open must then say. */
    record Case(String what, String file, Consumer<UnsafeBuffer> damage, String message)
    {
    }

    @Test
    void shouldRefuseDamagedFilesNamingTheFileTheRecordAndTheProblem() throws IOException
    {
        final int[] records = write(dir.resolve("layout"));
        final int first = records[0];
        final int second = records[1];
        final List<Case> cases = List.of(
            new Case("negative counter", "t.dat", b -> b.putLong(first + CRASHED, -5), "crashed is -5, never negative"),
            new Case("negative sessions", "t.dat", b -> b.putLong(first + SESSIONS, -1), "sessions is -1"),
            new Case("negative duration bucket", "t.dat", b -> b.putInt(first + DURATION_BUCKETS + 8, -3),
                "duration bucket 2 is -3"),
            new Case("state", "t.dat", b -> b.putInt(first + STATE, 9), "state 9 is none of 0..4"),
            new Case("dense block out of range", "t.dat", b -> b.putInt(first + denseOffset(0), DENSE + 1),
                "refers to block " + DENSE),
            new Case("coupon-set block out of range", "t.dat",
                b -> b.putInt(first + denseOffset(1), SET_TAG | (SETS + 3)), "refers to block " + (SETS + 2)),
            new Case("block held twice", "t.dat", b ->
            {
                b.putInt(first + denseOffset(2), 3);
                b.putInt(second + denseOffset(4), 3);
            }, "which another record holds too"),
            new Case("magic", "t.dat", b -> b.putInt(MAGIC_OFFSET, 0x1234), "bad magic 0x1234"),
            new Case("version", "t.dat", b -> b.putInt(VERSION_OFFSET, 9), "format version 9, expected 4"),
            new Case("record size", "t.dat", b -> b.putInt(RECORD_SIZE_OFFSET, 256), "record size 256"),
            new Case("header check", "t.dat", b -> b.putInt(DENSE_BLOCKS_OFFSET, 2 * DENSE),
                "its header fails its check"),
            new Case("arena magic", "d.dat", b -> b.putLong(BlockArena.MAGIC_OFFSET, 77), "bad magic 0x4d"),
            new Case("arena block size", "s.dat", b -> b.putInt(BlockArena.BLOCK_BYTES_OFFSET, 4096),
                "block size 4096, expected 2048"),
            new Case("arena header gone", "d.dat", b -> b.setMemory(32, 32, (byte)0), "no header, but"));
        for (final Case c : cases)
        {
            final Path caseDir = dir.resolve(c.what.replace(' ', '-'));
            write(caseDir);
            patch(caseDir.resolve(c.file), c.damage);
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> open(caseDir).close(),
                c.what);
            final String message = ex.getMessage();
            assertTrue(message.contains(caseDir.resolve(c.file).toString()), c.what + ": " + message);
            assertTrue(message.contains(c.message), c.what + ": " + message);
            assertFalse(message.contains("\n"), c.what + ": one line: " + message);
            if (c.file.equals("t.dat") && c.message.contains("never negative"))
            {
                assertTrue(message.contains("record " + (first - HEADER_BYTES) / RECORD_BYTES +
                    " (project 7, bucket 600)"), message);
            }
        }
    }

    @Test
    void shouldUpgradeATableOfVersionThreeWhoseArenasHaveNoHeaderAndKeepItsRecords() throws IOException
    {
        final int first = write(dir)[0];
        patch(dir.resolve("t.dat"), b -> b.putInt(VERSION_OFFSET, VERSION_WITHOUT_ARENA_HEADERS));
        patch(dir.resolve("d.dat"), b -> b.setMemory(32, 32, (byte)0));
        patch(dir.resolve("s.dat"), b -> b.setMemory(32, 32, (byte)0));
        for (int open = 0; open < 2; open++)
        {
            try (LiveTable table = open(dir))
            {
                assertEquals(2, table.liveRecords(), "open " + open);
                assertEquals(3, table.buffer().getLong(first + CRASHED));
                assertEquals(VERSION, table.buffer().getInt(VERSION_OFFSET));
            }
        }
    }

    private static LiveTable open(final Path dir)
    {
        return new LiveTable(dir.resolve("t.dat"), CAPACITY, new BlockArena(dir.resolve("d.dat"), DENSE),
            new BlockArena(dir.resolve("s.dat"), SETS, BlockArena.SET_BLOCK_BYTES), LiveUsage.unlimited(1L << 30));
    }

    /**
     * Two records: sessions 5 and crashed 3 each (the same slots in every directory: the table starts empty).
     *
     * @return their offsets.
     */
    private static int[] write(final Path dir)
    {
        final int[] offsets = new int[2];
        try (LiveTable table = open(dir))
        {
            for (int n = 0; n < 2; n++)
            {
                final int off = table.acquire(7, 100 + n, 0, 600);
                table.add(off, SESSIONS, 5);
                table.add(off, CRASHED, 3);
                table.release(off, 0);
                offsets[n] = off;
            }
        }
        return offsets;
    }

    private static void patch(final Path file, final Consumer<UnsafeBuffer> change) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
            change.accept(new UnsafeBuffer(mapped));
            mapped.force();
        }
    }
}
