package io.crashfree.aggregation.live;

import io.crashfree.aggregation.session.Utf8Text;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.datasketches.memory.XxHash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The releases and environments seen per project, with first and last seen times: what the release index lists and
 * what turns the hashes in aggregate keys back into names. A lock-free open-addressing table in a mapped file, bounded
 * per project, whose names are retired with the data they name.
 *
 * <h2>Registering</h2>
 * {@link #register} walks the name's probe sequence up to the first empty slot. It refreshes the last-seen time of a
 * live entry for the name ({@link Registration#PRESENT}); otherwise it reserves one of the project's names
 * ({@link Registration#PROJECT_LIMIT} when the project holds its maximum of that kind), claims the first free slot it
 * passed (a tombstone, or the empty slot that ended the walk) with a CAS to CLAIMING, writes the fields and publishes
 * the slot with a volatile store ({@link Registration#REGISTERED}); {@link Registration#FULL} when no slot is free
 * within {@link #MAX_PROBES}. Slots never become empty again, so a walk that meets an empty slot has seen every slot
 * that could hold the name. Known names, the common case, cost one walk and no write but a last-seen store at most
 * once a second; nothing allocates.
 *
 * <h2>Retiring</h2>
 * {@link #retireUnseenBefore} turns entries not seen since a cutoff into tombstones: walks pass over them, claims reuse
 * them, the project's count drops. It marks an entry RETIRING with a CAS, re-reads the last-seen time and either
 * restores it (it was refreshed meanwhile) or makes it a tombstone; a refresh stores the last-seen time and then
 * re-reads the state (waiting out RETIRING). Both sides store then load through volatile accesses, so at least one
 * sees the other: an entry refreshed during retirement is either kept, or its refresher sees the tombstone and
 * registers the name anew. Every claim raises the slot's 24-bit generation, so a CAS on an entry observed earlier
 * fails if the slot has been reused since, and readers copying a name check the generation afterwards.
 *
 * <h2>Two threads, one new name, and a tombstone</h2>
 * Two threads may register the same new name while a retirement turns a slot on its path into a tombstone: one walks
 * before it, claims the empty slot at the end, the other claims the new tombstone. So after publishing, a registering
 * thread walks the sequence again; for every other live entry of the same name it removes the <em>later</em> one
 * (CAS to tombstone, releasing the count). Both publish before that walk, so at least one of them sees the other, and
 * the later entry goes whichever thread removes it: a table at rest holds each name once. Meanwhile the two entries
 * hold the same name, so lookups are right with either. (Both callers may have been answered REGISTERED then.)
 *
 * <h2>Per-project limits</h2>
 * Each project holds at most its limit of names per kind: a default per kind given at construction, changed per
 * project by {@link #setProjectLimit}. Counts live on the heap, rebuilt from the file at open, and are reserved before
 * a claim, so a limit is never exceeded; lowering a limit below a project's count keeps its names and refuses new
 * ones until retirement brings it below. The heap table of projects has {@code capacity / 2} (at least 64) places;
 * when more distinct projects than that registered since open, a new project's names answer FULL until a restart.
 *
 * <h2>File</h2>
 * {@code 64 + capacity * 320} bytes, allocated on disk in full when created: 41,943,104 bytes (40 MiB) at
 * {@link #DEFAULT_CAPACITY}.
 * <pre>
 *  header (64 bytes):
 *   0                   8           12            16                  24         64
 *  +-------------------+-----------+-------------+-------------------+----------+
 *  | magic "CFNAMES\0" | version 2 | slot bytes  | capacity (slots)  | zero     |
 *  +-------------------+-----------+-------------+-------------------+----------+
 *
 *  slot (320 bytes), at 64 + index * 320:
 *   0                 4          8                16              24                32               40         44
 *  +-----------------+----------+----------------+---------------+-----------------+----------------+----------+
 *  | control int     | kind int | project long   | hash long     | first seen ms   | last seen ms   | length   |
 *  | gen << 8 | state|          |                |               |                 |                | int      |
 *  +-----------------+----------+----------------+---------------+-----------------+----------------+----------+
 *  | pad int (44) | UTF-8 bytes [256] (48..303) | unused (304..319)                                           |
 *  +--------------+-----------------------------+-------------------------------------------------------------+
 *  state: 0 EMPTY, 1 CLAIMING, 2 READY, 3 RETIRING, 4 TOMBSTONE
 * </pre>
 * Version 1 was the same slots without the header and generations; it is imported at open, as is a table of another
 * capacity (the file is renamed to {@code .import}, a new one is created and filled, then the old one is deleted;
 * an interrupted import starts over at the next open).
 */
public final class NameTable implements AutoCloseable
{
    /** Kind of a release name. */
    public static final int KIND_RELEASE = 1;
    /** Kind of an environment name. */
    public static final int KIND_ENVIRONMENT = 2;
    /** Longest name kept. */
    public static final int MAX_NAME_BYTES = 256;
    /** Slots for a busy node: 131,072, a 40 MiB file. */
    public static final int DEFAULT_CAPACITY = 131_072;
    /** A per-project limit that never binds: the table's capacity does. */
    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** Longest walk from a name's home slot. */
    public static final int MAX_PROBES = 128;

    /** What {@link #register} did. */
    public enum Registration
    {
        /** The name was not registered and now is. */
        REGISTERED,
        /** The name was registered; its last-seen time is refreshed. */
        PRESENT,
        /** Not registered: the project already holds its maximum of names of this kind. */
        PROJECT_LIMIT,
        /** Not registered: the table has no free slot near the name's home (or no room for another project). */
        FULL;

        /** @return whether the name is registered now, so its hash can be turned back into it. */
        public boolean named()
        {
            return this == REGISTERED || this == PRESENT;
        }
    }

    static final long MAGIC = 0x0053454D414E4643L; // "CFNAMES\0" in little-endian byte order
    static final int VERSION = 2;
    static final int HEADER_BYTES = 64;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int SLOT_BYTES_OFFSET = 12;
    static final int CAPACITY_OFFSET = 16;
    static final int SLOT_BYTES = 320;

    static final int CONTROL = 0;
    static final int KIND = 4;
    static final int PROJECT = 8;
    static final int HASH = 16;
    static final int FIRST_SEEN = 24;
    static final int LAST_SEEN = 32;
    static final int LENGTH = 40;
    static final int BYTES = 48;

    static final int EMPTY = 0;
    static final int CLAIMING = 1;
    static final int READY = 2;
    static final int RETIRING = 3;
    static final int TOMBSTONE = 4;
    private static final int STATE_MASK = 0xFF;
    private static final int GENERATION_ONE = 1 << 8;

    private static final long LAST_SEEN_RESOLUTION_MS = 1000;
    private static final long SEED = 0x43465F4E414D4553L;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 22;

    /** A test's hook into the steps where another thread's action matters; never set in production. */
    interface Seam
    {
        /** Register walked the name's sequence without finding it and is about to claim a slot. */
        int WALKED = 1;
        /** Retire saw an old last-seen time and is about to mark the entry RETIRING. */
        int RETIRE_CHECKED = 2;
        /** Retire re-read the last-seen time, still old, and is about to make the entry a tombstone. */
        int RETIRE_DECIDED = 3;

        /**
         * @param step one of the constants above.
         * @param hash the hash of the name concerned.
         */
        void onStep(int step, long hash);
    }

    static Seam seam; // a plain read on cold paths only (claims and retirement); set before a test starts threads

    private final Path path;
    private final MappedFile file;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private final ProjectCounts counts;
    private final Object maintenance = new Object(); // orders retirements and limit changes; never taken by register
    /** Counts names published and retired: readers that keep what they listed know when to list again. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    /** A visitor of registered names. */
    @FunctionalInterface
    public interface NameVisitor
    {
        /**
         * @param project     project id.
         * @param kind        {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
         * @param hash        the name's hash, as aggregate keys hold it.
         * @param name        the name.
         * @param firstSeenMs first seen.
         * @param lastSeenMs  last seen.
         */
        void onName(long project, int kind, long hash, String name, long firstSeenMs, long lastSeenMs);
    }

    /**
     * Opens a table without per-project limits (only the capacity bounds a project).
     *
     * @param path     the file.
     * @param capacity slots, a power of two (see {@link #DEFAULT_CAPACITY}).
     */
    public NameTable(final Path path, final int capacity)
    {
        this(path, capacity, UNLIMITED, UNLIMITED);
    }

    /**
     * Opens (creating, importing or recovering) the table.
     *
     * @param path                      the file.
     * @param capacity                  slots, a power of two in [16, 2^22]: {@code 64 + capacity * 320} bytes.
     * @param maxReleasesPerProject     default most releases one project may hold.
     * @param maxEnvironmentsPerProject default most environments one project may hold.
     * @throws IllegalStateException naming the file when its header is wrong.
     */
    public NameTable(final Path path, final int capacity, final int maxReleasesPerProject,
        final int maxEnvironmentsPerProject)
    {
        if (Integer.bitCount(capacity) != 1 || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("name table capacity must be a power of two in [" + MIN_CAPACITY +
                ", " + MAX_CAPACITY + "]: " + capacity);
        }
        if (maxReleasesPerProject < 0 || maxEnvironmentsPerProject < 0)
        {
            throw new IllegalArgumentException("names per project must not be negative: releases " +
                maxReleasesPerProject + ", environments " + maxEnvironmentsPerProject);
        }
        this.path = path;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.counts = new ProjectCounts(Math.max(64, capacity / 2), maxReleasesPerProject, maxEnvironmentsPerProject);
        final Path importPath = sibling(".import");
        try
        {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.deleteIfExists(sibling(".tmp"));
            if (Files.exists(importPath))
            {
                Files.deleteIfExists(path); // an import was interrupted: the new file holds nothing but its copies
            }
            else if (Files.exists(path) && needsImport(path))
            {
                Files.move(path, importPath, StandardCopyOption.ATOMIC_MOVE);
            }
            if (!Files.exists(path))
            {
                create();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the name table " + path, ex);
        }
        this.file = open(path);
        this.buffer = file.buffer();
        recover();
        if (Files.exists(importPath))
        {
            importFrom(importPath);
        }
    }

    /**
     * @param text a name's UTF-8 bytes.
     * @return its 64-bit hash, never 0 (0 means "no environment").
     */
    public static long hash(final Utf8Text text)
    {
        final long h = XxHash.hashByteArr(text.bytes(), 0, text.storedLength(), SEED);
        return h == 0 ? 1 : h;
    }

    /**
     * @param name a name.
     * @return its hash, as {@link #hash(Utf8Text)} computes it.
     */
    public static long hash(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final long h = XxHash.hashByteArr(bytes, 0, Math.min(bytes.length, MAX_NAME_BYTES), SEED);
        return h == 0 ? 1 : h;
    }

    /**
     * Registers a name, or refreshes its last-seen time (at one-second resolution). Lock-free, allocation-free.
     *
     * @param project project id (not {@link Long#MIN_VALUE}).
     * @param kind    {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     * @param hash    {@link #hash(Utf8Text)} of the name.
     * @param text    the name (at most {@link #MAX_NAME_BYTES} of it are kept).
     * @param nowMs   now.
     * @return what happened; {@link Registration#named()} says whether the hash now names something.
     */
    public Registration register(final long project, final int kind, final long hash, final Utf8Text text,
        final long nowMs)
    {
        return register(project, kind, hash, text.bytes(), Math.min(text.storedLength(), MAX_NAME_BYTES), nowMs,
            nowMs, true);
    }

    /**
     * Registers a name another node reported (cluster mode: the consumer thread), outside the per-project limits
     * (the other node accepted it under the same limits) and without moving a present name's last-seen time back.
     *
     * @param project     project id.
     * @param kind        {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     * @param hash        the name's hash, as the other node's aggregate keys hold it.
     * @param bytes       the name, UTF-8.
     * @param length      its length in bytes (at most {@link #MAX_NAME_BYTES} are kept).
     * @param firstSeenMs first seen, as reported.
     * @param lastSeenMs  last seen, as reported.
     * @return what happened.
     */
    public Registration registerReported(final long project, final int kind, final long hash, final byte[] bytes,
        final int length, final long firstSeenMs, final long lastSeenMs)
    {
        return register(project, kind, hash, bytes, Math.min(length, MAX_NAME_BYTES), firstSeenMs, lastSeenMs, false);
    }

    private Registration register(final long project, final int kind, final long hash, final byte[] bytes,
        final int length, final long firstSeenMs, final long nowMs, final boolean limited)
    {
        checkKind(kind);
        final int home = home(project, kind, hash);
        walk:
        while (true)
        {
            int free = -1;
            int freeControl = 0;
            int index = home;
            for (int probe = 0; probe < MAX_PROBES; probe++, index = (index + 1) & mask)
            {
                final int off = offset(index);
                final int control = settledControl(off);
                final int state = control & STATE_MASK;
                if (state == EMPTY || state == TOMBSTONE)
                {
                    if (free < 0)
                    {
                        free = index;
                        freeControl = control;
                    }
                    if (state == EMPTY)
                    {
                        break;
                    }
                }
                else if (matches(off, project, kind, hash))
                {
                    if (refresh(off, control, nowMs))
                    {
                        return Registration.PRESENT;
                    }
                    continue walk; // retired under us: register it anew
                }
            }
            if (free < 0)
            {
                return Registration.FULL;
            }
            final Seam s = seam;
            if (s != null)
            {
                s.onStep(Seam.WALKED, hash);
            }
            final Registration reserved = counts.tryReserve(project, kind, limited);
            if (reserved != null)
            {
                return reserved;
            }
            final int off = offset(free);
            final int claimed = nextGeneration(freeControl) | CLAIMING;
            if (!buffer.compareAndSetInt(off + CONTROL, freeControl, claimed))
            {
                counts.release(project, kind);
                continue; // someone else took the slot: walk again, it may have been this name
            }
            buffer.putInt(off + KIND, kind);
            buffer.putLong(off + PROJECT, project);
            buffer.putLong(off + HASH, hash);
            buffer.putLong(off + FIRST_SEEN, firstSeenMs);
            buffer.putLong(off + LAST_SEEN, nowMs);
            buffer.putInt(off + LENGTH, length);
            buffer.putBytes(off + BYTES, bytes, 0, length);
            final int published = (claimed & ~STATE_MASK) | READY;
            buffer.putIntVolatile(off + CONTROL, published); // full fence: the walk below sees what came before
            changes.incrementAndGet(); // a new name only: once per name, not per session
            return removeDuplicates(home, free, published, project, kind, hash);
        }
    }

    /**
     * Stores the last-seen time of a live entry and checks that it is still live afterwards (see the class comment).
     *
     * @return true when the entry is live; false when it was retired (or removed as a duplicate) meanwhile.
     */
    private boolean refresh(final int off, final int control, final long nowMs)
    {
        if (nowMs - buffer.getLongVolatile(off + LAST_SEEN) > LAST_SEEN_RESOLUTION_MS)
        {
            buffer.putLongVolatile(off + LAST_SEEN, nowMs);
        }
        else if ((control & STATE_MASK) == READY)
        {
            return true; // seen within the last second: no retirement with a cutoff older than that can take it
        }
        int now = buffer.getIntVolatile(off + CONTROL);
        while ((now & STATE_MASK) == RETIRING && (now & ~STATE_MASK) == (control & ~STATE_MASK))
        {
            Thread.onSpinWait(); // the retiring thread decides in a few instructions, having seen our store or not
            now = buffer.getIntVolatile(off + CONTROL);
        }
        return now == ((control & ~STATE_MASK) | READY);
    }

    /**
     * The walk after publishing: removes the later of any two live entries of this name.
     *
     * @return REGISTERED, or PRESENT when our entry was the later one.
     */
    private Registration removeDuplicates(final int home, final int own, final int ownControl, final long project,
        final int kind, final long hash)
    {
        final int ownDistance = (own - home) & mask;
        int index = home;
        for (int probe = 0; probe < MAX_PROBES; probe++, index = (index + 1) & mask)
        {
            final int off = offset(index);
            final int control = settledControl(off);
            final int state = control & STATE_MASK;
            if (state == EMPTY)
            {
                break; // no entry of this name can be past an empty slot
            }
            if (index != own && (state == READY || state == RETIRING) && matches(off, project, kind, hash))
            {
                if (probe < ownDistance)
                {
                    remove(offset(own), ownControl, project, kind);
                    return Registration.PRESENT;
                }
                remove(off, control, project, kind);
            }
        }
        return Registration.REGISTERED;
    }

    /** Turns an entry observed with {@code control} into a tombstone unless it is gone already. */
    private void remove(final int off, final int control, final long project, final int kind)
    {
        final int generation = control & ~STATE_MASK;
        int now = control;
        while (true)
        {
            if ((now & ~STATE_MASK) != generation)
            {
                return;
            }
            final int state = now & STATE_MASK;
            if (state == READY)
            {
                if (buffer.compareAndSetInt(off + CONTROL, now, generation | TOMBSTONE))
                {
                    counts.release(project, kind);
                    return;
                }
            }
            else if (state == RETIRING)
            {
                Thread.onSpinWait();
            }
            else
            {
                return;
            }
            now = buffer.getIntVolatile(off + CONTROL);
        }
    }

    /**
     * Looks a name up by hash (allocates the returned string).
     *
     * @param project project id.
     * @param kind    {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     * @param hash    the name's hash.
     * @return the name, or null when not registered.
     */
    public String name(final long project, final int kind, final long hash)
    {
        int index = home(project, kind, hash);
        for (int probe = 0; probe < MAX_PROBES; probe++, index = (index + 1) & mask)
        {
            final int off = offset(index);
            final int control = buffer.getIntVolatile(off + CONTROL);
            final int state = control & STATE_MASK;
            if (state == EMPTY)
            {
                return null;
            }
            if ((state == READY || state == RETIRING) && matches(off, project, kind, hash))
            {
                final String name = nameAt(off);
                if (sameGeneration(off, control))
                {
                    return name;
                }
            }
        }
        return null;
    }

    /**
     * Visits every registered name (tombstones and slots being claimed are skipped).
     *
     * @param visitor receives each name.
     */
    public void forEach(final NameVisitor visitor)
    {
        forEach(-1, visitor);
    }

    /**
     * @return a number that changes whenever a name is published or retired (not when a name is seen again): what
     *         {@link #forEach} lists is the same while it stays the same, but for the last-seen times.
     */
    public long changes()
    {
        return changes.get();
    }

    /**
     * Visits the names of one kind (names of other kinds are not decoded).
     *
     * @param kind    {@link #KIND_RELEASE}, {@link #KIND_ENVIRONMENT}, or -1 for every kind.
     * @param visitor receives each name.
     */
    public void forEach(final int kind, final NameVisitor visitor)
    {
        for (int i = 0; i < capacity; i++)
        {
            final int off = offset(i);
            final int control = buffer.getIntVolatile(off + CONTROL);
            final int state = control & STATE_MASK;
            if ((state == READY || state == RETIRING) && (kind < 0 || buffer.getInt(off + KIND) == kind))
            {
                final long project = buffer.getLong(off + PROJECT);
                final int nameKind = buffer.getInt(off + KIND);
                final long hash = buffer.getLong(off + HASH);
                final long firstSeenMs = buffer.getLong(off + FIRST_SEEN);
                final long lastSeenMs = buffer.getLongVolatile(off + LAST_SEEN);
                final String name = nameAt(off);
                if (sameGeneration(off, control))
                {
                    visitor.onName(project, nameKind, hash, name, firstSeenMs, lastSeenMs);
                }
            }
        }
    }

    /**
     * Retires the names not seen since {@code cutoffMs}: their slots become tombstones (free for reuse) and their
     * projects' counts drop. Call it from one maintenance thread with a cutoff no later than the oldest data that may
     * still name them (coarse retention plus the accepted age of {@code started}), and more than a second ago.
     *
     * @param cutoffMs names last seen before this are retired.
     * @return names retired.
     */
    public int retireUnseenBefore(final long cutoffMs)
    {
        synchronized (maintenance)
        {
            int retired = 0;
            for (int i = 0; i < capacity; i++)
            {
                final int off = offset(i);
                final int control = buffer.getIntVolatile(off + CONTROL);
                if ((control & STATE_MASK) != READY || buffer.getLongVolatile(off + LAST_SEEN) >= cutoffMs)
                {
                    continue;
                }
                final Seam s = seam;
                if (s != null)
                {
                    s.onStep(Seam.RETIRE_CHECKED, buffer.getLong(off + HASH));
                }
                final int generation = control & ~STATE_MASK;
                if (!buffer.compareAndSetInt(off + CONTROL, control, generation | RETIRING))
                {
                    continue; // removed as a duplicate meanwhile
                }
                if (buffer.getLongVolatile(off + LAST_SEEN) >= cutoffMs)
                {
                    buffer.putIntVolatile(off + CONTROL, control); // refreshed meanwhile: keep it
                    continue;
                }
                if (s != null)
                {
                    s.onStep(Seam.RETIRE_DECIDED, buffer.getLong(off + HASH));
                }
                final long project = buffer.getLong(off + PROJECT);
                final int kind = buffer.getInt(off + KIND);
                buffer.putIntVolatile(off + CONTROL, generation | TOMBSTONE);
                counts.release(project, kind);
                changes.incrementAndGet();
                retired++;
            }
            return retired;
        }
    }

    /**
     * Sets a project's own limit for one kind of name, in place of the default. Names it holds beyond a lowered limit
     * stay until retired.
     *
     * @param project  project id.
     * @param kind     {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     * @param maxNames most names of that kind it may hold, &ge; 0 ({@link #UNLIMITED} for no limit).
     * @throws IllegalStateException when the heap table of projects has no room for another project.
     */
    public void setProjectLimit(final long project, final int kind, final int maxNames)
    {
        checkKind(kind);
        if (maxNames < 0)
        {
            throw new IllegalArgumentException("names per project must not be negative: project " + project +
                ", kind " + kind + ", " + maxNames);
        }
        synchronized (maintenance)
        {
            counts.setLimit(project, kind, maxNames);
        }
    }

    /**
     * Returns a project to the default limit for one kind of name.
     *
     * @param project project id.
     * @param kind    {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     */
    public void clearProjectLimit(final long project, final int kind)
    {
        checkKind(kind);
        synchronized (maintenance)
        {
            counts.setLimit(project, kind, ProjectCounts.DEFAULT_LIMIT);
        }
    }

    /**
     * @param project project id.
     * @param kind    {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     * @return the most names of that kind the project may hold.
     */
    public int projectLimit(final long project, final int kind)
    {
        checkKind(kind);
        return counts.limit(project, kind);
    }

    /**
     * @param project project id.
     * @param kind    {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     * @return names of that kind the project holds (counting names being registered right now).
     */
    public int nameCount(final long project, final int kind)
    {
        checkKind(kind);
        return counts.count(project, kind);
    }

    /** @return slots of the table. */
    public int capacity()
    {
        return capacity;
    }

    /** Flushes the mapping to disk. */
    public void force()
    {
        file.force();
    }

    @Override
    public void close()
    {
        file.close();
    }

    private int home(final long project, final int kind, final long hash)
    {
        return home(project, kind, hash, mask);
    }

    static int home(final long project, final int kind, final long hash, final int mask)
    {
        return (int)(hash ^ project * 0x9E3779B97F4A7C15L ^ kind) & mask;
    }

    private static int offset(final int index)
    {
        return HEADER_BYTES + index * SLOT_BYTES;
    }

    private static int nextGeneration(final int control)
    {
        return (control & ~STATE_MASK) + GENERATION_ONE; // wraps after 2^24 claims of one slot
    }

    /** Reads a slot's control word, waiting out a claim in progress (a few stores by another thread). */
    private int settledControl(final int off)
    {
        int control = buffer.getIntVolatile(off + CONTROL);
        while ((control & STATE_MASK) == CLAIMING)
        {
            Thread.onSpinWait();
            control = buffer.getIntVolatile(off + CONTROL);
        }
        return control;
    }

    private boolean matches(final int off, final long project, final int kind, final long hash)
    {
        return buffer.getLong(off + HASH) == hash && buffer.getLong(off + PROJECT) == project &&
            buffer.getInt(off + KIND) == kind;
    }

    /** Whether the fields just read belong to the entry observed as {@code control} (not reused since). */
    private boolean sameGeneration(final int off, final int control)
    {
        VarHandle.acquireFence(); // the field reads above complete before the control word is read again
        final int now = buffer.getIntVolatile(off + CONTROL);
        final int state = now & STATE_MASK;
        return (now & ~STATE_MASK) == (control & ~STATE_MASK) && (state == READY || state == RETIRING);
    }

    private String nameAt(final int off)
    {
        final int length = Math.max(0, Math.min(MAX_NAME_BYTES, buffer.getInt(off + LENGTH)));
        final byte[] bytes = new byte[length];
        buffer.getBytes(off + BYTES, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void checkKind(final int kind)
    {
        if (kind != KIND_RELEASE && kind != KIND_ENVIRONMENT)
        {
            throw new IllegalArgumentException("name kind must be " + KIND_RELEASE + " or " + KIND_ENVIRONMENT +
                ": " + kind);
        }
    }

    private Path sibling(final String suffix)
    {
        return path.resolveSibling(path.getFileName() + suffix);
    }

    /**
     * Whether an existing file must be imported into a new one: a version-1 file (no header: a whole number of
     * slots) or one of another capacity. A file that is neither fails with a message naming it.
     */
    private boolean needsImport(final Path existing) throws IOException
    {
        final long size = Files.size(existing);
        if (size % SLOT_BYTES == 0 && Long.bitCount(size / SLOT_BYTES) == 1)
        {
            return true;
        }
        try (MappedFile f = MappedFile.openOrCreate(existing, size))
        {
            return checkHeader(f.buffer(), size, existing) != capacity;
        }
    }

    /** @return the capacity the header states, after checking it against the file. */
    private static int checkHeader(final UnsafeBuffer b, final long size, final Path file)
    {
        if (size < HEADER_BYTES)
        {
            throw badFile(file, "it has " + size + " bytes, less than the " + HEADER_BYTES + "-byte header");
        }
        final long capacity = b.getLong(CAPACITY_OFFSET);
        if (b.getLong(MAGIC_OFFSET) != MAGIC)
        {
            throw badFile(file, "bad magic 0x" + Long.toHexString(b.getLong(MAGIC_OFFSET)) + ", expected 0x" +
                Long.toHexString(MAGIC));
        }
        if (b.getInt(VERSION_OFFSET) != VERSION)
        {
            throw badFile(file, "format version " + b.getInt(VERSION_OFFSET) + ", expected " + VERSION);
        }
        if (b.getInt(SLOT_BYTES_OFFSET) != SLOT_BYTES)
        {
            throw badFile(file, "slot size " + b.getInt(SLOT_BYTES_OFFSET) + ", expected " + SLOT_BYTES);
        }
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1)
        {
            throw badFile(file, "capacity " + capacity + " is not a power of two in [" + MIN_CAPACITY + ", " +
                MAX_CAPACITY + "]");
        }
        if (size != HEADER_BYTES + capacity * SLOT_BYTES)
        {
            throw badFile(file, "it has " + size + " bytes but its capacity " + capacity + " needs " +
                (HEADER_BYTES + capacity * SLOT_BYTES));
        }
        return (int)capacity;
    }

    private static IllegalStateException badFile(final Path file, final String problem)
    {
        return new IllegalStateException("name table " + file + ": " + problem + ". It is damaged or was not " +
            "written by this version of Crashfree: move it away and restart (release and environment names are " +
            "then registered again as sessions arrive; those of older data show as unknown)");
    }

    /**
     * Creates the file complete with its header (allocated in full on disk, written under a temporary name, then
     * renamed into place).
     */
    private void create()
    {
        MappedFile.openOrCreate(path, fileBytes(capacity), b ->
        {
            b.putLong(MAGIC_OFFSET, MAGIC);
            b.putInt(VERSION_OFFSET, VERSION);
            b.putInt(SLOT_BYTES_OFFSET, SLOT_BYTES);
            b.putLong(CAPACITY_OFFSET, capacity);
        }).close();
    }

    /**
     * @param capacity slots.
     * @return the size of a table's file.
     */
    public static long fileBytes(final int capacity)
    {
        return HEADER_BYTES + (long)capacity * SLOT_BYTES;
    }

    private static MappedFile open(final Path file)
    {
        final long size;
        try
        {
            size = Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the name table " + file, ex);
        }
        final MappedFile mapped = MappedFile.openOrCreate(file, size);
        try
        {
            checkHeader(mapped.buffer(), size, file);
        }
        catch (final RuntimeException ex)
        {
            mapped.close();
            throw ex;
        }
        return mapped;
    }

    /**
     * Single-threaded, before any writer: finishes what a crash interrupted (a claim becomes a tombstone, since
     * walks may already pass it; a retirement is undone, the next one redoes it), removes later duplicates, and
     * counts each project's names.
     */
    private void recover()
    {
        for (int i = 0; i < capacity; i++)
        {
            final int off = offset(i);
            final int control = buffer.getInt(off + CONTROL);
            final int generation = control & ~STATE_MASK;
            checkSlot(i, off, control & STATE_MASK);
            switch (control & STATE_MASK)
            {
                case CLAIMING -> buffer.putInt(off + CONTROL, generation | TOMBSTONE);
                case RETIRING -> buffer.putInt(off + CONTROL, generation | READY);
                default ->
                {
                }
            }
        }
        for (int i = 0; i < capacity; i++)
        {
            final int off = offset(i);
            final int control = buffer.getInt(off + CONTROL);
            if ((control & STATE_MASK) != READY)
            {
                continue;
            }
            final long project = buffer.getLong(off + PROJECT);
            final int kind = buffer.getInt(off + KIND);
            final long hash = buffer.getLong(off + HASH);
            if (firstLive(project, kind, hash) != i)
            {
                buffer.putInt(off + CONTROL, (control & ~STATE_MASK) | TOMBSTONE); // a later duplicate
            }
            else if (counts.tryReserve(project, kind, false) != null)
            {
                throw new IllegalStateException("name table " + path + " holds names of more than " +
                    counts.capacity() + " projects: raise the capacity");
            }
        }
    }

    /** Start-up only: a slot whose state, kind or length no writer ever stores is damage, not a name. */
    private void checkSlot(final int index, final int off, final int state)
    {
        String problem = null;
        if (state > TOMBSTONE)
        {
            problem = "state " + state + " is none of 0.." + TOMBSTONE;
        }
        else if (state == READY || state == RETIRING)
        {
            final int kind = buffer.getInt(off + KIND);
            final int length = buffer.getInt(off + LENGTH);
            if (kind != KIND_RELEASE && kind != KIND_ENVIRONMENT)
            {
                problem = "kind " + kind + " is neither " + KIND_RELEASE + " (release) nor " + KIND_ENVIRONMENT +
                    " (environment)";
            }
            else if (length < 0 || length > MAX_NAME_BYTES)
            {
                problem = "name length " + length + " is outside 0.." + MAX_NAME_BYTES;
            }
        }
        if (problem != null)
        {
            throw badFile(path, "slot " + index + ": " + problem);
        }
    }

    private int firstLive(final long project, final int kind, final long hash)
    {
        int index = home(project, kind, hash);
        for (int probe = 0; probe < MAX_PROBES; probe++, index = (index + 1) & mask)
        {
            final int off = offset(index);
            final int state = buffer.getInt(off + CONTROL) & STATE_MASK;
            if (state == EMPTY)
            {
                return -1;
            }
            if (state == READY && matches(off, project, kind, hash))
            {
                return index;
            }
        }
        return -1;
    }

    /**
     * Copies the live names of a version-1 file, or of a file of another capacity, into this table, then deletes it.
     * Names already here (an import interrupted before) are found PRESENT; limits do not apply.
     */
    private void importFrom(final Path source)
    {
        try
        {
            final long size = Files.size(source);
            final boolean version1 = size % SLOT_BYTES == 0;
            final int headerBytes = version1 ? 0 : HEADER_BYTES;
            final byte[] name = new byte[MAX_NAME_BYTES];
            int skipped = 0;
            try (MappedFile old = MappedFile.openOrCreate(source, size))
            {
                final UnsafeBuffer b = old.buffer();
                if (!version1)
                {
                    checkHeader(b, size, source);
                }
                for (long off = headerBytes; off + SLOT_BYTES <= size; off += SLOT_BYTES)
                {
                    final int o = (int)off;
                    final int state = b.getInt(o + CONTROL) & STATE_MASK;
                    final int kind = b.getInt(o + KIND);
                    if ((state != READY && state != RETIRING) || (kind != KIND_RELEASE && kind != KIND_ENVIRONMENT))
                    {
                        continue;
                    }
                    final int length = Math.max(0, Math.min(MAX_NAME_BYTES, b.getInt(o + LENGTH)));
                    b.getBytes(o + BYTES, name, 0, length);
                    final Registration r = register(b.getLong(o + PROJECT), kind, b.getLong(o + HASH), name, length,
                        b.getLong(o + FIRST_SEEN), b.getLong(o + LAST_SEEN), false);
                    skipped += r.named() ? 0 : 1;
                }
            }
            if (skipped > 0)
            {
                throw new IllegalStateException("name table " + path + ": " + skipped + " names of " + source +
                    " do not fit into " + capacity + " slots: raise the capacity and restart (the import resumes)");
            }
            file.force();
            Files.delete(source);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot import the name table " + source, ex);
        }
    }

    /**
     * Names per project and kind, and per-project limits, on the heap: an open-addressing table of project ids with
     * four ints each (release count, environment count, release limit, environment limit). Lock-free, allocation-free.
     */
    private static final class ProjectCounts
    {
        static final int DEFAULT_LIMIT = -1;
        private static final long NO_PROJECT = Long.MIN_VALUE;
        private static final int INTS = 4;

        private final AtomicLongArray projects;
        private final AtomicIntegerArray values;
        private final int mask;
        private final int defaultReleases;
        private final int defaultEnvironments;

        ProjectCounts(final int capacity, final int defaultReleases, final int defaultEnvironments)
        {
            this.projects = new AtomicLongArray(capacity);
            this.values = new AtomicIntegerArray(capacity * INTS);
            this.mask = capacity - 1;
            this.defaultReleases = defaultReleases;
            this.defaultEnvironments = defaultEnvironments;
            for (int i = 0; i < capacity; i++)
            {
                projects.set(i, NO_PROJECT);
                values.set(i * INTS + 2, DEFAULT_LIMIT);
                values.set(i * INTS + 3, DEFAULT_LIMIT);
            }
        }

        int capacity()
        {
            return mask + 1;
        }

        /** @return the project's place, or -1 when it has none (and {@code create} is false or there is no room). */
        int place(final long project, final boolean create)
        {
            if (project == NO_PROJECT)
            {
                return -1;
            }
            int index = (int)(project * 0x9E3779B97F4A7C15L >>> 40) & mask;
            for (int probe = 0; probe <= mask; probe++, index = (index + 1) & mask)
            {
                final long p = projects.get(index);
                if (p == project)
                {
                    return index;
                }
                if (p == NO_PROJECT)
                {
                    if (!create)
                    {
                        return -1;
                    }
                    if (projects.compareAndSet(index, NO_PROJECT, project) || projects.get(index) == project)
                    {
                        return index;
                    }
                }
            }
            return -1;
        }

        /** Takes one of the project's names of a kind: null when taken, else why not. */
        NameTable.Registration tryReserve(final long project, final int kind, final boolean limited)
        {
            final int place = place(project, true);
            if (place < 0)
            {
                return Registration.FULL;
            }
            final int at = place * INTS + kind - 1;
            final int limit = limited ? limitAt(place, kind) : UNLIMITED;
            while (true)
            {
                final int n = values.get(at);
                if (n >= limit)
                {
                    return Registration.PROJECT_LIMIT;
                }
                if (values.compareAndSet(at, n, n + 1))
                {
                    return null;
                }
            }
        }

        void release(final long project, final int kind)
        {
            final int place = place(project, false);
            if (place >= 0)
            {
                values.decrementAndGet(place * INTS + kind - 1);
            }
        }

        int count(final long project, final int kind)
        {
            final int place = place(project, false);
            return place < 0 ? 0 : values.get(place * INTS + kind - 1);
        }

        int limit(final long project, final int kind)
        {
            final int place = place(project, false);
            return place < 0 ? defaultLimit(kind) : limitAt(place, kind);
        }

        void setLimit(final long project, final int kind, final int limit)
        {
            final int place = place(project, limit != DEFAULT_LIMIT);
            if (place < 0)
            {
                if (limit == DEFAULT_LIMIT)
                {
                    return;
                }
                throw new IllegalStateException("no room for another project's name limits (" + capacity() +
                    " projects): project " + project);
            }
            values.set(place * INTS + 2 + kind - 1, limit);
        }

        private int limitAt(final int place, final int kind)
        {
            final int own = values.get(place * INTS + 2 + kind - 1);
            return own == DEFAULT_LIMIT ? defaultLimit(kind) : own;
        }

        private int defaultLimit(final int kind)
        {
            return kind == KIND_RELEASE ? defaultReleases : defaultEnvironments;
        }
    }
}
