package io.crashfree.errors.forward;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import static io.crashfree.errors.forward.SpoolDescriptor.*;

/**
 * One segment file of the spool, mapped read-write (layout: {@link SpoolDescriptor}). Made and deleted only by the
 * forwarder thread; written by at most one event loop at a time; read by the forwarder.
 * <p>
 * A new file is written in full (zeros) under a temporary name, given its header and renamed into place, so it
 * appears complete or not at all, and a full disk is an exception when the forwarder makes it, never a
 * {@code SIGBUS} on an event loop.
 */
final class SpoolSegment
{
    /** Suffix of a segment file. */
    static final String SUFFIX = ".seg";
    private static final String TMP_SUFFIX = ".tmp";
    private static final int ZERO_CHUNK = 64 * 1024;

    private final Path path;
    private final long sequence;
    private final int capacity;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    /** Set when it came from an earlier run: nobody will write to it again, a zero frame length is its end. */
    private final boolean recovered;

    private SpoolSegment(final Path path, final long sequence, final int capacity, final MappedByteBuffer mapped,
        final boolean recovered)
    {
        this.path = path;
        this.sequence = sequence;
        this.capacity = capacity;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.recovered = recovered;
    }

    /**
     * @param dir      the spool directory.
     * @param sequence the new segment's number (names the file).
     * @return the file of that segment.
     */
    static Path fileOf(final Path dir, final long sequence)
    {
        final String digits = Long.toString(sequence);
        return dir.resolve("0".repeat(Math.max(0, 16 - digits.length())) + digits + SUFFIX);
    }

    /**
     * Makes a new segment file: written in full, header set, forced, renamed into place.
     *
     * @param dir       spool directory.
     * @param sequence  its number.
     * @param capacity  its size in bytes.
     * @param createdMs now.
     * @param forceHeader whether to force the header to disk before the rename (against power loss).
     * @return the mapped segment.
     * @throws UncheckedIOException when the disk cannot hold it (nothing is left behind).
     */
    static SpoolSegment create(final Path dir, final long sequence, final int capacity, final long createdMs,
        final boolean forceHeader)
    {
        final Path path = fileOf(dir, sequence);
        final Path tmp = path.resolveSibling(path.getFileName() + TMP_SUFFIX);
        try
        {
            Files.deleteIfExists(tmp);
            final MappedByteBuffer mapped;
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                final ByteBuffer zeros = ByteBuffer.allocate(Math.min(ZERO_CHUNK, capacity));
                long written = 0;
                while (written < capacity)
                {
                    zeros.clear().limit((int)Math.min(zeros.capacity(), capacity - written));
                    written += channel.write(zeros, written);
                }
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
            }
            final UnsafeBuffer header = new UnsafeBuffer(mapped);
            header.putLong(MAGIC_OFFSET, MAGIC);
            header.putInt(VERSION_OFFSET, VERSION);
            header.putInt(HEADER_LENGTH_OFFSET, SEGMENT_HEADER_LENGTH);
            header.putLong(SEQUENCE_OFFSET, sequence);
            header.putInt(CAPACITY_OFFSET, capacity);
            header.putLong(SETTLED_CURSOR_OFFSET, SEGMENT_HEADER_LENGTH);
            header.putLong(CREATED_MS_OFFSET, createdMs);
            if (forceHeader)
            {
                mapped.force(0, SEGMENT_HEADER_LENGTH);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            return new SpoolSegment(path, sequence, capacity, mapped, false);
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(tmp);
            }
            catch (final IOException ignored)
            {
                // the first failure is the one to report
            }
            throw new UncheckedIOException("cannot make spool segment " + path + " (" + capacity + " bytes): " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Maps a segment an earlier run left.
     *
     * @param path its file.
     * @return the segment, marked recovered.
     * @throws IllegalStateException naming the file when its header is not a spool segment's.
     */
    static SpoolSegment open(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long size = channel.size();
            if (size < SEGMENT_HEADER_LENGTH || size > Integer.MAX_VALUE)
            {
                throw new IllegalStateException("spool segment " + path + " has " + size + " bytes");
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            final UnsafeBuffer header = new UnsafeBuffer(mapped);
            final long cursor = header.getLong(SETTLED_CURSOR_OFFSET);
            if (header.getLong(MAGIC_OFFSET) != MAGIC || header.getInt(VERSION_OFFSET) != VERSION ||
                header.getInt(CAPACITY_OFFSET) != size || cursor < SEGMENT_HEADER_LENGTH || cursor > size)
            {
                IoUtil.unmap(mapped);
                throw new IllegalStateException("spool segment " + path + " has a damaged header (magic, version, " +
                    "capacity or cursor)");
            }
            return new SpoolSegment(path, header.getLong(SEQUENCE_OFFSET), (int)size, mapped, true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map spool segment " + path + ": " + ex.getMessage(), ex);
        }
    }

    /** @return the mapped bytes. */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** @return a fresh view of the mapped bytes for checksums (one per user thread, made once per segment). */
    ByteBuffer duplicate()
    {
        return mapped.duplicate();
    }

    /** @return its number. */
    long sequence()
    {
        return sequence;
    }

    /** @return its size in bytes. */
    int capacity()
    {
        return capacity;
    }

    /** @return whether it came from an earlier run. */
    boolean recovered()
    {
        return recovered;
    }

    /** @return its file. */
    Path path()
    {
        return path;
    }

    /** @return the settled cursor (forwarder). */
    long settledCursor()
    {
        return buffer.getLongVolatile(SETTLED_CURSOR_OFFSET);
    }

    /** @param position every frame before it is settled (forwarder). */
    void settledCursor(final long position)
    {
        buffer.putLongOrdered(SETTLED_CURSOR_OFFSET, position);
    }

    /** Writes the mapped pages back to disk (against power loss; a {@code kill -9} needs nothing). */
    void force()
    {
        mapped.force();
    }

    /** Unmaps and deletes the file (forwarder, once every frame is settled and no writer holds it). */
    void delete()
    {
        IoUtil.unmap(mapped);
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete spool segment " + path + ": " + ex.getMessage(), ex);
        }
    }

    /** Unmaps, keeping the file. */
    void close()
    {
        IoUtil.unmap(mapped);
    }

    @Override
    public String toString()
    {
        return path.toString();
    }
}
