package io.crashfree.aggregation;

import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.sketch.HllSketches;
import io.crashfree.aggregation.store.AggregateStore;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;

import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE_READY;
import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE_SEALED;

/**
 * The read side: a project's aggregates over a time range at one resolution, merged from the store and the live
 * table, so a session is visible the moment it is acknowledged and a flush never changes an answer.
 * <p>
 * Called by query threads; reads under the read side of the flusher's lock (never taken by ingest).
 */
public final class AggregateView
{
    private final LiveTable table;
    private final AggregateStore store;
    private final NameTable names;
    private final AggregationSettings settings;
    private final ReadWriteLock lock;
    private volatile RemoteParts remote;

    AggregateView(final LiveTable table, final AggregateStore store, final NameTable names,
        final AggregationSettings settings, final ReadWriteLock lock)
    {
        this.table = table;
        this.store = store;
        this.names = names;
        this.settings = settings;
        this.lock = lock;
    }

    /**
     * Cluster mode: adds other nodes' aggregates to every read (after this node's live parts; never cached by the
     * sessions engine, as live parts are not).
     *
     * @param remote the other nodes' parts, or null for this node alone.
     */
    public void remoteParts(final RemoteParts remote)
    {
        this.remote = remote;
    }

    /** @return whether reads include other nodes' aggregates. */
    public boolean clustered()
    {
        return remote != null;
    }

    /**
     * Reads a project's aggregates.
     *
     * @param project  project id.
     * @param widthSec the fine bucket width or {@link AggregationSettings#COARSE_WIDTH_SEC}.
     * @param requestedFromSec first bucket start, inclusive.
     * @param toSec    end, exclusive.
     * @param nowMs    now: fine buckets older than their retention are not served (they live on in the hourly
     *                 roll-ups only), whether or not they have been flushed yet, so a flush never changes an answer.
     * @return merged values per key at that resolution.
     */
    public Map<StoreKey, AggregateValue> read(final long project, final long widthSec, final long requestedFromSec,
        final long toSec, final long nowMs)
    {
        return read(project, widthSec, requestedFromSec, toSec, nowMs, AggregateValue.ALL_SKETCHES);
    }

    /**
     * Reads a project's aggregates, decoding only the user sketches a query needs.
     *
     * @param project          project id.
     * @param widthSec         the fine bucket width or {@link AggregationSettings#COARSE_WIDTH_SEC}.
     * @param requestedFromSec first bucket start, inclusive.
     * @param toSec            end, exclusive.
     * @param nowMs            now (see {@link #read(long, long, long, long, long)}).
     * @param sketchMask       bit {@code s} set to include user sketch {@code s}.
     * @return merged values per key at that resolution.
     */
    public Map<StoreKey, AggregateValue> read(final long project, final long widthSec, final long requestedFromSec,
        final long toSec, final long nowMs, final int sketchMask)
    {
        final Map<StoreKey, AggregateValue> result = new HashMap<>();
        final PartVisitor merge = (key, value) -> result.merge(key, value, (a, b) -> merged(a, b, sketchMask));
        read(snapshot ->
        {
            snapshot.forEachStoredPart(project, widthSec, requestedFromSec, toSec, nowMs, sketchMask, false, merge);
            snapshot.forEachLivePart(project, widthSec, requestedFromSec, toSec, nowMs, sketchMask, false, merge);
        });
        return result;
    }

    /** Receives the parts of a read. */
    @FunctionalInterface
    public interface PartVisitor
    {
        /**
         * @param key   the key at the requested resolution.
         * @param value one stored value or one live record (raw mode: counters plus undecoded sketch images).
         */
        void onPart(StoreKey key, AggregateValue value);
    }

    /** Reads from a {@link Snapshot}. */
    @FunctionalInterface
    public interface SnapshotReader
    {
        /** @param snapshot valid only during this call. */
        void read(Snapshot snapshot);
    }

    /**
     * Runs a reader while the flusher cannot move data between the live table and the store, so that everything it
     * reads from both is one consistent state (a record is either still live or already stored, never both or
     * neither).
     *
     * @param reader the reader.
     */
    public void read(final SnapshotReader reader)
    {
        final Snapshot snapshot = new Snapshot();
        lock.readLock().lock();
        try
        {
            reader.read(snapshot);
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /**
     * The store and the live table, read separately, inside {@link #read(SnapshotReader)}: lets a caller keep what it
     * built from stored buckets that have not changed ({@link #lastStoreWrite}) and read only the rest again. One per
     * read (it holds the read's scratch registers).
     */
    public final class Snapshot
    {
        private byte[] registers;
        private int[] coupons;

        private Snapshot()
        {
        }

        /**
         * @return the store's write sequence now: a stored range whose {@link #lastStoreWrite} is at most this is,
         *         while it stays so, unchanged.
         */
        public long storeWriteSequence()
        {
            return store.writeSequence();
        }

        /**
         * @param project  project id.
         * @param widthSec bucket width.
         * @param fromSec  first bucket start, inclusive.
         * @param toSec    end, exclusive.
         * @return the last write sequence of any stored bucket in the range (see {@link AggregateStore#lastWrite}).
         */
        public long lastStoreWrite(final long project, final long widthSec, final long fromSec, final long toSec)
        {
            return store.lastWrite(project, widthSec, fromSec, toSec);
        }

        /**
         * Streams the stored parts of a range (raw: counters plus undecoded sketch images).
         *
         * @param project          project id.
         * @param widthSec         the fine bucket width or {@link AggregationSettings#COARSE_WIDTH_SEC}.
         * @param requestedFromSec first bucket start, inclusive (fine buckets: no earlier than their retention).
         * @param toSec            end, exclusive.
         * @param nowMs            now.
         * @param sketchMask       sketches to include.
         * @param visitor          receives every part.
         */
        public void forEachStoredPart(final long project, final long widthSec, final long requestedFromSec,
            final long toSec, final long nowMs, final int sketchMask, final PartVisitor visitor)
        {
            forEachStoredPart(project, widthSec, requestedFromSec, toSec, nowMs, sketchMask, true, visitor);
        }

        /**
         * Streams the live records of a range, rolled up to the width (raw), one part per record; in cluster mode
         * then the other nodes' parts of the range (see {@link #remoteParts}).
         *
         * @param project          project id.
         * @param widthSec         the fine bucket width or {@link AggregationSettings#COARSE_WIDTH_SEC}.
         * @param requestedFromSec first bucket start, inclusive (fine buckets: no earlier than their retention).
         * @param toSec            end, exclusive.
         * @param nowMs            now.
         * @param sketchMask       sketches to include.
         * @param visitor          receives every part.
         */
        public void forEachLivePart(final long project, final long widthSec, final long requestedFromSec,
            final long toSec, final long nowMs, final int sketchMask, final PartVisitor visitor)
        {
            forEachLivePart(project, widthSec, requestedFromSec, toSec, nowMs, sketchMask, true, visitor);
        }

        private void forEachStoredPart(final long project, final long widthSec, final long requestedFromSec,
            final long toSec, final long nowMs, final int sketchMask, final boolean raw, final PartVisitor visitor)
        {
            final long fromSec = fromSec(widthSec, requestedFromSec, nowMs);
            if (fromSec >= toSec)
            {
                return;
            }
            for (final StoreKey key : store.keys().subSet(
                new StoreKey(project, widthSec, fromSec, Long.MIN_VALUE, Long.MIN_VALUE), true,
                new StoreKey(project, widthSec, toSec, Long.MIN_VALUE, Long.MIN_VALUE), false))
            {
                final byte[] bytes = store.getBytes(key);
                if (bytes != null)
                {
                    visitor.onPart(key, AggregateValue.fromBytes(bytes, sketchMask, raw));
                }
            }
        }

        private void forEachLivePart(final long project, final long widthSec, final long requestedFromSec,
            final long toSec, final long nowMs, final int sketchMask, final boolean raw, final PartVisitor visitor)
        {
            final long fromSec = fromSec(widthSec, requestedFromSec, nowMs);
            if (fromSec >= toSec)
            {
                return;
            }
            if (registers == null)
            {
                registers = new byte[HllSketches.K];
                coupons = new int[BlockArena.SET_SLOTS];
            }
            for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
            {
                final int off = LiveTable.recordOffset(i);
                final int state = table.state(off);
                if ((state != STATE_READY && state != STATE_SEALED) || table.project(off) != project)
                {
                    continue;
                }
                final long bucket = Math.floorDiv(table.bucketSec(off), widthSec) * widthSec;
                if (bucket < fromSec || bucket >= toSec)
                {
                    continue;
                }
                final StoreKey key = new StoreKey(project, widthSec, bucket, table.releaseHash(off),
                    table.environmentHash(off));
                if (raw)
                {
                    visitor.onPart(key, table.rawValue(off, registers, coupons, sketchMask));
                }
                else
                {
                    final AggregateValue value = new AggregateValue();
                    table.addTo(off, value, registers, coupons, sketchMask);
                    visitor.onPart(key, value);
                }
            }
            final RemoteParts others = remote;
            if (others != null)
            {
                others.forEachPart(project, widthSec, fromSec, toSec, sketchMask, raw, visitor);
            }
        }

        private long fromSec(final long widthSec, final long requestedFromSec, final long nowMs)
        {
            if (widthSec != settings.bucketWidthSec() && widthSec != AggregationSettings.COARSE_WIDTH_SEC)
            {
                throw new IllegalArgumentException("no aggregates at a width of " + widthSec + " s");
            }
            return widthSec == AggregationSettings.COARSE_WIDTH_SEC ? requestedFromSec :
                Math.max(requestedFromSec, fineRetentionStartSec(nowMs));
        }
    }

    /**
     * @param nowMs now.
     * @return the first fine bucket start still kept, epoch seconds (the flusher writes fine buckets from here on).
     */
    public long fineRetentionStartSec(final long nowMs)
    {
        return settings.fineRetentionStartSec(nowMs);
    }

    private static AggregateValue merged(final AggregateValue a, final AggregateValue b, final int sketchMask)
    {
        final AggregateValue m = new AggregateValue();
        m.merge(a, sketchMask);
        m.merge(b, sketchMask);
        return m;
    }

    /** @return the release and environment registry. */
    public NameTable names()
    {
        return names;
    }
}
