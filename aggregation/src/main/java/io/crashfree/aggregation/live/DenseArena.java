package io.crashfree.aggregation.live;

import io.crashfree.aggregation.sketch.HllSketches;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.BitSet;

/**
 * Dense register blocks for user sketches that outgrow their record's sparse array: {@code blocks} blocks of
 * {@link HllSketches#K} one-byte registers (DataSketches' HLL_8 layout) in one mapped file.
 * <p>
 * Free blocks form a lock-free stack whose head carries a version tag against ABA: event loops pop, the flusher
 * pushes. The free stack is not trusted across restarts; {@link #rebuildFreeList(BitSet)} recomputes it from the
 * blocks that records still reference, so a crash can never lose or double-use a block.
 *
 * <pre>
 *  header (64 bytes): [free head: tag (32 bits) | block + 1 (32 bits)] ...
 *  block i at 64 + i * K: registers; while free, its first int holds the next free block + 1
 * </pre>
 */
public final class DenseArena implements AutoCloseable
{
    private static final int HEADER_BYTES = 64;
    private static final int FREE_HEAD = 0;
    private static final int FREE_COUNT = 8;

    private final MappedFile file;
    private final UnsafeBuffer buffer;
    private final int blocks;

    /**
     * @param path   the arena file.
     * @param blocks how many dense blocks it holds.
     */
    public DenseArena(final Path path, final int blocks)
    {
        this.blocks = blocks;
        this.file = MappedFile.openOrCreate(path, HEADER_BYTES + (long)blocks * HllSketches.K);
        this.buffer = file.buffer();
    }

    /** @return the number of blocks. */
    public int capacity()
    {
        return blocks;
    }

    /** @return blocks currently free. */
    public int freeBlocks()
    {
        return (int)buffer.getLongVolatile(FREE_COUNT);
    }

    /**
     * Rebuilds the free stack: every block not in {@code used} is free. Call before any writer runs.
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
        buffer.putLongVolatile(FREE_HEAD, head);
    }

    /**
     * Pops a free block and zeroes it.
     *
     * @return the block, or -1 when none is free.
     */
    public int tryAllocate()
    {
        while (true)
        {
            final long head = buffer.getLongVolatile(FREE_HEAD);
            final int top = (int)head;
            if (top == 0)
            {
                return -1;
            }
            final int block = top - 1;
            final int next = buffer.getIntVolatile(blockOffset(block));
            final long newHead = (((head >>> 32) + 1) << 32) | (next & 0xFFFF_FFFFL);
            if (buffer.compareAndSetLong(FREE_HEAD, head, newHead))
            {
                buffer.getAndAddLong(FREE_COUNT, -1);
                buffer.setMemory(blockOffset(block), HllSketches.K, (byte)0);
                return block;
            }
        }
    }

    /**
     * Returns a block to the free stack. Only once no record references it.
     *
     * @param block the block.
     */
    public void free(final int block)
    {
        while (true)
        {
            final long head = buffer.getLongVolatile(FREE_HEAD);
            buffer.putIntVolatile(blockOffset(block), (int)head);
            final long newHead = (((head >>> 32) + 1) << 32) | (block + 1);
            if (buffer.compareAndSetLong(FREE_HEAD, head, newHead))
            {
                buffer.getAndAddLong(FREE_COUNT, 1);
                return;
            }
        }
    }

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
     * Copies a block's registers out (for flushing and queries).
     *
     * @param block the block.
     * @param dst   {@link HllSketches#K} bytes.
     */
    public void copyRegisters(final int block, final byte[] dst)
    {
        buffer.getBytes(blockOffset(block), dst, 0, HllSketches.K);
    }

    /**
     * Raises every register of {@code dst} to at least the block's (a union into a scratch array).
     *
     * @param block the block.
     * @param dst   {@link HllSketches#K} bytes.
     */
    public void maxInto(final int block, final byte[] dst)
    {
        final int base = blockOffset(block);
        for (int i = 0; i < HllSketches.K; i++)
        {
            final byte v = buffer.getByte(base + i);
            if (v > dst[i])
            {
                dst[i] = v;
            }
        }
    }

    /** Flushes the mapping to disk. */
    public void force()
    {
        file.force();
    }

    private static int blockOffset(final int block)
    {
        return HEADER_BYTES + block * HllSketches.K;
    }

    @Override
    public void close()
    {
        file.close();
    }
}
