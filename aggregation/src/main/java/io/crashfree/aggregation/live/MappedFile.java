package io.crashfree.aggregation.live;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file mapped read-write into memory and viewed through an Agrona {@link UnsafeBuffer}, so writers update it
 * with plain atomic operations and every completed operation survives a {@code kill -9} (the page cache keeps it).
 */
final class MappedFile implements AutoCloseable
{
    private final Path path;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final boolean created;

    private MappedFile(final Path path, final MappedByteBuffer mapped, final boolean created)
    {
        this.path = path;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.created = created;
    }

    /**
     * Maps a file of exactly {@code lengthBytes}, creating it (zero-filled, sparse) when missing.
     *
     * @param path        the file.
     * @param lengthBytes its size.
     * @return the mapping.
     */
    static MappedFile openOrCreate(final Path path, final long lengthBytes)
    {
        // Creating and sizing a file is two steps; two threads opening the same new file (a dedup day) must not see
        // it half-made. This lock is never on the ingest path in practice: the flusher prepares files ahead.
        CREATE_LOCK.lock();
        try
        {
            return openOrCreateLocked(path, lengthBytes);
        }
        finally
        {
            CREATE_LOCK.unlock();
        }
    }

    private static final java.util.concurrent.locks.ReentrantLock CREATE_LOCK =
        new java.util.concurrent.locks.ReentrantLock();

    private static MappedFile openOrCreateLocked(final Path path, final long lengthBytes)
    {
        if (lengthBytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("mapped file larger than 2 GiB: " + path + " (" + lengthBytes + " bytes)");
        }
        try
        {
            Files.createDirectories(path.getParent());
            final boolean exists = Files.exists(path);
            if (exists && Files.size(path) != lengthBytes)
            {
                throw new IllegalStateException(path + " has " + Files.size(path) + " bytes but the configuration " +
                    "needs " + lengthBytes + ": the capacity settings changed since it was created");
            }
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
            {
                if (!exists)
                {
                    file.setLength(lengthBytes);
                }
                final MappedByteBuffer mapped = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, lengthBytes);
                return new MappedFile(path, mapped, !exists);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map " + path, ex);
        }
    }

    /** @return the view writers use. */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** @return whether this open created the file. */
    boolean created()
    {
        return created;
    }

    /** @return the file. */
    Path path()
    {
        return path;
    }

    /** Asks the OS to write dirty pages to disk (only power loss needs it; {@code kill -9} does not). */
    void force()
    {
        mapped.force();
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
