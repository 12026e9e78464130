package io.crashfree.aggregation.live;

import io.crashfree.aggregation.sketch.HllSketches;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.BitSet;

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;

/**
 * The live aggregates: an open-addressing hash table of fixed-size records in a memory-mapped file (layout in
 * {@link LiveTableDescriptor}). Event-loop threads find or claim a record and fold into it with atomic operations
 * only; the flusher seals and frees records. No locks.
 * <p>
 * Writer protocol: a fold happens inside a {@link FoldGuard} section of its thread. {@link #acquire} returns only
 * {@code READY} records; the flusher moves a record {@code READY → SEALED} and then waits, through the guard, until
 * every fold that was running at that moment has finished. With sequentially consistent operations on both sides,
 * a fold either saw {@code SEALED} (and went elsewhere) or is waited for: no fold is ever lost, and a fold pays no
 * contended atomic for the protocol (only its own thread's guard, once per envelope).
 * <p>
 * Two records may hold the same key (two threads claiming at once, or a key re-opened after a flush): that is
 * harmless, because readers and the flusher merge records by key and exactly-once counting lives in
 * {@link DedupSets}, not in the record.
 * <p>
 * Beside the records, an on-heap occupancy bitmap (one bit per slot, 32 KiB per 262,144 slots, rebuilt at start) has
 * a bit set for every slot that may hold data: set after a claim makes the record {@code READY}, cleared after
 * {@link #free}. Readers and the flusher walk the bitmap instead of the mapped records, so a scan touches only the
 * records in use (scanning 128 MiB of records for their state word cost a query about as much as the rest of it).
 * A set bit is a hint: readers still check the record's state.
 */
public final class LiveTable implements AutoCloseable
{
    private static final int MAX_PROBES = 512;

    private final MappedFile file;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private final DenseArena arena;
    private final long[] occupied;
    private final LiveUsage usage;

    private static final VarHandle OCCUPIED = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * Opens (or creates) the table and recovers it after an unclean stop: half-claimed records become tombstones,
     * writer counts are reset, and the arena's free list is rebuilt from the blocks records still reference.
     *
     * @param path     the table file.
     * @param capacity records, a power of two.
     * @param arena    the dense-block arena.
     * @param usage    per-project accounting of records and blocks.
     */
    public LiveTable(final Path path, final int capacity, final DenseArena arena, final LiveUsage usage)
    {
        this.usage = usage;
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("live table capacity must be a power of two: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.arena = arena;
        this.occupied = new long[Math.max(1, capacity >>> 6)];
        this.file = MappedFile.openOrCreate(path, HEADER_BYTES + (long)capacity * RECORD_BYTES);
        this.buffer = file.buffer();
        if (file.created())
        {
            buffer.putInt(MAGIC_OFFSET, MAGIC);
            buffer.putInt(VERSION_OFFSET, VERSION);
            buffer.putInt(CAPACITY_OFFSET, capacity);
            buffer.putInt(RECORD_SIZE_OFFSET, RECORD_BYTES);
            // Generation ids are unique across table files: a random instance id above a persistent counter.
            final long instance = new SecureRandom().nextInt() & 0x7FFF_FFFFL;
            buffer.putLongVolatile(NEXT_GENERATION_OFFSET, instance << 32);
        }
        else if (buffer.getInt(MAGIC_OFFSET) != MAGIC || buffer.getInt(VERSION_OFFSET) != VERSION ||
            buffer.getInt(CAPACITY_OFFSET) != capacity)
        {
            throw new IllegalStateException(path + " is not a live table of this version and capacity");
        }
        recover();
    }

    /**
     * Opens a table whose records all count against one unlimited share (tests and tools).
     *
     * @param path     the table file.
     * @param capacity records, a power of two.
     * @param arena    the dense-block arena.
     */
    public LiveTable(final Path path, final int capacity, final DenseArena arena)
    {
        this(path, capacity, arena, LiveUsage.unlimited(Long.MAX_VALUE >> 2));
    }

    private void recover()
    {
        final BitSet usedBlocks = new BitSet(arena.capacity());
        int live = 0;
        usage.reset();
        for (int i = 0; i < capacity; i++)
        {
            final int off = recordOffset(i);
            final int state = buffer.getInt(off + STATE);
            if (state == STATE_CLAIMING)
            {
                buffer.setMemory(off + 8, RECORD_BYTES - 8, (byte)0);
                buffer.putIntVolatile(off + STATE, STATE_TOMBSTONE);
            }
            else if (state == STATE_READY || state == STATE_SEALED)
            {
                live++;
                occupied[i >>> 6] |= 1L << i;
                final long project = buffer.getLong(off + PROJECT);
                usage.onRecords(project, 1);
                for (int s = 0; s < SKETCHES; s++)
                {
                    final int block = buffer.getInt(off + denseOffset(s)) - 1;
                    if (block >= 0)
                    {
                        usedBlocks.set(block);
                        usage.onBlocks(project, 1);
                    }
                }
            }
        }
        arena.rebuildFreeList(usedBlocks);
        buffer.putIntVolatile(LIVE_RECORDS_OFFSET, live);
    }

    /** @return the number of record slots. */
    public int capacity()
    {
        return capacity;
    }

    /** @return the arena of dense blocks. */
    public DenseArena arena()
    {
        return arena;
    }

    /** @return the buffer over the whole file, for readers that decode records. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @param index slot index.
     * @return the byte offset of the record in {@link #buffer()}.
     */
    public static int recordOffset(final int index)
    {
        return HEADER_BYTES + index * RECORD_BYTES;
    }

    /**
     * Finds the record of a key, or claims one. Call inside the thread's {@link FoldGuard} section.
     *
     * @param project     project id.
     * @param release     release hash.
     * @param environment environment hash, 0 for none.
     * @param bucketSec   bucket start, epoch seconds.
     * @return the record offset (call {@link #release} after folding), or -1 when no slot is free near the key.
     */
    public int acquire(final long project, final long release, final long environment, final long bucketSec)
    {
        final int home = (int)mix(project, release, environment, bucketSec) & mask;
        for (int attempt = 0; attempt < 4; attempt++)
        {
            int freeSlot = -1;
            int freeState = 0;
            int index = home;
            for (int probe = 0; probe < MAX_PROBES; probe++)
            {
                final int off = recordOffset(index);
                final int state = buffer.getIntVolatile(off + STATE);
                if (state == STATE_READY && keyEquals(off, project, release, environment, bucketSec))
                {
                    return off;
                }
                else if (state == STATE_EMPTY || state == STATE_TOMBSTONE)
                {
                    if (freeSlot < 0)
                    {
                        freeSlot = index;
                        freeState = state;
                    }
                    if (state == STATE_EMPTY)
                    {
                        break; // the key is not beyond a never-used slot
                    }
                }
                index = (index + 1) & mask;
            }
            if (freeSlot < 0)
            {
                return -1;
            }
            final int off = recordOffset(freeSlot);
            if (buffer.compareAndSetInt(off + STATE, freeState, STATE_CLAIMING))
            {
                buffer.setMemory(off + 8, RECORD_BYTES - 8, (byte)0);
                buffer.putLong(off + GENERATION, buffer.getAndAddLong(NEXT_GENERATION_OFFSET, 1) + 1);
                buffer.putLong(off + PROJECT, project);
                buffer.putLong(off + RELEASE, release);
                buffer.putLong(off + ENVIRONMENT, environment);
                buffer.putLong(off + BUCKET, bucketSec);
                buffer.putIntVolatile(off + STATE, STATE_READY);
                OCCUPIED.getAndBitwiseOr(occupied, freeSlot >>> 6, 1L << freeSlot);
                buffer.getAndAddInt(LIVE_RECORDS_OFFSET, 1);
                usage.onRecords(project, 1);
                return off;
            }
            // Another thread took the slot: probe again from the start.
        }
        return -1;
    }

    /**
     * Ends a fold started by {@link #acquire}.
     *
     * @param off   the record.
     * @param nowMs when the fold happened.
     */
    public void release(final int off, final long nowMs)
    {
        if (buffer.getLong(off + LAST_UPDATE_MS) < nowMs)
        {
            buffer.putLongOrdered(off + LAST_UPDATE_MS, nowMs);
        }
    }

    /**
     * Adds to a counter of a record.
     *
     * @param off    the record.
     * @param field  the counter's offset ({@link LiveTableDescriptor#SESSIONS} …).
     * @param amount how much.
     */
    public void add(final int off, final int field, final long amount)
    {
        buffer.getAndAddLong(off + field, amount);
    }

    /**
     * Records a duration in the record's histogram.
     *
     * @param off        the record.
     * @param durationMs the duration.
     */
    public void recordDuration(final int off, final long durationMs)
    {
        buffer.getAndAddLong(off + DURATION_COUNT, 1);
        buffer.getAndAddLong(off + DURATION_SUM_MS, durationMs);
        long max;
        while ((max = buffer.getLongVolatile(off + DURATION_MAX_MS)) < durationMs &&
            !buffer.compareAndSetLong(off + DURATION_MAX_MS, max, durationMs))
        {
            Thread.onSpinWait();
        }
        buffer.getAndAddInt(off + DURATION_BUCKETS + 4 * durationBucket(durationMs), 1);
    }

    /**
     * Adds a user coupon to one of the record's sketches: into the sparse array while it has room (CAS on empty
     * slots), else into a dense block (CAS-max on registers), promoting the sketch when the sparse array fills.
     *
     * @param off    the record.
     * @param sketch sketch index.
     * @param coupon the user's coupon.
     * @return false only when a promotion found no free dense block (the coupon is then lost; callers check headroom
     *         first so this is a race, not a state).
     */
    public boolean addCoupon(final int off, final int sketch, final int coupon)
    {
        final int denseField = off + denseOffset(sketch);
        int dense = buffer.getIntVolatile(denseField);
        if (dense != 0)
        {
            arena.casMax(dense - 1, HllSketches.slot(coupon), HllSketches.value(coupon));
            return true;
        }
        final int sparse = off + sparseOffset(sketch);
        final int slots = sparseCapacity(sketch);
        for (int i = 0; i < slots; i++)
        {
            final int slotOffset = sparse + 4 * i;
            int existing = buffer.getIntVolatile(slotOffset);
            if (existing == 0)
            {
                if (buffer.compareAndSetInt(slotOffset, 0, coupon))
                {
                    // A promotion may have copied the sparse array before this insert: apply it there too.
                    dense = buffer.getIntVolatile(denseField);
                    if (dense != 0)
                    {
                        arena.casMax(dense - 1, HllSketches.slot(coupon), HllSketches.value(coupon));
                    }
                    return true;
                }
                existing = buffer.getIntVolatile(slotOffset);
            }
            if (existing == coupon)
            {
                return true;
            }
        }
        return promoteAndAdd(off, sketch, coupon);
    }

    private boolean promoteAndAdd(final int off, final int sketch, final int coupon)
    {
        final int denseField = off + denseOffset(sketch);
        int dense = buffer.getIntVolatile(denseField);
        if (dense == 0)
        {
            final int block = arena.tryAllocate();
            if (block < 0)
            {
                return false;
            }
            // The sparse array is full, so its content is final: copy it into the block before publishing.
            final int sparse = off + sparseOffset(sketch);
            for (int i = 0, n = sparseCapacity(sketch); i < n; i++)
            {
                final int c = buffer.getIntVolatile(sparse + 4 * i);
                arena.casMax(block, HllSketches.slot(c), HllSketches.value(c));
            }
            if (buffer.compareAndSetInt(denseField, 0, block + 1))
            {
                dense = block + 1;
                usage.onBlocks(buffer.getLong(off + PROJECT), 1);
            }
            else
            {
                arena.free(block);
                dense = buffer.getIntVolatile(denseField);
            }
        }
        arena.casMax(dense - 1, HllSketches.slot(coupon), HllSketches.value(coupon));
        return true;
    }

    /**
     * Seals a record for flushing: folds that start from now on go elsewhere. Wait for the folds already running
     * ({@link FoldGuard#awaitQuiescence()}) before reading it.
     *
     * @param off the record.
     * @return false when it was not {@code READY} any more.
     */
    public boolean seal(final int off)
    {
        return buffer.compareAndSetInt(off + STATE, STATE_READY, STATE_SEALED);
    }

    /**
     * Frees a sealed, flushed record and its dense blocks.
     *
     * @param off the record.
     */
    public void free(final int off)
    {
        final long project = buffer.getLong(off + PROJECT);
        for (int s = 0; s < SKETCHES; s++)
        {
            final int block = buffer.getInt(off + denseOffset(s)) - 1;
            if (block >= 0)
            {
                buffer.putIntVolatile(off + denseOffset(s), 0);
                arena.free(block);
                usage.onBlocks(project, -1);
            }
        }
        buffer.putIntVolatile(off + STATE, STATE_TOMBSTONE);
        final int index = (off - HEADER_BYTES) / RECORD_BYTES;
        OCCUPIED.getAndBitwiseAnd(occupied, index >>> 6, ~(1L << index));
        buffer.getAndAddInt(LIVE_RECORDS_OFFSET, -1);
        usage.onRecords(project, -1);
    }

    /**
     * @param off a record.
     * @return how many dense blocks its sketches hold.
     */
    public int denseBlocks(final int off)
    {
        int n = 0;
        for (int s = 0; s < SKETCHES; s++)
        {
            if (buffer.getIntVolatile(off + denseOffset(s)) != 0)
            {
                n++;
            }
        }
        return n;
    }

    /** @return per-project accounting of what the table holds. */
    public LiveUsage usage()
    {
        return usage;
    }

    /**
     * Finds the next slot whose occupancy bit is set: every record that is {@code READY} or {@code SEALED} has its bit
     * set, and a few that are being claimed or freed may too (check {@link #state}). Walk with
     * {@code for (int i = t.nextOccupied(0); i >= 0; i = t.nextOccupied(i + 1))}.
     *
     * @param fromIndex first slot index to look at.
     * @return the slot index (see {@link #recordOffset}), or -1 when there is none from there on.
     */
    public int nextOccupied(final int fromIndex)
    {
        if (fromIndex >= capacity)
        {
            return -1;
        }
        int w = fromIndex >>> 6;
        long bits = (long)OCCUPIED.getVolatile(occupied, w) & (-1L << fromIndex);
        while (bits == 0)
        {
            if (++w == occupied.length)
            {
                return -1;
            }
            bits = (long)OCCUPIED.getVolatile(occupied, w);
        }
        final int index = (w << 6) + Long.numberOfTrailingZeros(bits);
        return index < capacity ? index : -1;
    }

    /** @return the state of the record at an offset. */
    public int state(final int off)
    {
        return buffer.getIntVolatile(off + STATE);
    }

    /** @return the number of records that hold data ({@code READY} or {@code SEALED}); O(1). */
    public int liveRecords()
    {
        return buffer.getIntVolatile(LIVE_RECORDS_OFFSET);
    }

    /** Flushes the mapping to disk (power-loss protection; a {@code kill -9} needs nothing). */
    public void force()
    {
        file.force();
        arena.force();
    }

    private boolean keyEquals(final int off, final long project, final long release, final long environment,
        final long bucketSec)
    {
        return buffer.getLong(off + BUCKET) == bucketSec && buffer.getLong(off + RELEASE) == release &&
            buffer.getLong(off + PROJECT) == project && buffer.getLong(off + ENVIRONMENT) == environment;
    }

    /**
     * Mixes a key into a well-spread 64-bit hash (also used to derive dedup fingerprints).
     *
     * @return the hash.
     */
    public static long mix(final long project, final long release, final long environment, final long bucketSec)
    {
        long h = project * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h ^ release, 27) * 0xC2B2AE3D27D4EB4FL;
        h = Long.rotateLeft(h ^ environment, 31) * 0x165667B19E3779F9L;
        h = Long.rotateLeft(h ^ bucketSec, 29) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        return h;
    }

    @Override
    public void close()
    {
        file.close();
        arena.close();
    }
}
