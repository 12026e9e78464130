package io.crashfree.aggregation.store;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.BiConsumer;

/**
 * The persistent aggregates: a Chronicle Map file of {@link StoreKey} → {@link AggregateValue}, plus an in-memory
 * ordered index of its keys (rebuilt at start) so queries read a project's time range without scanning the map.
 * <p>
 * Written only by the flusher thread; read by queries. Off the ingest path (a Chronicle Map update costs
 * microseconds).
 */
public final class AggregateStore implements AutoCloseable
{
    private final ChronicleMap<byte[], byte[]> map;
    private final ConcurrentSkipListSet<StoreKey> index = new ConcurrentSkipListSet<>();

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
            map = ChronicleMapBuilder.of(byte[].class, byte[].class)
                .name("crashfree-aggregates")
                .entries(expectedEntries)
                .averageKeySize(StoreKey.BYTES)
                .averageValueSize(averageValueBytes)
                .maxBloatFactor(8.0)
                .skipCloseOnExitHook(true) // the node closes it after its final flush, not Chronicle's own hook
                .createPersistedTo(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the aggregate store " + file, ex);
        }
        map.forEachEntry(entry -> index.add(StoreKey.fromBytes(entry.key().get())));
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
        map.put(key.toBytes(), value.toBytes());
        index.add(key);
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
