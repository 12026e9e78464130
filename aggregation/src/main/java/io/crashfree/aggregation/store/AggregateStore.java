package io.crashfree.aggregation.store;

import io.crashfree.aggregation.files.DiskSpace;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The persistent aggregates: a Chronicle Map file of {@link StoreKey} → {@link AggregateValue}, plus an in-memory
 * ordered index of its keys (rebuilt at start) so queries read a project's time range without scanning the map.
 * <p>
 * Written only by the flusher thread; read by queries. Off the ingest path (a Chronicle Map update costs
 * microseconds).
 * <p>
 * Every write and removal takes a number from a sequence and stamps it on its bucket (project, width, bucket start),
 * so a reader can ask whether any bucket of a range changed since it last looked ({@link #lastWrite}): that is what
 * lets the query side keep unions of buckets that no longer change. Not persisted: the sequence starts again at
 * every open, and so does anything derived from it.
 */
public final class AggregateStore implements AutoCloseable
{
    private final Path file;
    private final ChronicleMap<byte[], byte[]> map;
    private final UndoJournal journal;
    private final ConcurrentSkipListSet<StoreKey> index = new ConcurrentSkipListSet<>();
    /**
     * Last write sequence per bucket, keyed by the bucket's key with release and environment 0. A hash map of mutable
     * cells: a flush writes many keys of one bucket in a row, and a skip-list put per key was a fifth of the
     * flusher's time; readers look up a range's buckets one by one (24 for a day of hours).
     */
    private final ConcurrentHashMap<StoreKey, AtomicLong> bucketWrites = new ConcurrentHashMap<>();
    /** Per (project, width): the newest bucket whose last key was removed, and the sequence of that removal. */
    private final Map<StoreKey, long[]> removedThrough = new ConcurrentHashMap<>();
    private final long growthReserveBytes;
    private volatile long writeSequence;
    private final int recoveredCorruptions;
    private StoreKey lastBucket; // the flusher's last written bucket and its cell
    private AtomicLong lastBucketWrites;

    /**
     * Opens or creates the store.
     *
     * @param file              the map file.
     * @param expectedEntries   entries it is sized for (it may grow past them up to a bloat factor).
     * @param averageValueBytes typical serialized value size.
     */
    public AggregateStore(final Path file, final long expectedEntries, final int averageValueBytes)
    {
        this(file, expectedEntries, averageValueBytes, message -> { });
    }

    /**
     * Opens or creates the store. An existing file is recovered (Chronicle Map's own recovery, which also verifies
     * every entry's checksum) and every entry's shape is checked ({@link AggregateValueDescriptor#problem}) while the
     * key index is built. Chronicle Map drops an entry whose checksum fails: after a crash in the middle of writing it
     * that is the entry the crash tore (reported as a warning), but otherwise it is damage, and the open fails, now
     * and at every later open until the operator acts ({@link #DAMAGE_MARKER_SUFFIX}), so the store never answers
     * without the entry unnoticed. (Chronicle Map writes every page of a new file, so it is allocated on disk in full;
     * check the space first, {@link #estimatedFileBytes}.)
     *
     * @param file              the map file.
     * @param expectedEntries   entries it is sized for (it may grow past them up to a bloat factor).
     * @param averageValueBytes typical serialized value size.
     * @param warnings          receives a line when Chronicle Map's recovery repaired something after a crash.
     * @throws IllegalStateException naming the file (and the entry) when it cannot be opened or is damaged.
     */
    public AggregateStore(final Path file, final long expectedEntries, final int averageValueBytes,
        final Consumer<String> warnings)
    {
        this.file = file;
        final boolean exists = Files.exists(file);
        final Path marker = file.resolveSibling(file.getFileName() + DAMAGE_MARKER_SUFFIX);
        try
        {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(marker))
            {
                throw new IllegalStateException("aggregate store " + file + " was found damaged at an earlier open (" +
                    Files.readString(marker).trim() + "): " + DAMAGED_HINT + ", and delete " + marker);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the aggregate store " + file + ": " + ex.getMessage(), ex);
        }
        final ChronicleMapBuilder<byte[], byte[]> builder = ChronicleMapBuilder.of(byte[].class, byte[].class)
            .name("crashfree-aggregates")
            .entries(expectedEntries)
            .averageKeySize(StoreKey.BYTES)
            .averageValueSize(averageValueBytes)
            .maxBloatFactor(MAX_BLOAT_FACTOR)
            .checksumEntries(true) // verified by the recovery at every open
            .skipCloseOnExitHook(true); // the node closes it after its final flush, not Chronicle's own hook
        final Recovery recovery = new Recovery();
        ChronicleMap<byte[], byte[]> opened = null;
        try
        {
            // Recover on every open of an existing map: a process killed while the flusher held a segment lock
            // (kill -9 during a put) leaves the lock taken, and a plain open would wait 60 s for it and fail. One
            // node owns its data directory (it is locked), so no other process can be using the map while it recovers.
            opened = exists ? builder.recoverPersistedTo(file.toFile(), true, recovery) :
                builder.createPersistedTo(file.toFile());
            final String damage = recovery.damage();
            if (damage != null)
            {
                Files.writeString(marker, damage + "\n"); // the recovery dropped the entry: refuse at every open
                throw new DamagedEntryException(damage);
            }
            restoreTornWrite(opened, recovery, warnings);
            opened.forEachEntry(entry -> checkAndIndex(entry.key().get(), entry.value().get()));
        }
        catch (final IOException | RuntimeException | InternalError ex)
        {
            // InternalError: a fault in a mapped page (Chronicle Map writes every page of a new file, and a full disk
            // there faults); the space was checked before, so only a race with another process gets here.
            if (opened != null)
            {
                opened.close();
            }
            if (!exists)
            {
                deleteHalfMade();
                throw new IllegalStateException("aggregate store " + file + " cannot be created (" + describe(ex) +
                    "; " + DiskSpace.describe(DiskSpace.usableBytes(file)) + " usable on its filesystem)", ex);
            }
            if (ex instanceof DamagedEntryException damaged)
            {
                throw new IllegalStateException("aggregate store " + file + ": " + damaged.getMessage() + ". It is " +
                    "damaged: " + DAMAGED_HINT);
            }
            throw new IllegalStateException("aggregate store " + file + " cannot be opened (" + describe(ex) +
                "). It is damaged or was not written by this version of Crashfree: " + DAMAGED_HINT, ex);
        }
        this.map = opened;
        this.journal = new UndoJournal(undoFile(file));
        this.recoveredCorruptions = recovery.events;
        this.growthReserveBytes = growthReserve(opened);
        if (recovery.events > 0)
        {
            warnings.accept("aggregate store " + file + ": Chronicle Map's recovery repaired " + recovery.events +
                " inconsistencies a process killed while writing it left" + (recovery.torn > 0 ? ", and dropped " +
                recovery.torn + " entry it had half written (that key keeps only what is flushed into it again)" :
                "") + ": " + String.join("; ", recovery.reports));
        }
    }

    /**
     * Suffix of the file that records damage the recovery found ({@code aggregates.cm.damaged}): while it exists the
     * store does not open.
     */
    public static final String DAMAGE_MARKER_SUFFIX = ".damaged";
    private static final double MAX_BLOAT_FACTOR = 8.0;
    private static final String DAMAGED_HINT = "restore it from a backup; or, to start with an empty store (the " +
        "flushed aggregates are then lost), move it away and remove its line from the data directory's MANIFEST";

    /**
     * What Chronicle Map's recovery reported. A crash leaves a segment's lock taken and, if it struck in the middle
     * of a write, that segment's entry with a wrong checksum; a wrong checksum in a segment whose lock was clear is
     * damage.
     */
    private static final class Recovery implements ChronicleHashCorruption.Listener
    {
        final Set<Integer> lockedSegments = new HashSet<>();
        final List<Integer> checksumFailures = new ArrayList<>();
        final List<String> checksumMessages = new ArrayList<>();
        final List<String> reports = new ArrayList<>();
        int events;
        int torn;

        @Override
        public void onCorruption(final ChronicleHashCorruption corruption)
        {
            events++;
            final String message = String.valueOf(corruption.message());
            if (message.startsWith("lock of segment"))
            {
                lockedSegments.add(corruption.segmentIndex());
            }
            else if (message.startsWith("Checksum doesn't match"))
            {
                checksumFailures.add(corruption.segmentIndex());
                final int key = message.indexOf(", key:");
                checksumMessages.add(key < 0 ? message : message.substring(0, key));
            }
            if (reports.size() < 4)
            {
                reports.add(message.replace('\n', ' '));
            }
        }

        /** @return the damage found, or null when everything it repaired is what a crash leaves. */
        String damage()
        {
            for (int i = 0; i < checksumFailures.size(); i++)
            {
                final int segment = checksumFailures.get(i);
                if (!lockedSegments.contains(segment))
                {
                    return "an entry in segment " + segment + " failed its checksum and was dropped by Chronicle " +
                        "Map's recovery (" + checksumMessages.get(i) + ")";
                }
                torn++;
            }
            return null;
        }
    }

    /** An entry failed its checks at open. */
    private static final class DamagedEntryException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        DamagedEntryException(final String message)
        {
            super(message, null, false, false);
        }
    }

    private void checkAndIndex(final byte[] key, final byte[] value)
    {
        final String problem = AggregateValueDescriptor.problem(key, value);
        if (problem != null)
        {
            throw new DamagedEntryException("the entry " + (key.length == StoreKey.BYTES ?
                "of " + StoreKey.fromBytes(key) : "with a key of " + key.length + " bytes") + " is damaged: " + problem);
        }
        index.add(StoreKey.fromBytes(key));
    }

    private static String describe(final Throwable ex)
    {
        final StringBuilder out = new StringBuilder(ex.getClass().getSimpleName());
        if (ex.getMessage() != null)
        {
            out.append(": ").append(ex.getMessage().replace('\n', ' '));
        }
        if (ex.getCause() != null && ex.getCause() != ex)
        {
            out.append("; caused by ").append(describe(ex.getCause()));
        }
        return out.toString();
    }

    private void deleteHalfMade()
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignored)
        {
            // the failure being reported matters more
        }
    }

    /**
     * What the file may grow by at once: Chronicle Map appends a bulk of tiers (and writes all of it) when a segment
     * overflows; the sizes are public fields of its implementation. Plus a margin for the filesystem's own needs.
     */
    private static long growthReserve(final ChronicleMap<byte[], byte[]> map)
    {
        long bulkBytes = 64L << 20;
        if (map instanceof VanillaChronicleHash<?, ?, ?, ?> hash)
        {
            bulkBytes = hash.tierSize * Math.max(1, hash.tiersInBulk);
        }
        return bulkBytes + (1L << 20);
    }

    /**
     * What a new store's file takes on disk, for checking the space before creating it: Chronicle Map lays out (and
     * writes) its segments for the expected entries at creation; measured with 1 KiB average values, 1,325 to 1,450
     * bytes an entry (250,000 entries: 331 MB; 1,000: 1.4 MB), so this errs on the high side.
     *
     * @param expectedEntries   entries it is sized for.
     * @param averageValueBytes typical serialized value size.
     * @return bytes.
     */
    public static long estimatedFileBytes(final long expectedEntries, final int averageValueBytes)
    {
        return (1L << 20) + expectedEntries * (StoreKey.BYTES + averageValueBytes + 320);
    }

    /** @return the map file. */
    public Path file()
    {
        return file;
    }

    /**
     * @return bytes that must be usable on the store's filesystem before the flusher writes to it: what one growth
     *         of the file takes. Chronicle Map writes a new bulk of tiers through its mapping, where a full disk is a
     *         fault rather than an error, so the flusher does not write unless this much is free.
     */
    public long growthReserveBytes()
    {
        return growthReserveBytes;
    }

    /** @return inconsistencies Chronicle Map's recovery found and repaired when the store was opened. */
    public int recoveredCorruptions()
    {
        return recoveredCorruptions;
    }

    /**
     * @param key a key.
     * @return its value, or null.
     */
    public AggregateValue get(final StoreKey key)
    {
        return get(key, AggregateValue.ALL_SKETCHES);
    }

    /**
     * @param key        a key.
     * @param sketchMask sketches to decode.
     * @return its value, or null.
     */
    public AggregateValue get(final StoreKey key, final int sketchMask)
    {
        final byte[] bytes = map.get(key.toBytes());
        return bytes == null ? null : AggregateValue.fromBytes(bytes, sketchMask);
    }

    /**
     * Decodes a value read with {@link #getBytes} after checking it (the flusher, before it merges into it: a damaged
     * entry must not be merged into and written back with a fresh check).
     *
     * @param key   its key.
     * @param bytes its serialized value.
     * @return the value.
     * @throws IllegalStateException naming the file and the entry when it is damaged.
     */
    public AggregateValue decodeChecked(final StoreKey key, final byte[] bytes)
    {
        final String problem = AggregateValueDescriptor.problem(key.toBytes(), bytes);
        if (problem != null)
        {
            throw new IllegalStateException("aggregate store " + file + ": the entry of " + key + " is damaged: " +
                problem + ". " + DAMAGED_HINT);
        }
        return AggregateValue.fromBytes(bytes, AggregateValue.ALL_SKETCHES);
    }

    /** Suffix of the store's undo journal ({@code aggregates.cm.undo}, see {@link UndoJournal}). */
    public static final String UNDO_SUFFIX = ".undo";

    private static Path undoFile(final Path file)
    {
        return file.resolveSibling(file.getFileName() + UNDO_SUFFIX);
    }

    /**
     * A put that a crash tore is dropped by Chronicle's recovery, and with it everything flushed into that key
     * before: put the former value back from the undo journal (the torn flush's live record is still sealed and
     * merges again, its generation not being in the former value).
     */
    private void restoreTornWrite(final ChronicleMap<byte[], byte[]> opened, final Recovery recovery,
        final Consumer<String> warnings)
    {
        try (UndoJournal undo = new UndoJournal(undoFile(file)))
        {
            final UndoJournal.Pending pending = undo.pending();
            if (pending != null)
            {
                if (opened.get(pending.key()) == null && pending.before() != null)
                {
                    opened.put(pending.key(), pending.before());
                    warnings.accept("aggregate store " + file + ": a write into " + describeKey(pending.key()) +
                        " was torn by a crash; its former value was put back from " + undoFile(file) +
                        " and the flush is merged again");
                }
                undo.end();
            }
        }
    }

    private static String describeKey(final byte[] key)
    {
        return key.length == StoreKey.BYTES ? StoreKey.fromBytes(key).toString() : "a key of " + key.length + " bytes";
    }

    /**
     * Puts back what a key held before a write that must be undone (flusher only): its former serialized value, or
     * nothing.
     *
     * @param key    the key.
     * @param before its former value as {@link #getBytes} returned it, or null when it had none.
     */
    public void restore(final StoreKey key, final byte[] before)
    {
        if (before == null)
        {
            remove(key);
            return;
        }
        final byte[] keyBytes = key.toBytes();
        journal.begin(keyBytes, map.get(keyBytes));
        map.put(keyBytes, before);
        journal.end();
        stamp(key);
    }

    /**
     * @param key a key.
     * @return its serialized value, or null.
     */
    public byte[] getBytes(final StoreKey key)
    {
        return map.get(key.toBytes());
    }

    /**
     * Writes a value (flusher only).
     *
     * @param key   the key.
     * @param value the value.
     */
    public void put(final StoreKey key, final AggregateValue value)
    {
        put(key, value, true);
    }

    /**
     * Writes a value (flusher only).
     *
     * @param key    the key.
     * @param value  the value.
     * @param newKey false when the caller knows the key is already stored (skips the index insert).
     */
    public void put(final StoreKey key, final AggregateValue value, final boolean newKey)
    {
        final byte[] keyBytes = key.toBytes();
        put(key, value, newKey, newKey ? null : map.get(keyBytes));
    }

    /**
     * Writes a value (flusher only), recording what the key held before in the undo journal until the write is
     * done, so that a crash in the middle of it loses nothing ({@link UndoJournal}).
     *
     * @param key    the key.
     * @param value  the value.
     * @param newKey false when the caller knows the key is already stored (skips the index insert).
     * @param before what the key holds now, as {@link #getBytes} returned it (null when nothing).
     */
    public void put(final StoreKey key, final AggregateValue value, final boolean newKey, final byte[] before)
    {
        final byte[] keyBytes = key.toBytes();
        journal.begin(keyBytes, before);
        map.put(keyBytes, value.toBytes());
        journal.end();
        if (newKey)
        {
            index.add(key);
        }
        stamp(key);
    }

    private void stamp(final StoreKey key)
    {
        final long sequence = nextSequence();
        final StoreKey bucket = bucketOf(key);
        if (!bucket.equals(lastBucket))
        {
            lastBucket = bucket;
            lastBucketWrites = bucketWrites.computeIfAbsent(bucket, b -> new AtomicLong());
        }
        lastBucketWrites.set(sequence);
    }

    /**
     * Removes a key (retention; flusher only).
     *
     * @param key the key.
     */
    public void remove(final StoreKey key)
    {
        map.remove(key.toBytes());
        index.remove(key);
        final StoreKey bucket = bucketOf(key);
        final long sequence = nextSequence();
        final StoreKey next = index.ceiling(
            new StoreKey(key.project(), key.widthSec(), key.bucketSec(), Long.MIN_VALUE, Long.MIN_VALUE));
        if (next != null && bucketOf(next).equals(bucket))
        {
            bucketWrites.computeIfAbsent(bucket, b -> new AtomicLong()).set(sequence);
        }
        else
        {
            // The bucket is gone: forget its stamp, and remember that everything up to it changed.
            bucketWrites.remove(bucket);
            lastBucket = null;
            removedThrough.merge(new StoreKey(key.project(), key.widthSec(), 0, 0, 0),
                new long[] { key.bucketSec(), sequence },
                (a, b) -> new long[] { Math.max(a[0], b[0]), Math.max(a[1], b[1]) });
        }
    }

    /**
     * The highest write sequence stamped on any bucket of a project at one width in {@code [fromSec, toSec)},
     * counting removals: equal to an earlier answer (or to {@link #writeSequence()} read then) means nothing in the
     * range changed since.
     *
     * @param project  project id.
     * @param widthSec bucket width.
     * @param fromSec  first bucket start, inclusive.
     * @param toSec    last bucket start, exclusive.
     * @return the sequence, 0 if nothing in the range was ever written since the store was opened.
     */
    public long lastWrite(final long project, final long widthSec, final long fromSec, final long toSec)
    {
        long last = 0;
        final long first = Math.floorDiv(fromSec + widthSec - 1, widthSec) * widthSec; // buckets start at multiples
        for (long bucket = first; bucket < toSec; bucket += widthSec)
        {
            final AtomicLong sequence = bucketWrites.get(new StoreKey(project, widthSec, bucket, 0, 0));
            if (sequence != null)
            {
                last = Math.max(last, sequence.get());
            }
        }
        final long[] removed = removedThrough.get(new StoreKey(project, widthSec, 0, 0, 0));
        if (removed != null && removed[0] >= fromSec)
        {
            last = Math.max(last, removed[1]);
        }
        return last;
    }

    /** @return the sequence of the latest write or removal (0 before the first). */
    public long writeSequence()
    {
        return writeSequence;
    }

    private long nextSequence()
    {
        final long next = writeSequence + 1; // one writer (the flusher)
        writeSequence = next;
        return next;
    }

    private static StoreKey bucketOf(final StoreKey key)
    {
        return new StoreKey(key.project(), key.widthSec(), key.bucketSec(), 0, 0);
    }

    /**
     * Visits a project's stored buckets of one width in {@code [fromSec, toSec)}.
     *
     * @param project  project id.
     * @param widthSec bucket width.
     * @param fromSec  first bucket start, inclusive.
     * @param toSec    last bucket start, exclusive.
     * @param visitor  receives each key and value.
     */
    public void forEachInRange(final long project, final long widthSec, final long fromSec, final long toSec,
        final BiConsumer<StoreKey, AggregateValue> visitor)
    {
        forEachInRange(project, widthSec, fromSec, toSec, AggregateValue.ALL_SKETCHES, visitor);
    }

    /**
     * Visits a project's stored buckets of one width in {@code [fromSec, toSec)}, decoding only some sketches.
     *
     * @param project    project id.
     * @param widthSec   bucket width.
     * @param fromSec    first bucket start, inclusive.
     * @param toSec      last bucket start, exclusive.
     * @param sketchMask sketches to decode.
     * @param visitor    receives each key and value.
     */
    public void forEachInRange(final long project, final long widthSec, final long fromSec, final long toSec,
        final int sketchMask, final BiConsumer<StoreKey, AggregateValue> visitor)
    {
        final NavigableSet<StoreKey> range = index.subSet(
            new StoreKey(project, widthSec, fromSec, Long.MIN_VALUE, Long.MIN_VALUE), true,
            new StoreKey(project, widthSec, toSec, Long.MIN_VALUE, Long.MIN_VALUE), false);
        for (final StoreKey key : range)
        {
            final AggregateValue value = get(key, sketchMask);
            if (value != null)
            {
                visitor.accept(key, value);
            }
        }
    }

    /** @return the ordered key index (read-only use). */
    public NavigableSet<StoreKey> keys()
    {
        return index;
    }

    /** @return the number of stored entries. */
    public long size()
    {
        return map.longSize();
    }

    /** @return bytes the map's file uses off-heap. */
    public long offHeapBytes()
    {
        return map.offHeapMemoryUsed();
    }

    @Override
    public void close()
    {
        map.close();
        journal.close();
    }
}
