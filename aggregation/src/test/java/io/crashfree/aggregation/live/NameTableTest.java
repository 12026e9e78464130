package io.crashfree.aggregation.live;

import io.crashfree.aggregation.live.NameTable.Registration;
import io.crashfree.aggregation.session.Utf8Text;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static io.crashfree.aggregation.live.NameTable.KIND_ENVIRONMENT;
import static io.crashfree.aggregation.live.NameTable.KIND_RELEASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameTableTest
{
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    /** One visited entry. */
    record Entry(long project, int kind, long hash, String name, long firstSeenMs, long lastSeenMs)
    {
    }

    @Test
    void shouldRegisterANameOnceAndTurnItsHashBackIntoIt()
    {
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 1024))
        {
            assertEquals(Registration.REGISTERED, register(names, 7, KIND_RELEASE, "app@1.0", T0));
            assertEquals(Registration.PRESENT, register(names, 7, KIND_RELEASE, "app@1.0", T0 + 5_000));
            assertEquals(Registration.REGISTERED, register(names, 7, KIND_ENVIRONMENT, "app@1.0", T0));
            assertEquals(Registration.REGISTERED, register(names, 8, KIND_RELEASE, "app@1.0", T0));
            assertEquals("app@1.0", names.name(7, KIND_RELEASE, NameTable.hash("app@1.0")));
            assertNull(names.name(7, KIND_RELEASE, NameTable.hash("app@2.0")));
            assertEquals(1, names.nameCount(7, KIND_RELEASE));
            assertEquals(1, names.nameCount(7, KIND_ENVIRONMENT));
            assertEquals(0, names.nameCount(9, KIND_RELEASE));
            final Entry release = entries(names).stream().filter(e -> e.project == 7 && e.kind == KIND_RELEASE)
                .findFirst().orElseThrow();
            assertEquals(T0, release.firstSeenMs);
            assertEquals(T0 + 5_000, release.lastSeenMs);
            assertEquals(3, entries(names).size());
        }
    }

    @Test
    void shouldAnswerProjectLimitAtAProjectsMaximumOfEachKindAndHonourOverrides()
    {
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 1024, 3, 1))
        {
            for (int i = 0; i < 3; i++)
            {
                assertEquals(Registration.REGISTERED, register(names, 1, KIND_RELEASE, "r" + i, T0));
            }
            assertEquals(Registration.PROJECT_LIMIT, register(names, 1, KIND_RELEASE, "r3", T0));
            assertFalse(Registration.PROJECT_LIMIT.named());
            assertNull(names.name(1, KIND_RELEASE, NameTable.hash("r3")));
            assertEquals(Registration.PRESENT, register(names, 1, KIND_RELEASE, "r0", T0 + 2_000),
                "a known name is still refreshed at the limit");
            assertEquals(Registration.REGISTERED, register(names, 1, KIND_ENVIRONMENT, "prod", T0));
            assertEquals(Registration.PROJECT_LIMIT, register(names, 1, KIND_ENVIRONMENT, "staging", T0));
            assertEquals(Registration.REGISTERED, register(names, 2, KIND_RELEASE, "r3", T0),
                "another project has its own count");

            names.setProjectLimit(1, KIND_RELEASE, 5);
            assertEquals(5, names.projectLimit(1, KIND_RELEASE));
            assertEquals(Registration.REGISTERED, register(names, 1, KIND_RELEASE, "r3", T0));
            assertEquals(Registration.REGISTERED, register(names, 1, KIND_RELEASE, "r4", T0));
            assertEquals(Registration.PROJECT_LIMIT, register(names, 1, KIND_RELEASE, "r5", T0));
            assertEquals(Registration.PROJECT_LIMIT, register(names, 1, KIND_ENVIRONMENT, "staging", T0),
                "an override is per kind");

            names.setProjectLimit(3, KIND_RELEASE, 0);
            assertEquals(Registration.PROJECT_LIMIT, register(names, 3, KIND_RELEASE, "r0", T0));

            names.clearProjectLimit(1, KIND_RELEASE);
            assertEquals(3, names.projectLimit(1, KIND_RELEASE));
            assertEquals(5, names.nameCount(1, KIND_RELEASE), "names beyond a lowered limit stay");
            assertEquals(Registration.PROJECT_LIMIT, register(names, 1, KIND_RELEASE, "r5", T0));
            assertEquals(Registration.PRESENT, register(names, 1, KIND_RELEASE, "r4", T0));
        }
    }

    @Test
    void shouldAnswerFullWhenTheTableHasNoFreeSlotNearTheName()
    {
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 16))
        {
            for (int i = 0; i < 16; i++)
            {
                assertEquals(Registration.REGISTERED, register(names, 1, KIND_RELEASE, "r" + i, T0));
            }
            assertEquals(Registration.FULL, register(names, 1, KIND_RELEASE, "r16", T0));
            assertEquals(Registration.PRESENT, register(names, 1, KIND_RELEASE, "r15", T0));
            assertEquals(16, names.nameCount(1, KIND_RELEASE));
        }
    }

    @Test
    void shouldRetireUnseenNamesFreeingTheirSlotsAndCountsWhileOthersStillResolve()
    {
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 16, 12, 12))
        {
            // A full table: every walk passes slots that are about to become tombstones.
            for (int i = 0; i < 16; i++)
            {
                assertEquals(Registration.REGISTERED, register(names, i % 2, KIND_RELEASE, "r" + i,
                    i % 4 == 0 ? T0 : T0 + 60_000));
            }
            assertEquals(4, names.retireUnseenBefore(T0 + 30_000));
            assertEquals(0, names.retireUnseenBefore(T0 + 30_000));
            for (int i = 0; i < 16; i++)
            {
                final String expected = i % 4 == 0 ? null : "r" + i;
                assertEquals(expected, names.name(i % 2, KIND_RELEASE, NameTable.hash("r" + i)), "r" + i);
            }
            assertEquals(12, entries(names).size(), "tombstones are not visited");
            assertEquals(4, names.nameCount(0, KIND_RELEASE));
            assertEquals(8, names.nameCount(1, KIND_RELEASE));
            for (int i = 16; i < 20; i++)
            {
                assertEquals(Registration.REGISTERED, register(names, 0, KIND_RELEASE, "r" + i, T0 + 90_000),
                    "tombstones are reused: r" + i);
            }
            assertEquals(Registration.FULL, register(names, 0, KIND_RELEASE, "r20", T0 + 90_000));
            assertEquals(Registration.FULL, register(names, 0, KIND_RELEASE, "r0", T0 + 90_000),
                "no room left for a retired name either");
            for (int i = 1; i < 20; i++)
            {
                if (i % 4 != 0)
                {
                    assertEquals(Registration.PRESENT, register(names, i % 2 == 0 || i >= 16 ? 0 : 1, KIND_RELEASE,
                        "r" + i, T0 + 90_000), "r" + i);
                }
            }
            assertEquals(8, names.nameCount(0, KIND_RELEASE));
        }
    }

    @Test
    void shouldNotRetireARefreshedNameAndRegisterARetiredOneAnew()
    {
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 64))
        {
            register(names, 1, KIND_RELEASE, "old", T0);
            assertEquals(Registration.PRESENT, register(names, 1, KIND_RELEASE, "old", T0 + 100_000));
            assertEquals(0, names.retireUnseenBefore(T0 + 50_000), "a refreshed name is not retired");
            assertEquals(1, names.retireUnseenBefore(T0 + 200_000));
            assertEquals(Registration.REGISTERED, register(names, 1, KIND_RELEASE, "old", T0 + 300_000),
                "a retired name registers anew");
            final Entry e = entries(names).get(0);
            assertEquals(T0 + 300_000, e.firstSeenMs);
            assertEquals(1, names.nameCount(1, KIND_RELEASE));
        }
    }

    @Test
    void shouldKeepEveryNameAndCountAcrossCloseAndReopen()
    {
        final Path file = dir.resolve("names.dat");
        try (NameTable names = new NameTable(file, 1024, 100, 100))
        {
            for (int i = 0; i < 300; i++)
            {
                assertEquals(Registration.REGISTERED, register(names, i % 3, i % 5 == 0 ? KIND_ENVIRONMENT :
                    KIND_RELEASE, "n" + i, T0 + i));
            }
            names.retireUnseenBefore(T0 + 10);
            names.force();
        }
        try (NameTable names = new NameTable(file, 1024, 100, 100))
        {
            for (int i = 10; i < 300; i++)
            {
                final int kind = i % 5 == 0 ? KIND_ENVIRONMENT : KIND_RELEASE;
                assertEquals("n" + i, names.name(i % 3, kind, NameTable.hash("n" + i)));
                assertEquals(Registration.PRESENT, register(names, i % 3, kind, "n" + i, T0 + 1_000_000));
            }
            for (int i = 0; i < 10; i++)
            {
                assertNull(names.name(i % 3, i % 5 == 0 ? KIND_ENVIRONMENT : KIND_RELEASE, NameTable.hash("n" + i)));
            }
            final Map<String, Integer> perProject = new HashMap<>();
            for (final Entry e : entries(names))
            {
                perProject.merge(e.project + "/" + e.kind, 1, Integer::sum);
            }
            for (int p = 0; p < 3; p++)
            {
                for (final int kind : new int[] {KIND_RELEASE, KIND_ENVIRONMENT})
                {
                    assertEquals(perProject.getOrDefault(p + "/" + kind, 0), names.nameCount(p, kind),
                        "count rebuilt at open: project " + p + " kind " + kind);
                }
            }
            names.setProjectLimit(0, KIND_RELEASE, names.nameCount(0, KIND_RELEASE));
            assertEquals(Registration.PROJECT_LIMIT, register(names, 0, KIND_RELEASE, "more", T0),
                "limits apply to the rebuilt counts");
        }
    }

    @Test
    void shouldFinishInterruptedClaimsAndRetirementsAndDropDuplicatesAtOpen() throws IOException
    {
        final Path file = dir.resolve("names.dat");
        final int capacity = 64;
        try (NameTable names = new NameTable(file, capacity))
        {
            register(names, 1, KIND_RELEASE, "claimed", T0);
            register(names, 1, KIND_RELEASE, "retiring", T0);
            register(names, 1, KIND_RELEASE, "twice", T0);
        }
        patch(file, b ->
        {
            final int claimed = find(b, "claimed", capacity);
            final int retiring = find(b, "retiring", capacity);
            final int twice = find(b, "twice", capacity);
            setState(b, claimed, NameTable.CLAIMING);
            setState(b, retiring, NameTable.RETIRING);
            int copy = (twice + 1) % capacity;
            while ((b.getInt(slot(copy)) & 0xFF) != NameTable.EMPTY)
            {
                copy = (copy + 1) % capacity;
            }
            final byte[] bytes = new byte[NameTable.SLOT_BYTES];
            b.getBytes(slot(twice), bytes);
            b.putBytes(slot(copy), bytes); // a duplicate later along the name's walk, as a crash may leave one
        });
        try (NameTable names = new NameTable(file, capacity))
        {
            assertNull(names.name(1, KIND_RELEASE, NameTable.hash("claimed")), "a half-made claim is dropped");
            assertEquals("retiring", names.name(1, KIND_RELEASE, NameTable.hash("retiring")));
            assertEquals("twice", names.name(1, KIND_RELEASE, NameTable.hash("twice")));
            assertEquals(2, entries(names).size());
            assertEquals(2, names.nameCount(1, KIND_RELEASE));
            assertEquals(Registration.REGISTERED, register(names, 1, KIND_RELEASE, "claimed", T0));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRegisterEachNameOnceAcrossThreadsInsertingOverlappingStreams() throws InterruptedException
    {
        final int threads = 4;
        final int distinct = 3_000;
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 8192))
        {
            final AtomicLong registered = new AtomicLong();
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            run(threads, thread ->
            {
                final Utf8Text text = new Utf8Text(NameTable.MAX_NAME_BYTES);
                for (int i = 0; i < distinct; i++)
                {
                    final int n = (i + thread * 5) % distinct; // every thread every name, a few places apart
                    final Registration r = register(names, n % 7, n % 3 == 0 ? KIND_ENVIRONMENT : KIND_RELEASE,
                        "name-" + n, T0, text);
                    assertTrue(r.named(), "name-" + n + ": " + r);
                    if (r == Registration.REGISTERED)
                    {
                        registered.incrementAndGet();
                    }
                }
            }, failures);
            assertTrue(failures.isEmpty(), failures.toString());
            assertEquals(distinct, registered.get(), "REGISTERED answers must equal distinct names");
            assertEquals(distinct, entries(names).size());
            assertEquals(distinct, totalCount(names, 7));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNeverExceedAProjectLimitUnderConcurrentRegistration() throws InterruptedException
    {
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 1024, 10, 10))
        {
            final AtomicLong registered = new AtomicLong();
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            run(4, thread ->
            {
                final Utf8Text text = new Utf8Text(NameTable.MAX_NAME_BYTES);
                for (int i = 0; i < 50; i++)
                {
                    if (register(names, 1, KIND_RELEASE, "r" + (thread * 37 + i), T0, text) ==
                        Registration.REGISTERED)
                    {
                        registered.incrementAndGet();
                    }
                }
            }, failures);
            assertTrue(failures.isEmpty(), failures.toString());
            assertEquals(10, registered.get());
            assertEquals(10, names.nameCount(1, KIND_RELEASE));
            assertEquals(10, entries(names).size());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldHoldEachNameOnceAndCountRightWhenRetirementRacesRegistration() throws InterruptedException
    {
        final int threads = 3;
        final int distinct = 120;
        final int rounds = 40;
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 256))
        {
            final AtomicLong clock = new AtomicLong(T0);
            final AtomicBoolean running = new AtomicBoolean(true);
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final Thread retirer = new Thread(() ->
            {
                while (running.get())
                {
                    names.retireUnseenBefore(clock.get() - 3_000); // names unseen for ~3 rounds' worth of time
                    Thread.yield();
                }
            });
            retirer.start();
            run(threads, thread ->
            {
                final Utf8Text text = new Utf8Text(NameTable.MAX_NAME_BYTES);
                for (int round = 0; round < rounds; round++)
                {
                    // Each thread registers a changing half of the names: the others age and get retired while
                    // threads register them again, so claims land on fresh tombstones all the time.
                    for (int i = 0; i < distinct / 2; i++)
                    {
                        final int n = (round * 17 + thread * 29 + i) % distinct;
                        final Registration r = register(names, n % 3, KIND_RELEASE, "n" + n,
                            clock.addAndGet(20), text);
                        assertTrue(r.named(), "n" + n + ": " + r);
                    }
                }
            }, failures);
            running.set(false);
            retirer.join();
            assertTrue(failures.isEmpty(), failures.toString());

            final long now = clock.get() + 10_000;
            for (int n = 0; n < distinct; n++)
            {
                assertTrue(register(names, n % 3, KIND_RELEASE, "n" + n, now).named());
            }
            final Set<String> seen = new HashSet<>();
            for (final Entry e : entries(names))
            {
                assertTrue(seen.add(e.project + "/" + e.name), "held twice: " + e);
                assertEquals(NameTable.hash(e.name), e.hash);
            }
            assertEquals(distinct, seen.size());
            assertEquals(distinct, totalCount(names, 3), "counts follow retirements and re-registrations");
            for (int n = 0; n < distinct; n++)
            {
                assertEquals("n" + n, names.name(n % 3, KIND_RELEASE, NameTable.hash("n" + n)));
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryNameSeenDuringARetirementAndHoldANewNameOnce() throws Exception
    {
        // Each round: old names fill most of a small table; then, at once, a retirement sweeps them while three
        // threads register one new name (their walks pass slots turning into tombstones) and see the old names
        // again (refreshes racing the retirement). Every name seen in the round must be live afterwards, once.
        final int capacity = 32;
        final int old = 20;
        final int parties = 4;
        final int rounds = 3_000;
        try (NameTable names = new NameTable(dir.resolve("names.dat"), capacity))
        {
            final java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(parties + 1);
            final AtomicLong base = new AtomicLong();
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < parties; t++)
            {
                final int thread = t;
                workers.add(new Thread(() ->
                {
                    final Utf8Text text = new Utf8Text(NameTable.MAX_NAME_BYTES);
                    try
                    {
                        for (int round = 0; round < rounds; round++)
                        {
                            barrier.await(30, TimeUnit.SECONDS);
                            final long seenMs = base.get() + 10_000;
                            if (thread == parties - 1)
                            {
                                names.retireUnseenBefore(base.get() + 5_000);
                            }
                            else
                            {
                                assertTrue(register(names, 1, KIND_RELEASE, "new-" + round, seenMs, text).named());
                                for (int i = thread; i < old; i += parties - 1)
                                {
                                    assertTrue(register(names, 1, KIND_RELEASE, "old-" + i, seenMs, text).named());
                                }
                            }
                            barrier.await(30, TimeUnit.SECONDS);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex);
                        barrier.reset();
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (int round = 0; round < rounds && failures.isEmpty(); round++)
            {
                base.set(T0 + round * 100_000L);
                names.retireUnseenBefore(base.get()); // the previous round's names, so the old ones are new again
                for (int i = 0; i < old; i++)
                {
                    assertTrue(register(names, 1, KIND_RELEASE, "old-" + i, base.get()).named());
                }
                barrier.await(30, TimeUnit.SECONDS);
                barrier.await(30, TimeUnit.SECONDS);
                final Map<String, Integer> held = new HashMap<>();
                for (final Entry e : entries(names))
                {
                    held.merge(e.name, 1, Integer::sum);
                }
                assertEquals(1, held.getOrDefault("new-" + round, 0), "round " + round + ": " + held);
                for (int i = 0; i < old; i++)
                {
                    assertEquals(1, held.getOrDefault("old-" + i, 0), "round " + round + " old-" + i + ": " + held);
                }
                assertEquals(held.size(), names.nameCount(1, KIND_RELEASE), "round " + round);
            }
            for (final Thread w : workers)
            {
                w.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldHoldANewNameOnceWhenATombstoneAppearsOnItsPathBetweenTwoRegistrations() throws Exception
    {
        final int capacity = 16;
        final long hash = NameTable.hash("new");
        final String filler = fillerAtHomeOf("new", capacity);
        final CountDownLatch walked = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        try (NameTable names = new NameTable(dir.resolve("names.dat"), capacity))
        {
            register(names, 1, KIND_RELEASE, filler, T0);
            final Registration[] late = new Registration[1];
            final Thread a = new Thread(() -> late[0] = register(names, 1, KIND_RELEASE, "new", T0 + 100_000));
            NameTable.seam = (step, h) ->
            {
                if (step == NameTable.Seam.WALKED && h == hash && Thread.currentThread() == a)
                {
                    walked.countDown(); // A walked past the filler (live then) and means to claim the slot after it
                    await(go);
                }
            };
            a.start();
            await(walked);
            assertEquals(1, names.retireUnseenBefore(T0 + 50_000), "the filler becomes a tombstone on the path");
            assertEquals(Registration.REGISTERED, register(names, 1, KIND_RELEASE, "new", T0 + 100_000),
                "B claims the tombstone");
            go.countDown();
            a.join();
            assertEquals(Registration.PRESENT, late[0], "A finds B's earlier entry after publishing and steps back");
            assertEquals(List.of("new"), entries(names).stream().map(Entry::name).toList());
            assertEquals(1, names.nameCount(1, KIND_RELEASE));
            assertEquals("new", names.name(1, KIND_RELEASE, hash));
        }
        finally
        {
            NameTable.seam = null;
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldKeepANameRefreshedAfterRetirementSawItOld() throws Exception
    {
        final long hash = NameTable.hash("old");
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 64))
        {
            register(names, 1, KIND_RELEASE, "old", T0);
            final Registration[] refreshed = new Registration[1];
            NameTable.seam = (step, h) ->
            {
                if (step == NameTable.Seam.RETIRE_CHECKED && h == hash)
                {
                    final Thread r = new Thread(() ->
                        refreshed[0] = register(names, 1, KIND_RELEASE, "old", T0 + 100_000));
                    r.start();
                    join(r);
                }
            };
            assertEquals(0, names.retireUnseenBefore(T0 + 50_000), "retirement sees the new last-seen and keeps it");
            assertEquals(Registration.PRESENT, refreshed[0]);
            assertEquals(List.of(T0 + 100_000), entries(names).stream().map(Entry::lastSeenMs).toList());
            assertEquals(1, names.nameCount(1, KIND_RELEASE));
        }
        finally
        {
            NameTable.seam = null;
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRegisterANameAnewWhenItsRefreshLosesToRetirement() throws Exception
    {
        final long hash = NameTable.hash("old");
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 64))
        {
            register(names, 1, KIND_RELEASE, "old", T0);
            final Registration[] refreshed = new Registration[1];
            final Thread[] refresher = new Thread[1];
            NameTable.seam = (step, h) ->
            {
                if (step == NameTable.Seam.RETIRE_DECIDED && h == hash)
                {
                    // Retirement has decided; the refresher stores its last-seen now and must notice the tombstone.
                    refresher[0] = new Thread(() -> refreshed[0] = register(names, 1, KIND_RELEASE, "old", T0 + 100_000));
                    refresher[0].start();
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (entries(names).stream().noneMatch(e -> e.lastSeenMs == T0 + 100_000))
                    {
                        assertTrue(System.nanoTime() < deadline, "the refresher never stored its last-seen time");
                        Thread.onSpinWait();
                    }
                }
            };
            assertEquals(1, names.retireUnseenBefore(T0 + 50_000));
            refresher[0].join();
            assertEquals(Registration.REGISTERED, refreshed[0], "the refresher saw the tombstone and registered anew");
            assertEquals("old", names.name(1, KIND_RELEASE, hash));
            assertEquals(List.of(T0 + 100_000), entries(names).stream().map(Entry::firstSeenMs).toList());
            assertEquals(1, names.nameCount(1, KIND_RELEASE));
        }
        finally
        {
            NameTable.seam = null;
        }
    }

    @Test
    void shouldRefuseToOpenAFileWithABadHeaderNamingIt() throws IOException
    {
        record Case(String what, int offset, long value, boolean isInt, String message)
        {
        }
        final List<Case> cases = List.of(
            new Case("magic", NameTable.MAGIC_OFFSET, 0x77, false, "bad magic"),
            new Case("version", NameTable.VERSION_OFFSET, 3, true, "format version 3"),
            new Case("slot size", NameTable.SLOT_BYTES_OFFSET, 256, true, "slot size 256"),
            new Case("capacity", NameTable.CAPACITY_OFFSET, 100, false, "capacity 100"),
            new Case("capacity vs size", NameTable.CAPACITY_OFFSET, 128, false, "needs"));
        for (final Case c : cases)
        {
            final Path file = dir.resolve(c.what.replace(' ', '-') + ".dat");
            try (NameTable names = new NameTable(file, 64))
            {
                register(names, 1, KIND_RELEASE, "r", T0);
            }
            patch(file, b ->
            {
                if (c.isInt)
                {
                    b.putInt(c.offset, (int)c.value);
                }
                else
                {
                    b.putLong(c.offset, c.value);
                }
            });
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> new NameTable(file, 64).close(), c.what);
            assertTrue(ex.getMessage().contains(file.toString()), c.what + ": " + ex.getMessage());
            assertTrue(ex.getMessage().contains(c.message), c.what + ": " + ex.getMessage());
        }
    }

    @Test
    void shouldRefuseToOpenAFileWithADamagedSlotNamingTheFileAndTheSlot() throws IOException
    {
        record Case(String what, int field, int value, String message)
        {
        }
        final List<Case> cases = List.of(
            new Case("state", NameTable.CONTROL, 0x100 | 9, "state 9 is none of 0..4"),
            new Case("kind", NameTable.KIND, 5, "kind 5 is neither 1 (release) nor 2 (environment)"),
            new Case("length", NameTable.LENGTH, 4000, "name length 4000 is outside 0..256"));
        for (final Case c : cases)
        {
            final Path file = dir.resolve("damaged-" + c.what + ".dat");
            try (NameTable names = new NameTable(file, 64))
            {
                register(names, 1, KIND_RELEASE, "app@1.0", T0);
            }
            final int[] index = new int[1];
            patch(file, b ->
            {
                index[0] = find(b, "app@1.0", 64);
                b.putInt(slot(index[0]) + c.field, c.value);
            });
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> new NameTable(file, 64).close(), c.what);
            assertTrue(ex.getMessage().contains(file.toString()), c.what + ": " + ex.getMessage());
            assertTrue(ex.getMessage().contains("slot " + index[0] + ": " + c.message), c.what + ": " + ex.getMessage());
        }
    }

    @Test
    void shouldImportAVersionOneFile() throws IOException
    {
        final Path file = dir.resolve("names.dat");
        final int oldCapacity = 32;
        final ByteBuffer v1 = ByteBuffer.allocate(oldCapacity * NameTable.SLOT_BYTES).order(ByteOrder.nativeOrder());
        final String[] releases = {"a@1", "b@2", "c@3"};
        for (int i = 0; i < releases.length; i++)
        {
            final int off = (5 + i * 7) * NameTable.SLOT_BYTES;
            final byte[] bytes = releases[i].getBytes(StandardCharsets.UTF_8);
            v1.putInt(off, 2); // READY
            v1.putInt(off + 4, KIND_RELEASE);
            v1.putLong(off + 8, 42);
            v1.putLong(off + 16, NameTable.hash(releases[i]));
            v1.putLong(off + 24, T0 + i);
            v1.putLong(off + 32, T0 + 100 + i);
            v1.putInt(off + 40, bytes.length);
            v1.put(off + 48, bytes);
        }
        v1.putInt(20 * NameTable.SLOT_BYTES, 1); // CLAIMING when the old process died: nothing
        Files.write(file, v1.array());
        try (NameTable names = new NameTable(file, 64))
        {
            for (int i = 0; i < releases.length; i++)
            {
                assertEquals(releases[i], names.name(42, KIND_RELEASE, NameTable.hash(releases[i])));
            }
            final List<Entry> entries = entries(names);
            assertEquals(3, entries.size());
            assertTrue(entries.contains(new Entry(42, KIND_RELEASE, NameTable.hash("b@2"), "b@2", T0 + 1, T0 + 101)),
                "first and last seen are kept: " + entries);
            assertEquals(3, names.nameCount(42, KIND_RELEASE));
        }
        assertFalse(Files.exists(dir.resolve("names.dat.import")));
        assertEquals(64 + 64L * NameTable.SLOT_BYTES, Files.size(file));
    }

    @Test
    void shouldCarryNamesOverToANewCapacityAndResumeAnImportThatDidNotFit()
    {
        final Path file = dir.resolve("names.dat");
        try (NameTable names = new NameTable(file, 64))
        {
            for (int i = 0; i < 40; i++)
            {
                register(names, 1, KIND_RELEASE, "r" + i, T0);
            }
        }
        try (NameTable names = new NameTable(file, 128))
        {
            assertEquals(40, entries(names).size());
        }
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new NameTable(file, 16).close());
        assertTrue(ex.getMessage().contains("do not fit"), ex.getMessage());
        assertTrue(Files.exists(dir.resolve("names.dat.import")));
        try (NameTable names = new NameTable(file, 64))
        {
            assertEquals(40, entries(names).size());
            assertEquals("r39", names.name(1, KIND_RELEASE, NameTable.hash("r39")));
        }
        assertFalse(Files.exists(dir.resolve("names.dat.import")));
    }

    @Test
    void shouldNotAllocateWhenRegisteringOrRefreshing()
    {
        final Utf8Text[] texts = new Utf8Text[2_000];
        final long[] hashes = new long[texts.length];
        for (int i = 0; i < texts.length; i++)
        {
            texts[i] = new Utf8Text(NameTable.MAX_NAME_BYTES);
            final byte[] bytes = ("release-" + i).getBytes(StandardCharsets.UTF_8);
            texts[i].setBytes(bytes, 0, bytes.length);
            hashes[i] = NameTable.hash(texts[i]);
        }
        try (NameTable names = new NameTable(dir.resolve("names.dat"), 8192, 1_500, 10))
        {
            for (int i = 0; i < 200; i++)
            {
                names.register(i % 3, KIND_RELEASE, hashes[i], texts[i], T0); // warm-up
            }
            int named = 0;
            final long before = DedupSetsTest.allocatedBytes();
            for (int round = 0; round < 8; round++)
            {
                // Round 0: new names (REGISTERED, PROJECT_LIMIT past 1,500 of project 0); then refreshes (PRESENT)
                // that store a new last-seen time.
                for (int i = 0; i < texts.length; i++)
                {
                    named += names.register(0, KIND_RELEASE, NameTable.hash(texts[i]), texts[i],
                        T0 + round * 5_000L + i).named() ? 1 : 0;
                }
            }
            final long allocated = DedupSetsTest.allocatedBytes() - before - DedupSetsTest.measuringCost();
            assertEquals(8 * 1_500, named);
            // Less than a byte per call: no call allocates (a few bytes once, when the JIT swaps code, may show).
            assertTrue(allocated < 16_000, "bytes allocated by 16,000 registrations: " + allocated);
        }
    }

    private static Registration register(final NameTable names, final long project, final int kind,
        final String name, final long nowMs)
    {
        return register(names, project, kind, name, nowMs, new Utf8Text(NameTable.MAX_NAME_BYTES));
    }

    private static Registration register(final NameTable names, final long project, final int kind,
        final String name, final long nowMs, final Utf8Text text)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        text.setBytes(bytes, 0, bytes.length);
        final Registration r = names.register(project, kind, NameTable.hash(text), text, nowMs);
        assertEquals(NameTable.hash(name), NameTable.hash(text));
        return r;
    }

    private static List<Entry> entries(final NameTable names)
    {
        final List<Entry> entries = new ArrayList<>();
        names.forEach((project, kind, hash, name, first, last) ->
            entries.add(new Entry(project, kind, hash, name, first, last)));
        return entries;
    }

    private static int totalCount(final NameTable names, final int projects)
    {
        int total = 0;
        for (int p = 0; p < projects; p++)
        {
            total += names.nameCount(p, KIND_RELEASE) + names.nameCount(p, KIND_ENVIRONMENT);
        }
        return total;
    }

    private static void run(final int threads, final Consumer<Integer> body, final List<Throwable> failures)
        throws InterruptedException
    {
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            workers.add(new Thread(() ->
            {
                try
                {
                    start.await();
                    body.accept(thread);
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            }));
        }
        workers.forEach(Thread::start);
        start.countDown();
        for (final Thread w : workers)
        {
            w.join();
        }
    }

    private static String fillerAtHomeOf(final String name, final int capacity)
    {
        final int home = NameTable.home(1, KIND_RELEASE, NameTable.hash(name), capacity - 1);
        for (int i = 0; ; i++)
        {
            if (NameTable.home(1, KIND_RELEASE, NameTable.hash("f" + i), capacity - 1) == home)
            {
                return "f" + i;
            }
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "latch timed out");
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(10_000);
            assertFalse(thread.isAlive(), "thread did not finish");
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static int find(final UnsafeBuffer b, final String name, final int capacity)
    {
        for (int i = 0; i < capacity; i++)
        {
            if ((b.getInt(slot(i)) & 0xFF) == NameTable.READY && b.getLong(slot(i) + 16) == NameTable.hash(name))
            {
                return i;
            }
        }
        throw new AssertionError("no slot holds " + name);
    }

    private static int slot(final int index)
    {
        return NameTable.HEADER_BYTES + index * NameTable.SLOT_BYTES;
    }

    private static void setState(final UnsafeBuffer b, final int index, final int state)
    {
        b.putInt(slot(index), (b.getInt(slot(index)) & ~0xFF) | state);
    }

    private static void patch(final Path file, final Consumer<UnsafeBuffer> change) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final FileChannel channel = raf.getChannel();
            final ByteBuffer bytes = ByteBuffer.allocateDirect((int)channel.size());
            channel.read(bytes, 0);
            change.accept(new UnsafeBuffer(bytes));
            bytes.clear();
            channel.write(bytes, 0);
        }
    }
}
