package io.crashfree.aggregation.live;

import io.crashfree.aggregation.sketch.HllSketches;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.BitSet;

/**
 * Fixed-size blocks for user sketches that outgrow their record's sparse array, in one mapped file: either dense
 * register blocks ({@link HllSketches#K} one-byte registers, DataSketches' HLL_8 layout) or coupon-set blocks (an
 * open-addressing set of {@link #SET_BLOCK_BYTES}/4 coupons, DataSketches' SET mode), one kind per arena.
 * <p>
 * Free blocks form a lock-free stack whose head carries a version tag against ABA: event loops pop, the flusher
 * pushes. A coupon-set block replaced by a larger form is <em>retired</em> by the event loop that promoted it (a
 * second lock-free stack): writers that saw it may still be inserting, so only the flusher returns retired blocks
 * to the free stack, after the fold guard shows those writers are done. Neither stack is trusted across restarts:
 * {@link #rebuildFreeList(BitSet)} recomputes the free stack from the blocks that records still reference, so a
 * crash can never lose or double-use a block.
 *
 * <pre>
 *   0                  8            16             24              32                 40        44          48
 *  +------------------+------------+--------------+---------------+------------------+---------+-----------+
 *  | free head: tag   | free count | retired head | retired count | magic "CFBLOCKS" | version | block     |
 *  | (32) | block + 1 | long       | long         | long          | long             | int (1) | bytes int |
 *  +------------------+------------+--------------+---------------+------------------+---------+-----------+
 *  | blocks int (48) | zero (52..64) |
 *  +-----------------+---------------+
 *  block i at 64 + i * blockBytes; while free or retired, its first int holds the next block + 1 of its stack
 * </pre>
 * Files of the first layout (before version 1) have zeros where the magic is: such an arena opens as
 * {@link #headerless()}, and the live table, which knows from its own header whether its arenas should carry one,
 * either gives it its header ({@link #writeHeader()}) or refuses it as damaged.
 */
public final class BlockArena implements AutoCloseable
{
    /** Bytes of a coupon-set block: 512 int slots. */
    public static final int SET_BLOCK_BYTES = 2048;
    /** Slots of a coupon-set block. */
    public static final int SET_SLOTS = SET_BLOCK_BYTES / 4;
    /**
     * Probes a set insert takes before it calls the set full: a run this long of taken slots shows up at a load of
     * about two thirds, a few hundred coupons, where the dense form is the next step.
     */
    public static final int SET_MAX_PROBES = 24;

    /** {@link #trySetInsert}: the coupon was added. */
    public static final int SET_ADDED = 0;
    /** {@link #trySetInsert}: the coupon was there already. */
    public static final int SET_PRESENT = 1;
    /** {@link #trySetInsert}: no room along the coupon's probe run: promote the sketch. */
    public static final int SET_FULL = 2;

    /** File magic, "CFBLOCKS" in little-endian byte order. */
    static final long MAGIC = 0x534B434F4C424643L;
    /** Layout version. */
    static final int VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int MAGIC_OFFSET = 32;
    static final int VERSION_OFFSET = 40;
    static final int BLOCK_BYTES_OFFSET = 44;
    static final int BLOCKS_OFFSET = 48;
    private static final int FREE_HEAD = 0;
    private static final int FREE_COUNT = 8;
    private static final int RETIRED_HEAD = 16;
    private static final int RETIRED_COUNT = 24;

    private final MappedFile file;
    private final UnsafeBuffer buffer;
    private final int blocks;
    private final int blockBytes;
    private final boolean headerless;

    /**
     * A dense arena: blocks of {@link HllSketches#K} registers.
     *
     * @param path   the arena file.
     * @param blocks how many blocks it holds.
     */
    public BlockArena(final Path path, final int blocks)
    {
        this(path, blocks, HllSketches.K);
    }

    /**
     * @param path       the arena file.
     * @param blocks     how many blocks it holds.
     * @param blockBytes bytes of a block: {@link HllSketches#K} (dense) or {@link #SET_BLOCK_BYTES} (coupon sets).
     */
    public BlockArena(final Path path, final int blocks, final int blockBytes)
    {
        this.blocks = blocks;
        this.blockBytes = blockBytes;
        this.file = MappedFile.openOrCreate(path, fileBytes(blocks, blockBytes), this::putHeader);
        this.buffer = file.buffer();
        boolean noHeader = false;
        if (!file.created())
        {
            try
            {
                noHeader = checkHeader();
            }
            catch (final RuntimeException ex)
            {
                file.close();
                throw ex;
            }
        }
        this.headerless = noHeader;
    }

    /**
     * @param blocks     blocks of an arena.
     * @param blockBytes bytes of each.
     * @return the size of its file.
     */
    public static long fileBytes(final int blocks, final int blockBytes)
    {
        return HEADER_BYTES + (long)blocks * blockBytes;
    }

    private void putHeader(final UnsafeBuffer b)
    {
        b.putLong(MAGIC_OFFSET, MAGIC);
        b.putInt(VERSION_OFFSET, VERSION);
        b.putInt(BLOCK_BYTES_OFFSET, blockBytes);
        b.putInt(BLOCKS_OFFSET, blocks);
    }

    /** @return true when the file has the first layout's zeros where the header goes; throws when it is wrong. */
    private boolean checkHeader()
    {
        final long magic = buffer.getLong(MAGIC_OFFSET);
        if (magic == 0 && buffer.getLong(VERSION_OFFSET) == 0 && buffer.getLong(BLOCKS_OFFSET) == 0 &&
            buffer.getLong(HEADER_BYTES - 8) == 0)
        {
            return true;
        }
        final String problem;
        if (magic != MAGIC)
        {
            problem = "bad magic 0x" + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC);
        }
        else if (buffer.getInt(VERSION_OFFSET) != VERSION)
        {
            problem = "format version " + buffer.getInt(VERSION_OFFSET) + ", expected " + VERSION;
        }
        else if (buffer.getInt(BLOCK_BYTES_OFFSET) != blockBytes)
        {
            problem = "block size " + buffer.getInt(BLOCK_BYTES_OFFSET) + ", expected " + blockBytes;
        }
        else if (buffer.getInt(BLOCKS_OFFSET) != blocks)
        {
            problem = "it says it has " + buffer.getInt(BLOCKS_OFFSET) + " blocks, its size says " + blocks;
        }
        else
        {
            return false;
        }
        throw new IllegalStateException("block arena " + file.path() + ": " + problem + ". It is damaged or was " +
            "not written by this version of Crashfree: restore the data directory's live/ files from a backup, or " +
            "move live/ away and restart (the live aggregates not yet in the store are then lost)");
    }

    /**
     * @return whether the file has no header yet (it was made by a version before headers); the live table decides
     *         whether that is an upgrade ({@link #writeHeader()}) or damage.
     */
    public boolean headerless()
    {
        return headerless;
    }

    /** Gives a file of the first layout its header (an upgrade; before any writer runs). */
    public void writeHeader()
    {
        putHeader(buffer);
    }

    /** @return the arena file. */
    public Path path()
    {
        return file.path();
    }

    /** @return the number of blocks. */
    public int capacity()
    {
        return blocks;
    }

    /** @return bytes of one block. */
    public int blockBytes()
    {
        return blockBytes;
    }

    /** @return blocks currently free (retired blocks are not free yet). */
    public int freeBlocks()
    {
        return (int)buffer.getLongVolatile(FREE_COUNT);
    }

    /** @return blocks retired and waiting for the flusher. */
    public int retiredBlocks()
    {
        return (int)buffer.getLongVolatile(RETIRED_COUNT);
    }

    /**
     * Rebuilds the free stack: every block not in {@code used} is free (retired ones too). Call before any writer
     * runs.
     *
     * @param used blocks referenced by live records.
     */
    public void rebuildFreeList(final BitSet used)
    {
        long head = 0;
        int free = 0;
        for (int block = blocks - 1; block >= 0; block--)
        {
            if (!used.get(block))
            {
                buffer.putInt(blockOffset(block), (int)head);
                head = block + 1;
                free++;
            }
        }
        buffer.putLong(FREE_COUNT, free);
        buffer.putLong(RETIRED_COUNT, 0);
        buffer.putLongVolatile(RETIRED_HEAD, 0);
        buffer.putLongVolatile(FREE_HEAD, head);
    }

    /**
     * Pops a free block and zeroes it.
     *
     * @return the block, or -1 when none is free.
     */
    public int tryAllocate()
    {
        final int block = pop(FREE_HEAD, FREE_COUNT);
        if (block >= 0)
        {
            buffer.setMemory(blockOffset(block), blockBytes, (byte)0);
        }
        return block;
    }

    /**
     * Returns a block to the free stack. Only once no record references it and no writer can still touch it.
     *
     * @param block the block.
     */
    public void free(final int block)
    {
        push(FREE_HEAD, FREE_COUNT, block);
    }

    /**
     * Retires a block that no record references any more but that writers may still be touching (a coupon set
     * just replaced by a larger form). The flusher frees it with {@link #freeRetired} once they are done.
     *
     * @param block the block.
     */
    public void retire(final int block)
    {
        push(RETIRED_HEAD, RETIRED_COUNT, block);
    }

    /**
     * Takes every retired block off the retired stack; the caller frees them once the writers that may have seen
     * them have finished (flusher: after {@link FoldGuard#awaitQuiescence()}).
     *
     * @return the head of the detached chain (block + 1, 0 = none), for {@link #freeRetired}.
     */
    public long detachRetired()
    {
        while (true)
        {
            final long head = buffer.getLongVolatile(RETIRED_HEAD);
            if ((int)head == 0)
            {
                return 0;
            }
            final long empty = ((head >>> 32) + 1) << 32;
            if (buffer.compareAndSetLong(RETIRED_HEAD, head, empty))
            {
                return head & 0xFFFF_FFFFL;
            }
        }
    }

    /**
     * Frees a chain detached with {@link #detachRetired}.
     *
     * @param chain the detached head.
     * @return blocks freed.
     */
    public int freeRetired(final long chain)
    {
        int n = 0;
        int next = (int)chain;
        while (next != 0)
        {
            final int block = next - 1;
            next = buffer.getIntVolatile(blockOffset(block));
            buffer.getAndAddLong(RETIRED_COUNT, -1);
            free(block);
            n++;
        }
        return n;
    }

    private int pop(final int headOffset, final int countOffset)
    {
        while (true)
        {
            final long head = buffer.getLongVolatile(headOffset);
            final int top = (int)head;
            if (top == 0)
            {
                return -1;
            }
            final int block = top - 1;
            final int next = buffer.getIntVolatile(blockOffset(block));
            final long newHead = (((head >>> 32) + 1) << 32) | (next & 0xFFFF_FFFFL);
            if (buffer.compareAndSetLong(headOffset, head, newHead))
            {
                buffer.getAndAddLong(countOffset, -1);
                return block;
            }
        }
    }

    private void push(final int headOffset, final int countOffset, final int block)
    {
        while (true)
        {
            final long head = buffer.getLongVolatile(headOffset);
            buffer.putIntVolatile(blockOffset(block), (int)head);
            final long newHead = (((head >>> 32) + 1) << 32) | (block + 1);
            if (buffer.compareAndSetLong(headOffset, head, newHead))
            {
                buffer.getAndAddLong(countOffset, 1);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- dense register blocks

    /**
     * Raises one register to at least {@code value} with a CAS on the aligned int that holds it.
     *
     * @param block the block.
     * @param slot  register index.
     * @param value register value (1..63).
     */
    public void casMax(final int block, final int slot, final int value)
    {
        final int byteOffset = blockOffset(block) + slot;
        final int wordOffset = byteOffset & ~3;
        final int shift = (byteOffset & 3) << 3; // little-endian: byte i of the word is bits 8i..8i+7
        while (true)
        {
            final int word = buffer.getIntVolatile(wordOffset);
            final int current = (word >>> shift) & 0xFF;
            if (current >= value)
            {
                return;
            }
            final int updated = (word & ~(0xFF << shift)) | (value << shift);
            if (buffer.compareAndSetInt(wordOffset, word, updated))
            {
                return;
            }
        }
    }

    /**
     * Copies a dense block's registers out (for flushing and queries).
     *
     * @param block the block.
     * @param dst   {@link HllSketches#K} bytes.
     */
    public void copyRegisters(final int block, final byte[] dst)
    {
        buffer.getBytes(blockOffset(block), dst, 0, HllSketches.K);
    }

    // ---------------------------------------------------------------- coupon-set blocks

    /**
     * Adds a coupon to a coupon-set block: linear probing from the coupon's hash, CAS from 0 (slots only ever go
     * from empty to a coupon, so two writers of the same coupon cannot both add it: the second either loses the CAS
     * on the first's slot and finds its coupon there, or meets it further along).
     *
     * @param block  the block.
     * @param coupon a non-zero coupon.
     * @return {@link #SET_ADDED}, {@link #SET_PRESENT} or {@link #SET_FULL}.
     */
    public int trySetInsert(final int block, final int coupon)
    {
        final int base = blockOffset(block);
        int index = setHome(coupon);
        for (int probe = 0; probe < SET_MAX_PROBES; probe++)
        {
            final int off = base + (index << 2);
            int v = buffer.getIntVolatile(off);
            if (v == 0)
            {
                if (buffer.compareAndSetInt(off, 0, coupon))
                {
                    return SET_ADDED;
                }
                v = buffer.getIntVolatile(off);
            }
            if (v == coupon)
            {
                return SET_PRESENT;
            }
            index = (index + 1) & (SET_SLOTS - 1);
        }
        return SET_FULL;
    }

    /**
     * Copies a coupon-set block's coupons out.
     *
     * @param block the block.
     * @param dst   at least {@link #SET_SLOTS} ints.
     * @param from  where in {@code dst} to start.
     * @return the index after the last coupon written.
     */
    public int readSet(final int block, final int[] dst, final int from)
    {
        final int base = blockOffset(block);
        int n = from;
        for (int i = 0; i < SET_SLOTS; i++)
        {
            final int c = buffer.getIntVolatile(base + (i << 2));
            if (c != 0)
            {
                dst[n++] = c;
            }
        }
        return n;
    }

    /**
     * Applies every coupon of a coupon-set block to a dense block of another arena (a promotion).
     *
     * @param block      the coupon-set block.
     * @param dense      the dense arena.
     * @param denseBlock the dense block.
     */
    public void applySetTo(final int block, final BlockArena dense, final int denseBlock)
    {
        final int base = blockOffset(block);
        for (int i = 0; i < SET_SLOTS; i++)
        {
            final int c = buffer.getIntVolatile(base + (i << 2));
            if (c != 0)
            {
                dense.casMax(denseBlock, HllSketches.slot(c), HllSketches.value(c));
            }
        }
    }

    private static int setHome(final int coupon)
    {
        final int h = coupon * 0x9E3779B1;
        return (h ^ (h >>> 16)) & (SET_SLOTS - 1);
    }

    /** Flushes the mapping to disk. */
    public void force()
    {
        file.force();
    }

    private int blockOffset(final int block)
    {
        return HEADER_BYTES + block * blockBytes;
    }

    @Override
    public void close()
    {
        file.close();
    }
}
