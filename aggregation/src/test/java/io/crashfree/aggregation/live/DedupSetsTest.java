package io.crashfree.aggregation.live;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.crashfree.aggregation.live.DedupSets.FULL;
import static io.crashfree.aggregation.live.DedupSets.NEW;
import static io.crashfree.aggregation.live.DedupSets.PRESENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DedupSetsTest
{
    private static final long DAY = 19_900;
    private static final int INITIAL = 1024;

    @TempDir
    Path dir;

    @Test
    void shouldSayBeforehandExactlyWhenAnInsertWouldBeFull()
    {
        final SplittableRandom random = new SplittableRandom(5);
        try (DedupSets sets = new DedupSets(dir, 64))
        {
            sets.prepare(DAY); // one segment of 64 slots, never grown here: its paths fill up
            int full = 0;
            for (int i = 0; i < 400; i++)
            {
                final long f = 1 + random.nextLong(1_000_000);
                final boolean room = sets.canInsert(DAY, f);
                final int result = sets.tryInsert(DAY, f);
                assertEquals(room, result != FULL, "canInsert foretold insert " + i);
                full += result == FULL ? 1 : 0;
            }
            assertTrue(full > 0, "the segment filled");
            assertFalse(sets.canInsert(DAY + 40, 7), "a day not prepared has no room");
        }
    }

    @Test
    void shouldAnswerLikeAHashSetOverARandomStreamWithRepeats()
    {
        final Set<Long> oracle = new HashSet<>();
        final SplittableRandom random = new SplittableRandom(11);
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            sets.prepare(DAY);
            for (int i = 0; i < 20_000; i++)
            {
                final long f = 1 + random.nextLong(6_000); // about 2 repeats per fingerprint
                final int expected = oracle.add(f) ? NEW : PRESENT;
                assertEquals(expected, sets.tryInsert(DAY, f), "insert " + i + " of fingerprint " + f);
                assertTrue(sets.contains(DAY, f));
                if (i % 256 == 0)
                {
                    sets.prepare(DAY);
                }
            }
            assertEquals(oracle.size(), sets.entries(DAY));
            assertFalse(sets.contains(DAY, 6_001));
        }
    }

    @Test
    void shouldNeverAnswerFullWhileGrowingFarPastTheInitialCapacityWhenPreparedEveryCycle()
    {
        final int distinct = 200 * INITIAL;
        final SplittableRandom random = new SplittableRandom(3);
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            sets.prepare(DAY);
            final long initialBytes = sets.mappedBytes();
            long fingerprint = 0;
            int newAnswers = 0;
            for (int i = 0; i < distinct; i++)
            {
                fingerprint = random.nextLong() | 1;
                final int result = sets.tryInsert(DAY, fingerprint);
                assertTrue(result != FULL, "FULL at insert " + i + " with " + sets.segments(DAY) + " segments");
                newAnswers += result == NEW ? 1 : 0;
                if (i % 256 == 0)
                {
                    sets.prepare(DAY); // the flusher's cycle: a quarter of the initial capacity arrives in between
                }
            }
            assertEquals(distinct, newAnswers);
            assertEquals(distinct, sets.entries(DAY));
            assertTrue(sets.segments(DAY) >= 8, "segments: " + sets.segments(DAY));
            long expectedBytes = 0;
            for (int s = 0; s < sets.segments(DAY); s++)
            {
                expectedBytes += DedupSets.HEADER_BYTES + ((long)INITIAL << s) * 8;
            }
            assertEquals(expectedBytes, sets.mappedBytes());
            assertTrue(sets.mappedBytes() > 100 * initialBytes);
            assertTrue(sets.entries(DAY) * 8.0 / sets.mappedBytes() > 0.2, "memory must follow the traffic");
            assertEquals(PRESENT, sets.tryInsert(DAY, fingerprint));
        }
    }

    @Test
    void shouldAnswerFullPastTheLastPreparedSegmentWithoutCreatingFilesAndRecoverAfterPrepare() throws IOException
    {
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            assertEquals(FULL, sets.tryInsert(DAY, 42), "a day that was never prepared has no room");
            assertEquals(0, fileCount(), "inserts never create files");
            sets.prepare(DAY);
            assertEquals(1, fileCount());
            long f = 1;
            int inserted = 0;
            while (sets.tryInsert(DAY, f) != FULL)
            {
                f++;
                inserted++;
            }
            assertTrue(inserted > INITIAL / 2 && inserted < INITIAL, "inserted " + inserted);
            assertEquals(1, fileCount(), "inserts never create files");
            assertTrue(sets.fill(DAY) > 0.5);
            sets.prepare(DAY);
            assertTrue(sets.segments(DAY) > 1);
            assertEquals(NEW, sets.tryInsert(DAY, f));
            assertEquals(PRESENT, sets.tryInsert(DAY, f));
            assertEquals(PRESENT, sets.tryInsert(DAY, 1));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswerNewOncePerFingerprintAcrossThreadsInsertingOverlappingStreamsWhileTheChainGrows()
        throws InterruptedException
    {
        final int threads = 4;
        final int perThread = 40 * INITIAL;
        final long[] pool = new long[perThread];
        final SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < pool.length; i++)
        {
            pool[i] = random.nextLong() | 1;
        }
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            sets.prepare(DAY);
            final AtomicLong newAnswers = new AtomicLong();
            final AtomicBoolean inserting = new AtomicBoolean(true);
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                workers.add(new Thread(() ->
                {
                    try
                    {
                        start.await();
                        // Every thread inserts the whole pool, a few places apart: they race on the same
                        // fingerprints (and on the same empty slots) all the time. The last thread skips every
                        // third one, so the streams overlap without being equal.
                        for (int i = 0; i < perThread; i++)
                        {
                            if (thread == threads - 1 && i % 3 == 0)
                            {
                                continue;
                            }
                            final long f = pool[(thread * 3 + i) % pool.length];
                            int result;
                            while ((result = sets.tryInsert(DAY, f)) == FULL)
                            {
                                Thread.onSpinWait(); // the preparer adds room
                            }
                            if (result == NEW)
                            {
                                newAnswers.incrementAndGet();
                            }
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex);
                    }
                }));
            }
            final Thread preparer = new Thread(() ->
            {
                while (inserting.get())
                {
                    sets.prepare(DAY);
                    Thread.yield();
                }
            });
            workers.forEach(Thread::start);
            preparer.start();
            start.countDown();
            for (final Thread w : workers)
            {
                w.join();
            }
            inserting.set(false);
            preparer.join();

            final Set<Long> distinct = new HashSet<>();
            for (final long f : pool)
            {
                distinct.add(f);
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertEquals(distinct.size(), newAnswers.get(), "NEW answers must equal distinct fingerprints");
            assertEquals(distinct.size(), sets.entries(DAY));
            assertTrue(sets.segments(DAY) > 3, "the chain must have grown while threads inserted");
            for (final long f : distinct)
            {
                assertEquals(PRESENT, sets.tryInsert(DAY, f));
            }
        }
    }

    @Test
    void shouldKeepEveryFingerprintOfEveryDayAcrossCloseAndReopen()
    {
        final long[][] inserted = new long[3][];
        final int[] segments = new int[3];
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            for (int d = 0; d < 3; d++)
            {
                inserted[d] = fill(sets, DAY + d, (d + 1) * 5 * INITIAL, 100 + d);
                segments[d] = sets.segments(DAY + d);
            }
            sets.force();
        }
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            for (int d = 0; d < 3; d++)
            {
                assertEquals(segments[d], sets.segments(DAY + d), "segments of day " + d);
                assertEquals(inserted[d].length, sets.entries(DAY + d), "entries of day " + d);
                for (final long f : inserted[d])
                {
                    assertEquals(PRESENT, sets.tryInsert(DAY + d, f), "day " + d + " fingerprint " + f);
                }
            }
            assertEquals(NEW, sets.tryInsert(DAY, 7), "a reopened day still takes inserts");
        }
    }

    @Test
    void shouldOpenAChainWhoseInitialCapacitySettingChangedSinceItWasCreated()
    {
        final long[] inserted;
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            inserted = fill(sets, DAY, 4 * INITIAL, 9);
        }
        try (DedupSets sets = new DedupSets(dir, 4 * INITIAL))
        {
            for (final long f : inserted)
            {
                assertEquals(PRESENT, sets.tryInsert(DAY, f));
            }
        }
    }

    @Test
    void shouldDeleteEverySegmentOfRetiredDaysAndKeepTheOthers() throws IOException
    {
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            for (int d = 0; d < 4; d++)
            {
                fill(sets, DAY + d, 4 * INITIAL, d);
                assertTrue(sets.segments(DAY + d) > 1);
            }
            final long before = sets.mappedBytes();
            sets.retireBefore(DAY + 2);
            assertEquals(0, sets.segments(DAY));
            assertEquals(0, sets.segments(DAY + 1));
            assertEquals(FULL, sets.tryInsert(DAY, 1));
            assertTrue(sets.mappedBytes() < before);
            try (Stream<Path> files = Files.list(dir))
            {
                assertTrue(files.allMatch(p -> p.getFileName().toString().startsWith("dedup-" + (DAY + 2)) ||
                    p.getFileName().toString().startsWith("dedup-" + (DAY + 3))));
            }
            assertEquals(sets.segments(DAY + 2) + sets.segments(DAY + 3), fileCount());
        }
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            assertEquals(0, sets.segments(DAY));
            assertTrue(sets.segments(DAY + 3) > 1);
        }
    }

    @Test
    void shouldRefuseToOpenASegmentWithABadHeaderNamingTheFile() throws IOException
    {
        record Case(String what, int offset, long value, String message)
        {
        }
        final List<Case> cases = List.of(
            new Case("magic", DedupSets.MAGIC_OFFSET, 0x1234, "bad magic"),
            new Case("version", DedupSets.VERSION_OFFSET, 1, "format version 1"),
            new Case("day", DedupSets.DAY_OFFSET, DAY + 1, "header day " + (DAY + 1)),
            new Case("segment", DedupSets.SEGMENT_OFFSET, 3, "header segment 3"),
            new Case("capacity", DedupSets.CAPACITY_OFFSET, 3000, "capacity 3000"),
            new Case("capacity vs size", DedupSets.CAPACITY_OFFSET, 2 * INITIAL, "needs"));
        for (final Case c : cases)
        {
            final Path caseDir = dir.resolve(c.what.replace(' ', '-'));
            try (DedupSets sets = new DedupSets(caseDir, INITIAL))
            {
                sets.prepare(DAY);
            }
            final Path file = caseDir.resolve("dedup-" + DAY + "-0.dat");
            if (c.offset == DedupSets.VERSION_OFFSET || c.offset == DedupSets.SEGMENT_OFFSET)
            {
                patch(file, buffer -> buffer.putInt(c.offset, (int)c.value));
            }
            else
            {
                patch(file, buffer -> buffer.putLong(c.offset, c.value));
            }
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> new DedupSets(caseDir, INITIAL).close(), c.what);
            assertTrue(ex.getMessage().contains(file.toString()), c.what + ": " + ex.getMessage());
            assertTrue(ex.getMessage().contains(c.message), c.what + ": " + ex.getMessage());
        }
    }

    @Test
    void shouldRefuseToOpenAChainWithAMissingSegmentNamingIt() throws IOException
    {
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            fill(sets, DAY, 8 * INITIAL, 1);
            assertTrue(sets.segments(DAY) > 2);
        }
        Files.delete(dir.resolve("dedup-" + DAY + "-1.dat"));
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new DedupSets(dir, INITIAL).close());
        assertTrue(ex.getMessage().contains(dir.resolve("dedup-" + DAY + "-1.dat").toString()), ex.getMessage());
    }

    @Test
    void shouldRemoveASegmentWhoseCreationACrashInterrupted() throws IOException
    {
        Files.write(dir.resolve("dedup-" + DAY + "-0.dat.tmp"), new byte[64]);
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            assertEquals(0, fileCount());
            sets.prepare(DAY);
            assertEquals(NEW, sets.tryInsert(DAY, 5));
        }
    }

    @Test
    void shouldImportAVersionOneFileIntoTheChainAndDeleteIt() throws IOException
    {
        final int legacyCapacity = 4 * INITIAL;
        final Path legacy = dir.resolve("dedup-" + DAY + ".dat");
        final ByteBuffer bytes = ByteBuffer.allocate(64 + legacyCapacity * 8).order(ByteOrder.nativeOrder());
        bytes.putLong(0, DAY);
        final Set<Long> inserted = new HashSet<>();
        final SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < legacyCapacity * 3 / 4; i++)
        {
            final long f = random.nextLong() | 1;
            if (inserted.add(f))
            {
                int slot = (int)((f & Long.MAX_VALUE) % legacyCapacity);
                while (bytes.getLong(64 + slot * 8) != 0)
                {
                    slot = (slot + 1) % legacyCapacity;
                }
                bytes.putLong(64 + slot * 8, f);
            }
        }
        bytes.putLong(8, inserted.size());
        Files.write(legacy, bytes.array());
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            assertFalse(Files.exists(legacy), "the imported file is deleted");
            assertEquals(inserted.size(), sets.entries(DAY));
            for (final long f : inserted)
            {
                assertEquals(PRESENT, sets.tryInsert(DAY, f));
            }
        }
    }

    @Test
    void shouldNotAllocateWhenInsertingOrLookingUp()
    {
        final long[] fingerprints = new SplittableRandom(4).longs(20_000).map(f -> f | 1).toArray();
        try (DedupSets sets = new DedupSets(dir, INITIAL))
        {
            sets.prepare(DAY);
            for (int i = 0; i < 10_000; i++)
            {
                sets.tryInsert(DAY, fingerprints[i]); // warm-up, and a chain of several segments
                if (i % 256 == 0)
                {
                    sets.prepare(DAY);
                }
            }
            long results = 0;
            final long before = allocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                results += sets.tryInsert(DAY, fingerprints[i]);
                results += sets.contains(DAY, fingerprints[i]) ? 1 : 0;
            }
            final long allocated = allocatedBytes() - before - measuringCost();
            assertTrue(results > 0);
            // Less than a byte per call: no call allocates (a few bytes once, when the JIT swaps code, may show).
            assertTrue(allocated < 40_000, "bytes allocated by 40,000 calls: " + allocated);
        }
    }

    /** @return what reading {@link #allocatedBytes()} allocates itself. */
    static long measuringCost()
    {
        final long before = allocatedBytes();
        return allocatedBytes() - before;
    }

    static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean())
            .getCurrentThreadAllocatedBytes();
    }

    private static long[] fill(final DedupSets sets, final long day, final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] inserted = new long[count];
        sets.prepare(day);
        for (int i = 0; i < count; i++)
        {
            inserted[i] = random.nextLong() | 1;
            assertEquals(NEW, sets.tryInsert(day, inserted[i]));
            if (i % 128 == 0)
            {
                sets.prepare(day);
            }
        }
        return inserted;
    }

    private long fileCount() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.count();
        }
    }

    private static void patch(final Path file, final Consumer<UnsafeBuffer> change) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final ByteBuffer header = ByteBuffer.allocateDirect(64);
            raf.getChannel().read(header, 0);
            change.accept(new UnsafeBuffer(header));
            header.clear();
            raf.getChannel().write(header, 0);
        }
    }
}
