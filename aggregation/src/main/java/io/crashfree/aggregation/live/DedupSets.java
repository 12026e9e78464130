package io.crashfree.aggregation.live;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Exactly-once counting of per-session states: "has session S of key K already been counted as crashed (abnormal,
 * unhandled, errored)?". One lock-free set of 64-bit fingerprints per day of {@code started}, in memory-mapped files,
 * so a repeated or retried terminal update is counted once however late it comes (up to the 5-day window), across
 * flushes and restarts; a whole day's files are deleted once no update can reach them.
 *
 * <h2>A day grows with its traffic</h2>
 * A day's set is a chain of <em>segments</em>, each an open-addressing table of fingerprints in its own file. The
 * first holds the configured initial capacity, each next one twice as many as the one before (up to
 * {@link #MAX_SEGMENT_CAPACITY}, at most {@link #MAX_SEGMENTS_PER_DAY} segments). A fingerprint {@code F} has a path
 * through the chain: {@link #PROBES_PER_SEGMENT} consecutive slots in segment 0, starting where F hashes to in it,
 * then as many in segment 1 (hashed with another seed), and so on. The concatenated path is one long linear probe
 * sequence: {@link #tryInsert} walks it, answers {@link #PRESENT} when it meets F, and puts F into the
 * <em>first empty slot</em> along it with a CAS from 0 to F. A segment whose slots along F's path are all taken is
 * simply passed over, so old segments fill up to a high load and new fingerprints spill into the newer, larger ones:
 * memory follows the day's traffic and nothing is refused for being "nearly full".
 *
 * <h2>Why two threads inserting the same fingerprint can never both see NEW</h2>
 * Slots only ever change from empty to a fingerprint, never back, and a filled slot never changes again; segments are
 * only ever appended, so the path one thread walks is a prefix of (or equal to) the path any later walk sees.
 * A thread answers NEW only after its CAS 0&rarr;F succeeded at some position {@code j} of F's path, having read every
 * earlier position as filled with something other than F. Suppose threads A and B both answer NEW, A at position
 * {@code j} and B at {@code k}. {@code j == k} is impossible (only one CAS from 0 can succeed on a slot). Say
 * {@code j < k}: B passed position {@code j}, so B read it filled with some G &ne; F (directly, or on the re-read after
 * a failed CAS). But position {@code j} holds F from A's CAS on and held 0 before it, and a filled slot never changes:
 * B can only have read 0 there (then B would have tried to CAS there too, and only one of the two CASes succeeds) or F
 * (then B answers PRESENT). Either way a contradiction, so NEW is answered at most once per fingerprint. NEW is
 * linearized at the successful CAS, PRESENT at the read of F. The same argument shows that a walk which meets an
 * empty slot can stop there: F cannot be further along, because when F was put further along this slot was already
 * filled. Sets are thus linearizable without locks, and crash-safe: a slot holds F or does not.
 *
 * <h2>Who grows the chain</h2>
 * Event loops never create or map files. The flusher calls {@link #prepare} for every day of the window each cycle
 * (about once a second); it maps a day's chain the first time, and appends segments until the newest one could take
 * as many new fingerprints as the whole day received since the previous call and still be at most
 * {@link #GROW_AT_FILL} full. The newest segment only receives what spilled over from all older ones, and at a
 * quarter load a run of {@link #PROBES_PER_SEGMENT} taken slots is so rare (about (0.25 e^0.75)^32, 10^-9) that
 * walks practically never fall off its end. If one does, the insert answers {@link #FULL}: the caller refuses that
 * one request ({@code 503} with {@code Retry-After}) and the next {@code prepare} adds room. That happens only when
 * the flusher stalls, or in the first cycle of a day's traffic if that cycle brings more than about half the initial
 * capacity of new fingerprints (there is no rate to follow yet); from the second cycle on the margin follows the
 * rate. Measured over 4 million random fingerprints from an initial 65,536, with {@code prepare} every 4,096 to
 * 32,768 inserts: no FULL; about 25% to 60% of the mapped bytes hold fingerprints (each segment doubles the
 * total). A new fingerprint walks up to {@link #PROBES_PER_SEGMENT} slots (four cache lines) in each segment it
 * passes, so with 7 segments a new fingerprint cost one to two microseconds there (a shared 2-core machine), a
 * repeat 0.2 to 0.5: a repeat stops where it finds its fingerprint.
 *
 * <h2>Per-project accounting</h2>
 * {@link #tryInsert} answers NEW exactly once per fingerprint and day, across threads and restarts, so a caller
 * keeping per-project counts (for quotas) simply adds one on NEW; {@link #contains} lets it answer repeats as
 * PRESENT without inserting once a project is at its quota. A check-then-insert quota can overshoot by at most the
 * number of threads inserting at the same moment.
 *
 * <h2>Files</h2>
 * <pre>
 *  dedup-DAY-SEG.dat   DAY = epoch day of started, SEG = 0, 1, 2, ... (allocated in full and given its header
 *                      as .tmp, renamed when complete)
 *
 *   0                   8           12          16                  24                  32                 64
 *  +-------------------+-----------+-----------+-------------------+-------------------+---------+--------+
 *  | magic "CFDEDUP\0" | version   | segment   | epoch day         | capacity (slots)  | entries | zero   |
 *  | long              | int (2)   | int       | long              | long, power of 2  | long    |        |
 *  +-------------------+-----------+-----------+-------------------+-------------------+---------+--------+
 *  | slot 0: fingerprint long (0 = empty) | slot 1 | ...                      | slot capacity - 1          |
 *  +--------------------------------------+--------+--------------------------+----------------------------+
 * </pre>
 * {@code entries} is advanced after each successful CAS: a crash between the two leaves it one short, which only
 * matters for the growth rule and the metric. Version 1 was the headerless single file {@code dedup-DAY.dat} of a
 * fixed capacity; such files are imported into the chain at open and then deleted (idempotent if interrupted).
 */
public final class DedupSets implements AutoCloseable
{
    /** The fingerprint was not there and has been added: count it. */
    public static final int NEW = 0;
    /** The fingerprint was there already: do not count again. */
    public static final int PRESENT = 1;
    /** No room along the fingerprint's path in the prepared segments (or the day is not prepared): do not count. */
    public static final int FULL = 2;

    /** Slots of a fingerprint's path in each segment. */
    public static final int PROBES_PER_SEGMENT = 32;
    /**
     * Most fill of the newest segment that {@link #prepare} allows for, counting the inserts it expects before its
     * next call (as many as since its previous one); beyond it, it appends a segment.
     */
    public static final double GROW_AT_FILL = 0.25;
    /** Largest segment: 2^27 slots, a 1 GiB file (a mapping must stay below 2 GiB). */
    public static final int MAX_SEGMENT_CAPACITY = 1 << 27;
    /** Most segments of one day. */
    public static final int MAX_SEGMENTS_PER_DAY = 24;
    /** Smallest initial capacity. */
    public static final int MIN_CAPACITY = 64;

    static final long MAGIC = 0x0050554445444643L; // "CFDEDUP\0" in little-endian byte order
    static final int VERSION = 2;
    static final int HEADER_BYTES = 64;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int SEGMENT_OFFSET = 12;
    static final int DAY_OFFSET = 16;
    static final int CAPACITY_OFFSET = 24;
    static final int ENTRIES_OFFSET = 32;

    private static final int DAYS = 64; // days open at once, indexed by epoch day mod 64 (the window is at most 31)
    private static final int LEGACY_HEADER_BYTES = 64;
    private static final int IMPORT_GROWTH_CHECK_INTERVAL = 4096;
    private static final String PREFIX = "dedup-";
    private static final String SUFFIX = ".dat";
    private static final String TMP_SUFFIX = ".tmp";

    private final Path dir;
    private final int initialCapacity;
    private final AtomicReferenceArray<Day> days = new AtomicReferenceArray<>(DAYS);
    private final Object control = new Object(); // orders prepare, retire and close; never taken by tryInsert
    private long growthFailures; // control lock
    private UncheckedIOException lastGrowthFailure; // control lock

    /** One segment: an open-addressing set of fingerprints in one mapped file. */
    private static final class Segment
    {
        final int capacity;
        final int mask;
        final long seed;
        final MappedFile file;
        final UnsafeBuffer buffer;

        Segment(final int index, final int capacity, final MappedFile file)
        {
            this.capacity = capacity;
            this.mask = capacity - 1;
            this.seed = (index + 1) * 0x9E3779B97F4A7C15L; // another seed per segment: spill-overs do not re-cluster
            this.file = file;
            this.buffer = file.buffer();
        }

        int start(final long fingerprint)
        {
            long h = (fingerprint ^ seed) * 0xFF51AFD7ED558CCDL;
            h ^= h >>> 32;
            h *= 0xC4CEB9FE1A85EC53L;
            h ^= h >>> 29;
            return (int)h & mask;
        }

        long entries()
        {
            return buffer.getLongVolatile(ENTRIES_OFFSET);
        }

        long lengthBytes()
        {
            return HEADER_BYTES + ((long)capacity << 3);
        }
    }

    /** A day's chain of segments. */
    private static final class Day
    {
        final long epochDay;
        // Copy-on-write, appended under the control lock only: a reader sees a prefix of any later array.
        volatile Segment[] segments;
        long entriesAtLastPrepare; // control lock only

        Day(final long epochDay, final Segment[] segments)
        {
            this.epochDay = epochDay;
            this.segments = segments;
            this.entriesAtLastPrepare = dayEntries(this);
        }

        Segment newest()
        {
            final Segment[] s = segments;
            return s[s.length - 1];
        }
    }

    /**
     * Opens the sets in {@code dir}: maps every existing segment of every day (checking each header), imports files of
     * the former single-file format, and removes files a crash left half-made. New days are mapped by
     * {@link #prepare}.
     *
     * @param dir             directory of the segment files.
     * @param initialCapacity entries of a day's first segment, a power of two &ge; {@link #MIN_CAPACITY}; a day
     *                        grows past it by appending segments.
     * @throws IllegalStateException naming the file when a segment's header is wrong or a segment is missing.
     */
    public DedupSets(final Path dir, final int initialCapacity)
    {
        if (Integer.bitCount(initialCapacity) != 1 || initialCapacity < MIN_CAPACITY ||
            initialCapacity > MAX_SEGMENT_CAPACITY)
        {
            throw new IllegalArgumentException("dedup initial capacity must be a power of two in [" + MIN_CAPACITY +
                ", " + MAX_SEGMENT_CAPACITY + "]: " + initialCapacity);
        }
        this.dir = dir;
        this.initialCapacity = initialCapacity;
        synchronized (control)
        {
            recover();
        }
    }

    /**
     * Adds a fingerprint to a day's set. Lock-free, allocation-free, never creates or maps files.
     *
     * @param epochDay    the day of the session's {@code started}.
     * @param fingerprint a non-zero 64-bit fingerprint of (key, state, session id).
     * @return {@link #NEW} (count it; answered once per fingerprint and day), {@link #PRESENT}, or {@link #FULL}
     *         when its path through the prepared segments has no empty slot or the day is not prepared (do not
     *         count; refuse the request and let it be retried).
     */
    public int tryInsert(final long epochDay, final long fingerprint)
    {
        final Day day = days.get(slotOf(epochDay));
        if (day == null || day.epochDay != epochDay)
        {
            return FULL;
        }
        for (final Segment s : day.segments)
        {
            final UnsafeBuffer b = s.buffer;
            int index = s.start(fingerprint);
            for (int probe = 0; probe < PROBES_PER_SEGMENT; probe++)
            {
                final int off = HEADER_BYTES + (index << 3);
                final long v = b.getLongVolatile(off);
                if (v == fingerprint)
                {
                    return PRESENT;
                }
                if (v == 0)
                {
                    if (b.compareAndSetLong(off, 0, fingerprint))
                    {
                        b.getAndAddLong(ENTRIES_OFFSET, 1);
                        return NEW;
                    }
                    if (b.getLongVolatile(off) == fingerprint)
                    {
                        return PRESENT;
                    }
                }
                index = (index + 1) & s.mask;
            }
        }
        return FULL;
    }

    /**
     * Whether {@link #tryInsert} would find room for a fingerprint now: it is there already, or an empty slot lies on
     * its path. Lets a caller refuse a batch before folding any of it, instead of meeting {@link #FULL} half way (a
     * concurrent insert can still take the last empty slot of a path in between: rare, and the caller must cope).
     *
     * @param epochDay    the day of the session's {@code started}.
     * @param fingerprint a non-zero fingerprint.
     * @return false when an insert would answer {@link #FULL}.
     */
    public boolean canInsert(final long epochDay, final long fingerprint)
    {
        return walk(epochDay, fingerprint) != WALK_FULL;
    }

    private static final int WALK_FOUND = 0;
    private static final int WALK_EMPTY = 1;
    private static final int WALK_FULL = 2;

    /**
     * Walks a fingerprint's path without writing: {@code WALK_FOUND} at the fingerprint, {@code WALK_EMPTY} at the
     * first empty slot (the fingerprint cannot be further along: see the class comment), {@code WALK_FULL} past the
     * path's end or for a day not prepared.
     */
    private int walk(final long epochDay, final long fingerprint)
    {
        final Day day = days.get(slotOf(epochDay));
        if (day == null || day.epochDay != epochDay)
        {
            return WALK_FULL;
        }
        for (final Segment s : day.segments)
        {
            int index = s.start(fingerprint);
            for (int probe = 0; probe < PROBES_PER_SEGMENT; probe++)
            {
                final long v = s.buffer.getLongVolatile(HEADER_BYTES + (index << 3));
                if (v == fingerprint)
                {
                    return WALK_FOUND;
                }
                if (v == 0)
                {
                    return WALK_EMPTY;
                }
                index = (index + 1) & s.mask;
            }
        }
        return WALK_FULL;
    }

    /**
     * Whether a day's set holds a fingerprint, without adding it (for a caller at a quota: repeats are still
     * recognised). Lock-free, allocation-free.
     *
     * @param epochDay    the day of the session's {@code started}.
     * @param fingerprint a non-zero fingerprint.
     * @return true when {@link #tryInsert} would answer {@link #PRESENT} now.
     */
    public boolean contains(final long epochDay, final long fingerprint)
    {
        return walk(epochDay, fingerprint) == WALK_FOUND;
    }

    /**
     * How close a day is to answering {@link #FULL}: the fill of its newest segment, which {@link #prepare} leaves at
     * most {@link #GROW_AT_FILL} full with room for one more cycle's inserts (1 would mean every walk that reaches it
     * could run off its end). 0 for a day that is not mapped, as for a day outside the window; inserts into such a
     * day answer FULL (see {@link #segments}).
     *
     * @param epochDay a day.
     * @return 0..1.
     */
    public double fill(final long epochDay)
    {
        final Day day = days.get(slotOf(epochDay));
        if (day == null || day.epochDay != epochDay)
        {
            return 0;
        }
        final Segment newest = day.newest();
        return Math.min(1.0, newest.entries() / (double)newest.capacity);
    }

    /**
     * @param epochDay a day.
     * @return fingerprints held for it (0 when not mapped).
     */
    public long entries(final long epochDay)
    {
        final Day day = days.get(slotOf(epochDay));
        if (day == null || day.epochDay != epochDay)
        {
            return 0;
        }
        return dayEntries(day);
    }

    /**
     * @param epochDay a day.
     * @return segments mapped for it (0 when not mapped).
     */
    public int segments(final long epochDay)
    {
        final Day day = days.get(slotOf(epochDay));
        return day == null || day.epochDay != epochDay ? 0 : day.segments.length;
    }

    /** @return bytes of all mapped segment files (for the memory metric; untouched pages of a file cost nothing). */
    public long mappedBytes()
    {
        long bytes = 0;
        for (int slot = 0; slot < DAYS; slot++)
        {
            final Day day = days.get(slot);
            if (day != null)
            {
                for (final Segment s : day.segments)
                {
                    bytes += s.lengthBytes();
                }
            }
        }
        return bytes;
    }

    /**
     * Makes a day ready for inserts (the flusher calls this every cycle for every day of the window, so event loops
     * never create or map files): maps its segments, creating the first when there is none, and appends segments
     * until the newest could take the day's inserts since the previous call and still be at most
     * {@link #GROW_AT_FILL} full (see the class comment). Cheap when there is nothing to do. A day older than one
     * already mapped in its place (64 days later) is left alone. Call it often (every flusher cycle): the margin it
     * leaves is one interval's worth of inserts. A segment file that cannot be made (disk full, a failed write) is
     * not published: inserts that would need it answer {@link #FULL}, and the next call tries again.
     *
     * @param epochDay the day.
     * @return false when a segment file could not be made ({@link #lastGrowthFailure()} says why).
     */
    public boolean prepare(final long epochDay)
    {
        synchronized (control)
        {
            try
            {
                final Day day = load(epochDay, true);
                if (day != null)
                {
                    grow(day);
                }
                return true;
            }
            catch (final UncheckedIOException ex)
            {
                // Disk full or a failed write: nothing was published, so inserts that needed the new segment answer
                // FULL (the request gets 503) and the next call tries again.
                growthFailures++;
                lastGrowthFailure = ex;
                return false;
            }
        }
    }

    /** @return calls of {@link #prepare} that could not create a segment file (disk full, failed write). */
    public long growthFailures()
    {
        synchronized (control)
        {
            return growthFailures;
        }
    }

    /** @return why the last {@link #prepare} that failed could not create its segment, or null. */
    public UncheckedIOException lastGrowthFailure()
    {
        synchronized (control)
        {
            return lastGrowthFailure;
        }
    }

    /**
     * Deletes the files of days before {@code oldestDay} (no update can reach them any more). A day's segments are
     * deleted newest first, so a crash in between leaves a valid shorter chain.
     *
     * @param oldestDay the oldest day to keep.
     */
    public void retireBefore(final long oldestDay)
    {
        synchronized (control)
        {
            for (int slot = 0; slot < DAYS; slot++)
            {
                final Day day = days.get(slot);
                if (day != null && day.epochDay < oldestDay)
                {
                    days.compareAndSet(slot, day, null); // not unmapped: a writer may still hold it; the GC unmaps it
                }
            }
            try
            {
                for (final Map.Entry<Long, TreeMap<Integer, Path>> day : listFiles().entrySet())
                {
                    if (day.getKey() < oldestDay)
                    {
                        for (final Path f : day.getValue().descendingMap().values())
                        {
                            Files.deleteIfExists(f);
                        }
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot retire dedup files in " + dir, ex);
            }
        }
    }

    /** Flushes every mapped segment to disk. */
    public void force()
    {
        synchronized (control)
        {
            for (int slot = 0; slot < DAYS; slot++)
            {
                final Day day = days.get(slot);
                if (day != null)
                {
                    for (final Segment s : day.segments)
                    {
                        s.file.force();
                    }
                }
            }
        }
    }

    /** Unmaps everything; no insert may run any more. */
    @Override
    public void close()
    {
        synchronized (control)
        {
            for (int slot = 0; slot < DAYS; slot++)
            {
                final Day day = days.getAndSet(slot, null);
                if (day != null)
                {
                    unmap(day);
                }
            }
        }
    }

    private static int slotOf(final long epochDay)
    {
        return (int)Math.floorMod(epochDay, (long)DAYS);
    }

    private void recover()
    {
        final TreeMap<Long, TreeMap<Integer, Path>> files;
        try
        {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> tmp = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX + TMP_SUFFIX))
            {
                for (final Path f : tmp)
                {
                    Files.delete(f); // a segment whose header was never completed: nothing was ever inserted into it
                }
            }
            files = listFiles();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list dedup files in " + dir, ex);
        }
        for (final Map.Entry<Long, TreeMap<Integer, Path>> e : files.entrySet())
        {
            final long epochDay = e.getKey();
            final TreeMap<Integer, Path> segmentFiles = e.getValue();
            final Path legacy = segmentFiles.remove(-1);
            if (!segmentFiles.isEmpty())
            {
                final Day day = load(epochDay, false);
                final int mapped = day == null ? -1 : day.segments.length;
                if (day != null && mapped != segmentFiles.size())
                {
                    throw new IllegalStateException("dedup segment " + segmentFile(epochDay, mapped) + " is missing " +
                        "but " + segmentFiles.lastEntry().getValue() + " exists: the chain of day " + epochDay +
                        " is broken. Move the day's files out of " + dir + " and restart (the day then loses its " +
                        "exactly-once protection)");
                }
            }
            if (legacy != null)
            {
                importLegacy(epochDay, legacy);
            }
        }
    }

    /**
     * Lists the segment files by day and index; a version-1 file has index -1.
     */
    private TreeMap<Long, TreeMap<Integer, Path>> listFiles() throws IOException
    {
        final TreeMap<Long, TreeMap<Integer, Path>> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX))
        {
            for (final Path f : stream)
            {
                final String name = f.getFileName().toString();
                final String stem = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
                final int dash = stem.indexOf('-');
                try
                {
                    final long epochDay = Long.parseLong(dash < 0 ? stem : stem.substring(0, dash));
                    final int segment = dash < 0 ? -1 : Integer.parseInt(stem.substring(dash + 1));
                    if (segment < -1)
                    {
                        throw new NumberFormatException(stem);
                    }
                    files.computeIfAbsent(epochDay, d -> new TreeMap<>()).put(segment, f);
                }
                catch (final NumberFormatException ex)
                {
                    continue; // not a segment's name: not ours (the data directory's scan warns about it)
                }
            }
        }
        return files;
    }

    /**
     * Returns the day's chain, mapping its existing segments (and creating the first when {@code create}) if it is
     * not mapped yet; null when a newer day holds its place or there is nothing to map. Control lock held.
     */
    private Day load(final long epochDay, final boolean create)
    {
        final int slot = slotOf(epochDay);
        final Day current = days.get(slot);
        if (current != null && current.epochDay >= epochDay)
        {
            return current.epochDay == epochDay ? current : null;
        }
        final List<Segment> segments = new ArrayList<>();
        try
        {
            for (int i = 0; i < MAX_SEGMENTS_PER_DAY && Files.exists(segmentFile(epochDay, i)); i++)
            {
                segments.add(openSegment(segmentFile(epochDay, i), epochDay, i));
            }
            if (segments.isEmpty())
            {
                if (!create)
                {
                    return null;
                }
                segments.add(createSegment(epochDay, 0, initialCapacity));
            }
        }
        catch (final RuntimeException ex)
        {
            for (final Segment s : segments)
            {
                s.file.close();
            }
            throw ex;
        }
        final Day day = new Day(epochDay, segments.toArray(new Segment[0]));
        days.set(slot, day); // an older day in this place is out of the window: dropped, unmapped by the GC
        return day;
    }

    /**
     * Appends segments until the newest one could take, still below {@link #GROW_AT_FILL}, as many fingerprints as
     * the whole day received since the previous call (a rate-following margin: a burst is met with a larger segment
     * before it can run the chain out). Control lock held.
     */
    private void grow(final Day day)
    {
        final long entries = dayEntries(day);
        final long recent = Math.max(0, entries - day.entriesAtLastPrepare);
        day.entriesAtLastPrepare = entries;
        while (true)
        {
            final Segment newest = day.newest();
            if (newest.entries() + recent <= GROW_AT_FILL * newest.capacity || !append(day))
            {
                return;
            }
        }
    }

    /** Appends the next segment, twice the newest one's capacity; false when the day has its most segments. */
    private boolean append(final Day day)
    {
        final Segment[] segments = day.segments;
        if (segments.length >= MAX_SEGMENTS_PER_DAY)
        {
            return false;
        }
        final int capacity = (int)Math.min(MAX_SEGMENT_CAPACITY, 2L * segments[segments.length - 1].capacity);
        final Segment[] grown = Arrays.copyOf(segments, segments.length + 1);
        grown[segments.length] = createSegment(day.epochDay, segments.length, capacity);
        day.segments = grown; // volatile publish: the new segment's header and zeroed slots are visible first
        return true;
    }

    private static long dayEntries(final Day day)
    {
        long entries = 0;
        for (final Segment s : day.segments)
        {
            entries += s.entries();
        }
        return entries;
    }

    private Segment createSegment(final long epochDay, final int index, final int capacity)
    {
        final Path path = segmentFile(epochDay, index);
        if (Files.exists(path))
        {
            throw new IllegalStateException("dedup segment " + path + " exists but is not mapped");
        }
        // Allocated in full, header written under the .tmp name, then renamed: a crash never leaves a header-less
        // segment, and a full disk fails here, on the flusher, not as a fault in an event loop's insert.
        final MappedFile file = MappedFile.openOrCreate(path, segmentBytes(capacity), b ->
        {
            b.putLong(MAGIC_OFFSET, MAGIC);
            b.putInt(VERSION_OFFSET, VERSION);
            b.putInt(SEGMENT_OFFSET, index);
            b.putLong(DAY_OFFSET, epochDay);
            b.putLong(CAPACITY_OFFSET, capacity);
        });
        return new Segment(index, capacity, file);
    }

    /**
     * @param capacity slots of a segment.
     * @return the size of its file.
     */
    public static long segmentBytes(final int capacity)
    {
        return HEADER_BYTES + ((long)capacity << 3);
    }

    private Segment openSegment(final Path path, final long epochDay, final int index)
    {
        final long size;
        try
        {
            size = Files.size(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open dedup segment " + path, ex);
        }
        if (size < HEADER_BYTES)
        {
            throw badSegment(path, "it has " + size + " bytes, less than the " + HEADER_BYTES + "-byte header");
        }
        final MappedFile file = MappedFile.openOrCreate(path, size);
        final UnsafeBuffer b = file.buffer();
        final String problem;
        final long capacity = b.getLong(CAPACITY_OFFSET);
        if (b.getLong(MAGIC_OFFSET) != MAGIC)
        {
            problem = "bad magic 0x" + Long.toHexString(b.getLong(MAGIC_OFFSET)) + ", expected 0x" +
                Long.toHexString(MAGIC);
        }
        else if (b.getInt(VERSION_OFFSET) != VERSION)
        {
            problem = "format version " + b.getInt(VERSION_OFFSET) + ", expected " + VERSION;
        }
        else if (b.getLong(DAY_OFFSET) != epochDay)
        {
            problem = "header day " + b.getLong(DAY_OFFSET) + " but the file name says " + epochDay;
        }
        else if (b.getInt(SEGMENT_OFFSET) != index)
        {
            problem = "header segment " + b.getInt(SEGMENT_OFFSET) + " but the file name says " + index;
        }
        else if (capacity < MIN_CAPACITY || capacity > MAX_SEGMENT_CAPACITY || Long.bitCount(capacity) != 1)
        {
            problem = "capacity " + capacity + " is not a power of two in [" + MIN_CAPACITY + ", " +
                MAX_SEGMENT_CAPACITY + "]";
        }
        else if (size != HEADER_BYTES + (capacity << 3))
        {
            problem = "it has " + size + " bytes but its capacity " + capacity + " needs " +
                (HEADER_BYTES + (capacity << 3));
        }
        else
        {
            return new Segment(index, (int)capacity, file);
        }
        file.close();
        throw badSegment(path, problem);
    }

    private IllegalStateException badSegment(final Path path, final String problem)
    {
        return new IllegalStateException("dedup segment " + path + ": " + problem + ". It is damaged or was not " +
            "written by this version of Crashfree: move it out of " + dir + " and restart (its day then loses its " +
            "exactly-once protection)");
    }

    /**
     * Imports a version-1 file (64-byte header, then fixed slots) into the day's chain and deletes it. Re-running it
     * after a crash is harmless: inserts are idempotent, and the file is deleted only after the chain is forced.
     */
    private void importLegacy(final long epochDay, final Path legacy)
    {
        final Day day = load(epochDay, true);
        if (day == null)
        {
            return; // older than a mapped day in its place: retireBefore deletes it
        }
        try
        {
            final long size = Files.size(legacy);
            if (size < LEGACY_HEADER_BYTES || (size - LEGACY_HEADER_BYTES) % 8 != 0)
            {
                throw new IllegalStateException("dedup file " + legacy + " (format version 1) has " + size +
                    " bytes, not a 64-byte header and 8-byte slots: move it out of " + dir + " and restart");
            }
            try (MappedFile file = MappedFile.openOrCreate(legacy, size))
            {
                final UnsafeBuffer b = file.buffer();
                final long slots = (size - LEGACY_HEADER_BYTES) / 8;
                for (long i = 0; i < slots; i++)
                {
                    final long fingerprint = b.getLong(LEGACY_HEADER_BYTES + (int)(i << 3));
                    if (fingerprint == 0)
                    {
                        continue;
                    }
                    while (tryInsert(epochDay, fingerprint) == FULL)
                    {
                        if (!append(day))
                        {
                            throw new IllegalStateException("dedup file " + legacy + " does not fit into " +
                                MAX_SEGMENTS_PER_DAY + " segments");
                        }
                    }
                    if (i % IMPORT_GROWTH_CHECK_INTERVAL == 0)
                    {
                        grow(day);
                    }
                }
            }
            for (final Segment s : day.segments)
            {
                s.file.force();
            }
            Files.delete(legacy);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot import dedup file " + legacy, ex);
        }
    }

    private Path segmentFile(final long epochDay, final int index)
    {
        return dir.resolve(PREFIX + epochDay + "-" + index + SUFFIX);
    }

    private static void unmap(final Day day)
    {
        for (final Segment s : day.segments)
        {
            s.file.close();
        }
    }
}
