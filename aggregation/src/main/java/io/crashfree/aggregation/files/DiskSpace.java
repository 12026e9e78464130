package io.crashfree.aggregation.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Puts files on disk in full before they are memory-mapped.
 * <p>
 * A page of a sparse file gets its disk block only when it is first written; if the disk is full then, a write
 * through a mapping cannot fail like a {@code write} call does: the kernel sends {@code SIGBUS}, and the JVM dies (or
 * throws an {@link InternalError} at some later instruction). So every file the node maps is allocated here first,
 * by writing it (zeros for a new file; the bytes it already holds for one written by an earlier version, which left
 * holes): a full disk is then an {@link java.io.IOException} at creation, on the thread that creates the file, never
 * a fault on an event loop. Once allocated, overwriting a block needs no new space (true of ext4, XFS and tmpfs; not
 * of copy-on-write filesystems such as btrfs or ZFS, where the node cannot rule the fault out).
 */
public final class DiskSpace
{
    private static final int CHUNK_BYTES = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK_BYTES).asReadOnlyBuffer();

    private DiskSpace()
    {
    }

    /**
     * Writes zeros over {@code [channel.size(), lengthBytes)} so that every block of the file is allocated. Refuses
     * before writing when the filesystem has clearly too little space.
     *
     * @param channel     the file, open for writing.
     * @param path        its path, for messages.
     * @param lengthBytes the size it must have.
     * @throws DiskFullException when there is not enough space (the file may be partly written: delete it).
     * @throws UncheckedIOException when a write fails otherwise.
     */
    public static void allocate(final FileChannel channel, final Path path, final long lengthBytes)
    {
        long position;
        try
        {
            position = channel.size();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot allocate " + path + ": " + ex.getMessage(), ex);
        }
        final long needed = lengthBytes - position;
        if (needed <= 0)
        {
            return;
        }
        final long usable = usableBytes(path);
        if (usable < needed)
        {
            throw new DiskFullException(path, needed, usable, null);
        }
        final ByteBuffer zeros = ZEROS.duplicate();
        try
        {
            while (position < lengthBytes)
            {
                zeros.clear().limit((int)Math.min(CHUNK_BYTES, lengthBytes - position));
                while (zeros.hasRemaining())
                {
                    position += channel.write(zeros, position);
                }
            }
        }
        catch (final IOException ex)
        {
            throw writeFailed(path, lengthBytes - position, ex);
        }
    }

    /**
     * Allocates the holes of an existing file by writing each part of it back as it reads (a file an earlier
     * version created sparse). Nothing else may write the file meanwhile.
     *
     * @param path the file.
     * @throws DiskFullException when there is not enough space for its holes.
     */
    public static void fillHoles(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            fillHoles(channel, path, 0, channel.size());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open " + path + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Allocates the holes of {@code [fromBytes, toBytes)} of a file by writing each part back as it reads. Another
     * thread may read the file (through a mapping too) meanwhile, but none may write that range.
     *
     * @param channel   the file, open for reading and writing.
     * @param path      its path, for messages.
     * @param fromBytes first byte.
     * @param toBytes   end, exclusive.
     * @throws DiskFullException when there is not enough space for the holes.
     */
    public static void fillHoles(final FileChannel channel, final Path path, final long fromBytes, final long toBytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES);
        long position = fromBytes;
        try
        {
            while (position < toBytes)
            {
                buffer.clear().limit((int)Math.min(CHUNK_BYTES, toBytes - position));
                boolean end = false;
                while (buffer.hasRemaining() && !end)
                {
                    end = channel.read(buffer, position + buffer.position()) < 0; // shorter than said: stop there
                }
                buffer.flip();
                while (buffer.hasRemaining())
                {
                    position += channel.write(buffer, position);
                }
                if (end)
                {
                    return;
                }
            }
        }
        catch (final IOException ex)
        {
            throw writeFailed(path, toBytes - position, ex);
        }
    }

    /**
     * @param path a file or directory (need not exist: its nearest existing parent is asked).
     * @return bytes usable on its filesystem by this process; {@link Long#MAX_VALUE} when it cannot be told.
     */
    public static long usableBytes(final Path path)
    {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing))
        {
            existing = existing.getParent();
        }
        if (existing == null)
        {
            return Long.MAX_VALUE;
        }
        try
        {
            return Files.getFileStore(existing).getUsableSpace();
        }
        catch (final IOException ex)
        {
            return Long.MAX_VALUE;
        }
    }

    /**
     * @param bytes a size.
     * @return it in bytes, and in MiB when that reads better: {@code 1052672 bytes (1.0 MiB)}.
     */
    public static String describe(final long bytes)
    {
        if (bytes < 1 << 20)
        {
            return bytes + " bytes";
        }
        return bytes + " bytes (" + Math.round(bytes * 10.0 / (1 << 20)) / 10.0 + " MiB)";
    }

    private static UncheckedIOException writeFailed(final Path path, final long remainingBytes, final IOException ex)
    {
        final long usable = usableBytes(path);
        final String message = String.valueOf(ex.getMessage());
        if (usable < remainingBytes || message.contains("No space left") || message.contains("quota"))
        {
            return new DiskFullException(path, remainingBytes, usable, ex);
        }
        return new UncheckedIOException("cannot write " + path + ": " + message, ex);
    }
}
