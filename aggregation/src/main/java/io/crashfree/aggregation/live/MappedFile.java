package io.crashfree.aggregation.live;

import io.crashfree.aggregation.files.DiskSpace;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A file mapped read-write into memory and viewed through an Agrona {@link UnsafeBuffer}, so writers update it
 * with plain atomic operations and every completed operation survives a {@code kill -9} (the page cache keeps it).
 * <p>
 * A new file is allocated on disk in full before it is mapped ({@link DiskSpace#allocate}), written under a temporary
 * name, given its header, and renamed into place: it appears complete or not at all, and a full disk is an exception
 * at creation ({@link io.crashfree.aggregation.files.DiskFullException}), never a {@code SIGBUS} when a mapped page is
 * first written.
 */
final class MappedFile implements AutoCloseable
{
    /** Suffix of a file being created. */
    static final String TMP_SUFFIX = ".tmp";
    private static final int HEADER_FORCE_BYTES = 4096;

    // Creating a file is several steps; two threads creating the same new file must not see it half-made. Never on
    // the ingest path: only start-up and the flusher create files.
    private static final ReentrantLock CREATE_LOCK = new ReentrantLock();

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
     * Maps a file of exactly {@code lengthBytes}, creating it (allocated, zero-filled) when missing.
     *
     * @param path        the file.
     * @param lengthBytes its size.
     * @return the mapping.
     * @throws io.crashfree.aggregation.files.DiskFullException when a new file does not fit on disk (nothing is left).
     */
    static MappedFile openOrCreate(final Path path, final long lengthBytes)
    {
        return openOrCreate(path, lengthBytes, null);
    }

    /**
     * Maps a file of exactly {@code lengthBytes}, creating it when missing: allocated, zero-filled, initialised by
     * {@code header} while still under its temporary name, forced to disk, then renamed into place.
     *
     * @param path        the file.
     * @param lengthBytes its size.
     * @param header      writes a new file's header (null: none).
     * @return the mapping; {@link #created()} says whether it is new.
     * @throws io.crashfree.aggregation.files.DiskFullException when a new file does not fit on disk (nothing is left).
     */
    static MappedFile openOrCreate(final Path path, final long lengthBytes, final Consumer<UnsafeBuffer> header)
    {
        CREATE_LOCK.lock();
        try
        {
            if (Files.exists(path))
            {
                return open(path, lengthBytes);
            }
            return create(path, lengthBytes, header);
        }
        finally
        {
            CREATE_LOCK.unlock();
        }
    }

    /**
     * Maps an existing file, checking its size.
     *
     * @param path        the file.
     * @param lengthBytes the size it must have.
     * @return the mapping.
     */
    static MappedFile open(final Path path, final long lengthBytes)
    {
        checkMappable(path, lengthBytes);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long size = channel.size();
            if (size != lengthBytes)
            {
                throw new IllegalStateException(path + " has " + size + " bytes but the configuration needs " +
                    lengthBytes + ": the capacity settings changed since it was created");
            }
            return new MappedFile(path, channel.map(FileChannel.MapMode.READ_WRITE, 0, lengthBytes), false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map " + path + ": " + ex.getMessage(), ex);
        }
    }

    private static MappedFile create(final Path path, final long lengthBytes, final Consumer<UnsafeBuffer> header)
    {
        checkMappable(path, lengthBytes);
        final Path tmp = path.resolveSibling(path.getFileName() + TMP_SUFFIX);
        MappedFile file = null;
        try
        {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.deleteIfExists(tmp); // a creation a crash interrupted: nothing was ever mapped from it
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                DiskSpace.allocate(channel, path, lengthBytes); // named by the file it becomes
                file = new MappedFile(path, channel.map(FileChannel.MapMode.READ_WRITE, 0, lengthBytes), true);
            }
            if (header != null)
            {
                header.accept(file.buffer);
                // The header before the rename, against power loss (a kill -9 needs nothing); the zeros behind it
                // are written back as the OS sees fit: forcing them all cost seconds at start for a 1 GiB budget.
                file.mapped.force(0, (int)Math.min(lengthBytes, HEADER_FORCE_BYTES));
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            return file;
        }
        catch (final IOException | RuntimeException ex)
        {
            if (file != null)
            {
                file.close();
            }
            try
            {
                Files.deleteIfExists(tmp);
            }
            catch (final IOException ignored)
            {
                // the failure being reported matters more
            }
            if (ex instanceof IOException io)
            {
                throw new UncheckedIOException("cannot create " + path + ": " + io.getMessage(), io);
            }
            throw (RuntimeException)ex;
        }
    }

    private static void checkMappable(final Path path, final long lengthBytes)
    {
        if (lengthBytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("mapped file larger than 2 GiB: " + path + " (" + lengthBytes + " bytes)");
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
