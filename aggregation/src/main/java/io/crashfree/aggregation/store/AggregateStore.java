package io.crashfree.aggregation.store;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

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
    private final ChronicleMap<byte[], byte[]> map;
    private final ConcurrentSkipListSet<StoreKey> index = new ConcurrentSkipListSet<>();
    /**
     * Last write sequence per bucket, keyed by the bucket's key with release and environment 0. A hash map of mutable
     * cells: a flush writes many keys of one bucket in a row, and a skip-list put per key was a fifth of the
     * flusher's time; readers look up a range's buckets one by one (24 for a day of hours).
     */
    private final ConcurrentHashMap<StoreKey, AtomicLong> bucketWrites = new ConcurrentHashMap<>();
    /** Per (project, width): the newest bucket whose last key was removed, and the sequence of that removal. */
    private final Map<StoreKey, long[]> removedThrough = new ConcurrentHashMap<>();
    private volatile long writeSequence;
    private int recoveredCorruptions;
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
        try
        {
            Files.createDirectories(file.getParent());
            final boolean exists = Files.exists(file);
            final ChronicleMapBuilder<byte[], byte[]> builder = ChronicleMapBuilder.of(byte[].class, byte[].class)
                .name("crashfree-aggregates")
                .entries(expectedEntries)
                .averageKeySize(StoreKey.BYTES)
                .averageValueSize(averageValueBytes)
                .maxBloatFactor(8.0)
                .skipCloseOnExitHook(true); // the node closes it after its final flush, not Chronicle's own hook
            // Recover on every open of an existing map: a process killed while the flusher held a segment lock
            // (kill -9 during a put) leaves the lock taken, and a plain open would wait 60 s for it and fail. One
            // node owns its data directory, so no other process can be using the map while it recovers.
            map = exists ? builder.recoverPersistedTo(file.toFile(), true, corruption -> recoveredCorruptions++) :
                builder.createPersistedTo(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the aggregate store " + file, ex);
        }
        map.forEachEntry(entry -> index.add(StoreKey.fromBytes(entry.key().get())));
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
        map.put(key.toBytes(), value.toBytes());
        if (newKey)
        {
            index.add(key);
        }
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
    }
}
