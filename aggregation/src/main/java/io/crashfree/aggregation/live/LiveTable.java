package io.crashfree.aggregation.live;

import io.crashfree.aggregation.sketch.HllSketches;
import io.crashfree.aggregation.store.AggregateValue;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.BitSet;
import java.security.SecureRandom;

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;
import static io.crashfree.aggregation.session.DurationHistogram.durationBucket;

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
    private final BlockArena arena;
    private final BlockArena sets;
    private final long[] occupied;
    private final LiveUsage usage;

    private static final VarHandle OCCUPIED = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * Opens (or creates) the table and recovers it after an unclean stop: half-claimed records become tombstones,
     * writer counts are reset, and the arena's free list is rebuilt from the blocks records still reference. Before
     * any of that it checks the header (and its arenas' against it) and every record that holds data: a damaged file
     * stops the open with a message naming it and what is wrong, never a table that answers something else.
     *
     * @param path     the table file.
     * @param capacity records, a power of two.
     * @param arena    the dense-block arena.
     * @param sets     the coupon-set arena (the form between the record's sparse array and a dense block), or null
     *                 to promote sparse arrays straight to dense blocks.
     * @param usage    per-project accounting of records and blocks.
     * @throws IllegalStateException naming the file (and the record) when it is damaged or of another layout.
     */
    public LiveTable(final Path path, final int capacity, final BlockArena arena, final BlockArena sets,
        final LiveUsage usage)
    {
        this.usage = usage;
        this.sets = sets;
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("live table capacity must be a power of two: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.arena = arena;
        this.occupied = new long[Math.max(1, capacity >>> 6)];
        this.file = MappedFile.openOrCreate(path, fileBytes(capacity), this::putHeader);
        this.buffer = file.buffer();
        try
        {
            final LiveTableRecovery recovery = new LiveTableRecovery(path, buffer, capacity, arena, sets);
            if (file.created())
            {
                recovery.adoptHeaderlessArenas(); // arenas left by a table that is gone hold nothing it refers to
            }
            else
            {
                recovery.checkHeader();
            }
            recovery.recover(occupied, usage);
        }
        catch (final RuntimeException ex)
        {
            file.close();
            throw ex;
        }
    }

    /**
     * @param capacity records.
     * @return the size of a table file.
     */
    public static long fileBytes(final int capacity)
    {
        return HEADER_BYTES + (long)capacity * RECORD_BYTES;
    }

    private void putHeader(final UnsafeBuffer b)
    {
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putInt(VERSION_OFFSET, VERSION);
        b.putInt(CAPACITY_OFFSET, capacity);
        b.putInt(RECORD_SIZE_OFFSET, RECORD_BYTES);
        LiveTableRecovery.putArenaGeometry(b, arena, sets);
        // Generation ids are unique across table files: a random instance id above a persistent counter.
        final long instance = new SecureRandom().nextInt() & 0x7FFF_FFFFL;
        b.putLongVolatile(NEXT_GENERATION_OFFSET, instance << 32);
    }

    /**
     * Opens a table whose records all count against one unlimited share (tests and tools).
     *
     * @param path     the table file.
     * @param capacity records, a power of two.
     * @param arena    the dense-block arena.
     */
    public LiveTable(final Path path, final int capacity, final BlockArena arena)
    {
        this(path, capacity, arena, null, LiveUsage.unlimited(Long.MAX_VALUE >> 2));
    }

    /** @return the number of record slots. */
    public int capacity()
    {
        return capacity;
    }

    /** @return the arena of dense blocks. */
    public BlockArena arena()
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
        // After the fold's writes (all atomic read-modify-writes): a volatile read that sees 1 means the publisher's
        // swap to 0 comes later, so its read of the record will see them; else store 1 for it to find. The line is
        // the record's first, already written by this fold (last update, counters): no extra miss.
        if (buffer.getIntVolatile(off + CHANGED) == 0)
        {
            buffer.putIntOrdered(off + CHANGED, 1);
        }
    }

    /**
     * Takes a record's changed flag (cluster publishing): clears it and says whether a fold set it since the last
     * take. Read the record after this call: every fold that set the flag before it is then visible.
     *
     * @param off the record.
     * @return whether a fold changed the record since the last take.
     */
    public boolean takeChanged(final int off)
    {
        return buffer.getIntVolatile(off + CHANGED) != 0 && buffer.getAndSetInt(off + CHANGED, 0) != 0;
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
     * Adds a user coupon to one of the record's sketches. A sketch grows through three forms, each lock-free, with
     * memory following its distinct users: the record's sparse array (CAS on empty slots; exact), then a 2 KiB
     * coupon-set block (exact, a few hundred users), then a 32 KiB dense register block (CAS-max; HLL). The record's
     * sketch field says which: 0 (sparse), {@code SET_TAG | set block + 1}, or dense block + 1; it only moves
     * forward, by CAS. A promotion copies the full smaller form into the larger one before publishing it; a writer
     * that added to a smaller form re-reads the field afterwards and adds its coupon to the larger form too if a
     * promotion happened meanwhile, and a set-to-dense promotion copies the set a second time after publishing.
     * Applying a coupon twice is harmless, so no update is ever lost and none needs a lock.
     *
     * @param off    the record.
     * @param sketch sketch index.
     * @param coupon the user's coupon.
     * @return false only when a promotion found no free block (the coupon is then lost; callers check headroom
     *         first so this is a race, not a state).
     */
    public boolean addCoupon(final int off, final int sketch, final int coupon)
    {
        final int field = off + denseOffset(sketch);
        int ref = buffer.getIntVolatile(field);
        if (ref != 0)
        {
            return addToBlock(off, sketch, ref, coupon);
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
                    ref = buffer.getIntVolatile(field);
                    return ref == 0 || addToBlock(off, sketch, ref, coupon);
                }
                existing = buffer.getIntVolatile(slotOffset);
            }
            if (existing == coupon)
            {
                return true;
            }
        }
        return promoteSparse(off, sketch, coupon);
    }

    private boolean addToBlock(final int off, final int sketch, final int ref, final int coupon)
    {
        if (ref > 0)
        {
            arena.casMax(ref - 1, HllSketches.slot(coupon), HllSketches.value(coupon));
            return true;
        }
        final int result = sets.trySetInsert(setBlock(ref), coupon);
        if (result == BlockArena.SET_FULL)
        {
            return promoteSet(off, sketch, ref, coupon);
        }
        final int now = buffer.getIntVolatile(off + denseOffset(sketch));
        if (now > 0)
        {
            // promoted to dense meanwhile: the promoter's copy may have missed this coupon
            arena.casMax(now - 1, HllSketches.slot(coupon), HllSketches.value(coupon));
        }
        return true;
    }

    private boolean promoteSparse(final int off, final int sketch, final int coupon)
    {
        final int field = off + denseOffset(sketch);
        int ref = buffer.getIntVolatile(field);
        if (ref == 0 && sets != null)
        {
            final int block = sets.tryAllocate();
            if (block >= 0)
            {
                // The sparse array is full, so its content is final: copy it into the set before publishing.
                final int sparse = off + sparseOffset(sketch);
                for (int i = 0, n = sparseCapacity(sketch); i < n; i++)
                {
                    sets.trySetInsert(block, buffer.getIntVolatile(sparse + 4 * i));
                }
                final int tagged = SET_TAG | (block + 1);
                if (buffer.compareAndSetInt(field, 0, tagged))
                {
                    usage.onSketchBytes(buffer.getLong(off + PROJECT), sets.blockBytes());
                    ref = tagged;
                }
                else
                {
                    sets.free(block); // never published
                    ref = buffer.getIntVolatile(field);
                }
            }
        }
        if (ref == 0)
        {
            final int block = arena.tryAllocate();
            if (block < 0)
            {
                return false;
            }
            final int sparse = off + sparseOffset(sketch);
            for (int i = 0, n = sparseCapacity(sketch); i < n; i++)
            {
                final int c = buffer.getIntVolatile(sparse + 4 * i);
                arena.casMax(block, HllSketches.slot(c), HllSketches.value(c));
            }
            if (buffer.compareAndSetInt(field, 0, block + 1))
            {
                usage.onSketchBytes(buffer.getLong(off + PROJECT), arena.blockBytes());
                ref = block + 1;
            }
            else
            {
                arena.free(block);
                ref = buffer.getIntVolatile(field);
            }
        }
        return addToBlock(off, sketch, ref, coupon);
    }

    private boolean promoteSet(final int off, final int sketch, final int setRef, final int coupon)
    {
        final int field = off + denseOffset(sketch);
        int ref = buffer.getIntVolatile(field);
        if (ref == setRef)
        {
            final int block = arena.tryAllocate();
            if (block < 0)
            {
                return false;
            }
            final int set = setBlock(setRef);
            sets.applySetTo(set, arena, block);
            if (buffer.compareAndSetInt(field, setRef, block + 1))
            {
                // Coupons added to the set between the copy and the publication: copy again, then retire the set
                // (writers that saw it may still be adding; the flusher frees it once they are done).
                sets.applySetTo(set, arena, block);
                sets.retire(set);
                usage.onSketchBytes(buffer.getLong(off + PROJECT), arena.blockBytes() - sets.blockBytes());
                ref = block + 1;
            }
            else
            {
                arena.free(block);
                ref = buffer.getIntVolatile(field);
            }
        }
        if (ref > 0)
        {
            arena.casMax(ref - 1, HllSketches.slot(coupon), HllSketches.value(coupon));
            return true;
        }
        return false; // a field never moves back from dense, and a set is replaced only by a dense block
    }

    static int setBlock(final int ref)
    {
        return (ref & ~SET_TAG) - 1;
    }

    /**
     * One sketch of a record as the library's serialized image: its sparse coupons or its coupon set as a compact
     * coupon set (exact), or its dense registers. Readers hold the read side of the store lock, so a coupon set
     * replaced meanwhile is not freed under them (the flusher frees retired sets under the write side).
     *
     * @param off       the record.
     * @param sketch    sketch index.
     * @param registers scratch of {@link HllSketches#K} bytes.
     * @param coupons   scratch of at least {@link BlockArena#SET_SLOTS} ints.
     * @return the image, or null when the sketch is empty.
     */
    public byte[] sketchImage(final int off, final int sketch, final byte[] registers, final int[] coupons)
    {
        final int ref = buffer.getIntVolatile(off + denseOffset(sketch));
        if (ref > 0)
        {
            arena.copyRegisters(ref - 1, registers);
            return HllSketches.hllImageToUnion(registers);
        }
        if (ref < 0)
        {
            final int n = sets.readSet(setBlock(ref), coupons, 0);
            final int now = buffer.getIntVolatile(off + denseOffset(sketch));
            if (now > 0)
            {
                arena.copyRegisters(now - 1, registers); // promoted while being read: the dense form has it all
                return HllSketches.hllImageToUnion(registers);
            }
            return n > 0 ? HllSketches.couponSetImage(coupons, n) : null;
        }
        final int sparse = off + sparseOffset(sketch);
        int n = 0;
        for (int i = 0, cap = sparseCapacity(sketch); i < cap; i++)
        {
            final int c = buffer.getIntVolatile(sparse + 4 * i);
            if (c != 0)
            {
                coupons[n++] = c;
            }
        }
        final int now = buffer.getIntVolatile(off + denseOffset(sketch));
        if (now != 0)
        {
            return sketchImage(off, sketch, registers, coupons); // promoted while being read
        }
        return n > 0 ? HllSketches.couponSetImage(coupons, n) : null;
    }

    /**
     * Adds a record's content (counters, durations, the sketches a caller needs) to a value: how the flusher and
     * the queries read live records, without knowing their layout.
     *
     * @param off        the record.
     * @param value      the value to add to.
     * @param registers  scratch of {@link HllSketches#K} bytes.
     * @param coupons    scratch of {@link BlockArena#SET_SLOTS} ints.
     * @param sketchMask bit {@code s} set to read sketch {@code s}.
     */
    public void addTo(final int off, final AggregateValue value, final byte[] registers, final int[] coupons,
        final int sketchMask)
    {
        addCountersTo(off, value, coupons);
        for (int s = 0; s < SKETCHES; s++)
        {
            if ((sketchMask & (1 << s)) != 0)
            {
                final byte[] image = sketchImage(off, s, registers, coupons);
                if (image != null)
                {
                    value.addImage(s, image);
                }
            }
        }
    }

    /**
     * A record's counters, and its sketches as undecoded images (raw mode, for queries).
     *
     * @param off        the record.
     * @param registers  scratch of {@link HllSketches#K} bytes.
     * @param coupons    scratch of {@link BlockArena#SET_SLOTS} ints.
     * @param sketchMask sketches to include.
     * @return a value holding the record's counters and images.
     */
    public AggregateValue rawValue(final int off, final byte[] registers, final int[] coupons, final int sketchMask)
    {
        final AggregateValue value = new AggregateValue();
        addCountersTo(off, value, coupons);
        for (int s = 0; s < SKETCHES; s++)
        {
            if ((sketchMask & (1 << s)) != 0)
            {
                final byte[] image = sketchImage(off, s, registers, coupons);
                if (image != null)
                {
                    value.setRawImage(s, image);
                }
            }
        }
        return value;
    }

    private void addCountersTo(final int off, final AggregateValue value, final int[] scratch)
    {
        value.addCounter(AggregateValue.SESSIONS_INDEX, buffer.getLongVolatile(off + SESSIONS));
        value.addCounter(AggregateValue.ERRORED_PREAGGR_INDEX, buffer.getLongVolatile(off + ERRORED_PREAGGR));
        value.addCounter(AggregateValue.CRASHED_INDEX, buffer.getLongVolatile(off + CRASHED));
        value.addCounter(AggregateValue.ABNORMAL_INDEX, buffer.getLongVolatile(off + ABNORMAL));
        value.addCounter(AggregateValue.UNHANDLED_INDEX, buffer.getLongVolatile(off + UNHANDLED));
        value.addCounter(AggregateValue.ERRORED_SESSIONS_INDEX, buffer.getLongVolatile(off + ERRORED_SESSIONS));
        for (int b = 0; b < DURATION_BUCKET_COUNT; b++)
        {
            scratch[b] = buffer.getIntVolatile(off + DURATION_BUCKETS + 4 * b);
        }
        value.addDurations(buffer.getLongVolatile(off + DURATION_COUNT), buffer.getLongVolatile(off + DURATION_SUM_MS),
            buffer.getLongVolatile(off + DURATION_MAX_MS), scratch);
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
            final int ref = buffer.getInt(off + denseOffset(s));
            if (ref > 0)
            {
                buffer.putIntVolatile(off + denseOffset(s), 0);
                arena.free(ref - 1);
                usage.onSketchBytes(project, -arena.blockBytes());
            }
            else if (ref < 0)
            {
                buffer.putIntVolatile(off + denseOffset(s), 0);
                sets.free(setBlock(ref));
                usage.onSketchBytes(project, -sets.blockBytes());
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
            if (buffer.getIntVolatile(off + denseOffset(s)) > 0)
            {
                n++;
            }
        }
        return n;
    }

    /**
     * @param off a record.
     * @return how many coupon-set blocks its sketches hold.
     */
    public int setBlocks(final int off)
    {
        int n = 0;
        for (int s = 0; s < SKETCHES; s++)
        {
            if (buffer.getIntVolatile(off + denseOffset(s)) < 0)
            {
                n++;
            }
        }
        return n;
    }

    /** @return the coupon-set arena, or null when sketches go straight from sparse to dense. */
    public BlockArena sets()
    {
        return sets;
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

    /** @return the project of the record at an offset. */
    public long project(final int off)
    {
        return buffer.getLong(off + PROJECT);
    }

    /** @return the release hash of the record at an offset. */
    public long releaseHash(final int off)
    {
        return buffer.getLong(off + RELEASE);
    }

    /** @return the environment hash of the record at an offset (0 = none). */
    public long environmentHash(final int off)
    {
        return buffer.getLong(off + ENVIRONMENT);
    }

    /** @return the bucket start of the record at an offset, epoch seconds. */
    public long bucketSec(final int off)
    {
        return buffer.getLong(off + BUCKET);
    }

    /** @return the generation id of the record at an offset (stamped into the store when it is flushed). */
    public long generation(final int off)
    {
        return buffer.getLong(off + GENERATION);
    }

    /** @return when the record at an offset was last folded into, epoch ms. */
    public long lastUpdateMs(final int off)
    {
        return buffer.getLongVolatile(off + LAST_UPDATE_MS);
    }

    /**
     * Turns tombstones back into never-used slots where no live record's probe sequence passes through them, so that
     * probe sequences end early again after heavy churn (early flushes free many records; without this a
     * long-running table ends up with no empty slot, and every new key's probe walks its full limit). A record at
     * slot j whose key hashes to slot h needs every slot from h up to j to stay non-empty; any other tombstone is
     * reclaimed. Racing writers stay correct: a claim that saw the tombstone fails its CAS and probes again, and a
     * record being claimed right now (key not yet readable) may find its key behind an emptied slot later and claim
     * a second record for it, which is harmless, as two records of one key always are (readers and the flusher merge
     * by key). Flusher only; a pass reads each record's state once and each live record's key.
     *
     * @return slots turned back to empty.
     */
    public int reclaimTombstones()
    {
        final BitSet needed = new BitSet(capacity);
        for (int j = nextOccupied(0); j >= 0; j = nextOccupied(j + 1))
        {
            final int off = recordOffset(j);
            final int state = buffer.getIntVolatile(off + STATE);
            if (state != STATE_READY && state != STATE_SEALED)
            {
                continue;
            }
            final int home = (int)mix(buffer.getLong(off + PROJECT), buffer.getLong(off + RELEASE),
                buffer.getLong(off + ENVIRONMENT), buffer.getLong(off + BUCKET)) & mask;
            if (home <= j)
            {
                needed.set(home, j);
            }
            else
            {
                needed.set(home, capacity); // the probe wrapped around the end
                needed.set(0, j);
            }
        }
        int reclaimed = 0;
        for (int i = 0; i < capacity; i++)
        {
            final int off = recordOffset(i);
            if (!needed.get(i) && buffer.getIntVolatile(off + STATE) == STATE_TOMBSTONE &&
                buffer.compareAndSetInt(off + STATE, STATE_TOMBSTONE, STATE_EMPTY))
            {
                reclaimed++;
            }
        }
        return reclaimed;
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
        if (sets != null)
        {
            sets.force();
        }
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
        if (sets != null)
        {
            sets.close();
        }
    }
}
