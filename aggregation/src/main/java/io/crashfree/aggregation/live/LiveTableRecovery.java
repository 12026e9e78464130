package io.crashfree.aggregation.live;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.zip.CRC32C;

import static io.crashfree.aggregation.live.LiveTableDescriptor.*;

/**
 * Opening an existing live table file, before any writer runs (start-up, one thread): its header is checked against
 * the configuration and its arenas (a version-3 table and its header-less arenas are upgraded in place), then every
 * record that holds data is checked and the table is recovered. Damage stops the open with one line naming the file,
 * the record where there is one, and what is wrong: a record's counters only ever grow from 0, its state is one of
 * five, and each sketch block it refers to exists and belongs to it alone.
 */
final class LiveTableRecovery
{
    private final Path path;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final BlockArena arena;
    private final BlockArena sets;

    /**
     * @param path     the table file.
     * @param buffer   its mapping.
     * @param capacity records.
     * @param arena    the dense arena.
     * @param sets     the coupon-set arena, or null.
     */
    LiveTableRecovery(final Path path, final UnsafeBuffer buffer, final int capacity, final BlockArena arena,
        final BlockArena sets)
    {
        this.path = path;
        this.buffer = buffer;
        this.capacity = capacity;
        this.arena = arena;
        this.sets = sets;
    }

    /**
     * Writes the arenas' geometry and the header check (a new table, or one being upgraded).
     *
     * @param b     the table's buffer.
     * @param arena its dense arena.
     * @param sets  its coupon-set arena, or null.
     */
    static void putArenaGeometry(final UnsafeBuffer b, final BlockArena arena, final BlockArena sets)
    {
        b.putInt(DENSE_BLOCKS_OFFSET, arena.capacity());
        b.putInt(DENSE_BLOCK_BYTES_OFFSET, arena.blockBytes());
        b.putInt(SET_BLOCKS_OFFSET, sets == null ? 0 : sets.capacity());
        b.putInt(SET_BLOCK_BYTES_OFFSET, sets == null ? 0 : sets.blockBytes());
        b.putInt(HEADER_CHECK_OFFSET, headerCheck(b));
    }

    private static int headerCheck(final UnsafeBuffer b)
    {
        final byte[] header = new byte[CHECKED_HEADER_BYTES];
        b.getBytes(0, header);
        final CRC32C crc = new CRC32C();
        crc.update(header);
        return (int)crc.getValue();
    }

    /** Checks an existing table's header against its arenas, upgrading a version-3 table in place. */
    void checkHeader()
    {
        final int magic = buffer.getInt(MAGIC_OFFSET);
        final int version = buffer.getInt(VERSION_OFFSET);
        if (magic != MAGIC)
        {
            throw damaged("bad magic 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC));
        }
        if (version != VERSION && version != VERSION_WITHOUT_ARENA_HEADERS)
        {
            throw damaged("format version " + version + ", expected " + VERSION);
        }
        if (buffer.getInt(CAPACITY_OFFSET) != capacity)
        {
            throw damaged("capacity " + buffer.getInt(CAPACITY_OFFSET) + ", but its size says " + capacity);
        }
        if (buffer.getInt(RECORD_SIZE_OFFSET) != RECORD_BYTES)
        {
            throw damaged("record size " + buffer.getInt(RECORD_SIZE_OFFSET) + ", expected " + RECORD_BYTES);
        }
        if (version == VERSION_WITHOUT_ARENA_HEADERS)
        {
            // Written by the version before arena headers: give its arenas theirs and this table its new fields.
            adoptHeaderlessArenas();
            buffer.putInt(VERSION_OFFSET, VERSION);
            putArenaGeometry(buffer, arena, sets); // and the check, over the new version too
            return;
        }
        if (buffer.getInt(HEADER_CHECK_OFFSET) != headerCheck(buffer))
        {
            throw damaged("its header fails its check (CRC32C of bytes 0.." + CHECKED_HEADER_BYTES + ")");
        }
        checkArena(arena, DENSE_BLOCKS_OFFSET, DENSE_BLOCK_BYTES_OFFSET);
        if (sets != null)
        {
            checkArena(sets, SET_BLOCKS_OFFSET, SET_BLOCK_BYTES_OFFSET);
        }
        else if (buffer.getInt(SET_BLOCKS_OFFSET) != 0)
        {
            throw damaged("it refers to " + buffer.getInt(SET_BLOCKS_OFFSET) + " coupon-set blocks but none are open");
        }
    }

    private void checkArena(final BlockArena a, final int blocksOffset, final int blockBytesOffset)
    {
        if (a.headerless())
        {
            throw new IllegalStateException("block arena " + a.path() + ": no header, but " + path +
                " was written with arenas that have one. It is damaged: restore the data directory's live/ files " +
                "from a backup, or move live/ away and restart (the live aggregates not yet in the store are then " +
                "lost)");
        }
        if (buffer.getInt(blocksOffset) != a.capacity() || buffer.getInt(blockBytesOffset) != a.blockBytes())
        {
            throw damaged("it was written with " + buffer.getInt(blocksOffset) + " blocks of " +
                buffer.getInt(blockBytesOffset) + " bytes in " + a.path() + ", which has " + a.capacity() + " of " +
                a.blockBytes());
        }
    }

    /** Gives arenas of the first layout their headers (a new table, or an upgrade). */
    void adoptHeaderlessArenas()
    {
        if (arena.headerless())
        {
            arena.writeHeader();
        }
        if (sets != null && sets.headerless())
        {
            sets.writeHeader();
        }
    }

    private IllegalStateException damaged(final String problem)
    {
        return new IllegalStateException("live table " + path + ": " + problem + ". It is damaged or was " +
            "not written by this version of Crashfree: restore the data directory's live/ files from a backup, or " +
            "move live/ away and restart (the live aggregates not yet in the store are then lost)");
    }

    /**
     * Checks every record and recovers the table after an unclean stop: half-claimed records become tombstones, the
     * arenas' free lists are rebuilt from the blocks that records reference, the occupancy bitmap and the usage are
     * recounted.
     *
     * @param occupied the table's occupancy bitmap (all clear).
     * @param usage    its per-project accounting.
     */
    void recover(final long[] occupied, final LiveUsage usage)
    {
        final BitSet usedBlocks = new BitSet(arena.capacity());
        final BitSet usedSets = new BitSet(sets == null ? 0 : sets.capacity());
        int live = 0;
        usage.reset();
        for (int i = 0; i < capacity; i++)
        {
            final int off = LiveTable.recordOffset(i);
            final int state = buffer.getInt(off + STATE);
            if (state == STATE_CLAIMING)
            {
                buffer.setMemory(off + 8, RECORD_BYTES - 8, (byte)0);
                buffer.putIntVolatile(off + STATE, STATE_TOMBSTONE);
            }
            else if (state == STATE_READY || state == STATE_SEALED)
            {
                checkRecord(i, off);
                live++;
                occupied[i >>> 6] |= 1L << i;
                final long project = buffer.getLong(off + PROJECT);
                usage.onRecords(project, 1);
                for (int s = 0; s < SKETCHES; s++)
                {
                    final int ref = buffer.getInt(off + denseOffset(s));
                    if (ref > 0)
                    {
                        claimBlock(usedBlocks, ref - 1, arena, i, off, s);
                        usage.onSketchBytes(project, arena.blockBytes());
                    }
                    else if (ref < 0)
                    {
                        if (sets == null)
                        {
                            throw damagedRecord(i, off, "sketch " + s + " refers to coupon-set block " + LiveTable.setBlock(ref) +
                                " but the table has no coupon-set arena");
                        }
                        claimBlock(usedSets, LiveTable.setBlock(ref), sets, i, off, s);
                        usage.onSketchBytes(project, sets.blockBytes());
                    }
                }
            }
            else if (state != STATE_EMPTY && state != STATE_TOMBSTONE)
            {
                throw damagedRecord(i, off, "state " + state + " is none of 0.." + STATE_TOMBSTONE);
            }
        }
        arena.rebuildFreeList(usedBlocks);
        if (sets != null)
        {
            sets.rebuildFreeList(usedSets);
        }
        buffer.putIntVolatile(LIVE_RECORDS_OFFSET, live);
    }

    private static final String[] COUNTER_NAMES = { "sessions", "errored_preaggr", "crashed", "abnormal",
        "unhandled", "errored sessions", "duration count", "duration sum", "duration max" };

    /** Start-up only: what a record holding data can never hold (its counters only ever grow from 0). */
    private void checkRecord(final int index, final int off)
    {
        for (int c = 0; c < COUNTER_NAMES.length; c++)
        {
            final long value = buffer.getLong(off + SESSIONS + 8 * c);
            if (value < 0)
            {
                throw damagedRecord(index, off, COUNTER_NAMES[c] + " is " + value + ", never negative");
            }
        }
        for (int b = 0; b < DURATION_BUCKET_COUNT; b++)
        {
            final int value = buffer.getInt(off + DURATION_BUCKETS + 4 * b);
            if (value < 0)
            {
                throw damagedRecord(index, off, "duration bucket " + b + " is " + value + ", never negative");
            }
        }
    }

    private void claimBlock(final BitSet used, final int block, final BlockArena a, final int index, final int off,
        final int sketch)
    {
        if (block >= a.capacity())
        {
            throw damagedRecord(index, off, "sketch " + sketch + " refers to block " + block + " of " + a.path() +
                ", which has " + a.capacity());
        }
        if (used.get(block))
        {
            throw damagedRecord(index, off, "sketch " + sketch + " refers to block " + block + " of " + a.path() +
                ", which another record holds too");
        }
        used.set(block);
    }

    private IllegalStateException damagedRecord(final int index, final int off, final String problem)
    {
        return damaged("record " + index + " (project " + buffer.getLong(off + PROJECT) + ", bucket " +
            buffer.getLong(off + BUCKET) + "): " + problem);
    }
}
