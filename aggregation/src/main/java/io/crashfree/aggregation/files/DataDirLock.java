package io.crashfree.aggregation.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data directory belongs to one node at a time: an OS file lock ({@link FileChannel#tryLock()}) on
 * {@value #FILE_NAME}, which holds the holder's PID and start time so that a second node can say who has it. The OS
 * drops the lock when the process dies, however it dies, so a {@code kill -9} leaves nothing to clean up.
 * <p>
 * OS file locks belong to a process, and closing any channel of the locked file may drop them (POSIX), so within one
 * JVM the directories held are also kept in a set and checked before a channel is opened.
 */
public final class DataDirLock implements AutoCloseable
{
    /** The lock file, in the data directory. */
    public static final String FILE_NAME = "node.lock";

    private static final Set<Path> HELD_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final Path key, final FileChannel channel, final FileLock lock)
    {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data directory (which must exist).
     *
     * @param dataDir the data directory.
     * @return the lock; close it to release the directory.
     * @throws IllegalStateException naming the directory and the holder when another node has it.
     */
    public static DataDirLock acquire(final Path dataDir)
    {
        final Path key;
        try
        {
            key = dataDir.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the data directory " + dataDir + ": " + ex.getMessage(), ex);
        }
        final Path file = key.resolve(FILE_NAME);
        if (!HELD_IN_THIS_PROCESS.add(key))
        {
            throw inUse(key, "this process, " + holder(), file);
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                channel.close();
                channel = null;
                final String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                throw inUse(key, holder.isEmpty() ? "holder not recorded yet" : holder, file);
            }
            try
            {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((holder() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            }
            catch (final IOException ex)
            {
                // the lock is what counts; a full disk only costs the holder's description
            }
            return new DataDirLock(key, channel, lock);
        }
        catch (final IOException ex)
        {
            HELD_IN_THIS_PROCESS.remove(key);
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the data directory " + key + " (" + file + "): " +
                ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            HELD_IN_THIS_PROCESS.remove(key);
            closeQuietly(channel);
            throw ex;
        }
    }

    private static IllegalStateException inUse(final Path dir, final String holder, final Path file)
    {
        return new IllegalStateException("the data directory " + dir + " is in use by another node (" + holder +
            "; lock file " + file + "): stop that node first, or give this one another node.data.dir");
    }

    private static String holder()
    {
        final ProcessHandle self = ProcessHandle.current();
        return "pid " + self.pid() + ", started " +
            self.info().startInstant().map(Instant::toString).orElse("at an unknown time");
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // already failing: the first error is the one reported
            }
        }
    }

    /** Releases the directory (the lock file stays: removing it could race with a node taking it). */
    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignored)
        {
            // closing the channel releases it as well
        }
        closeQuietly(channel);
        HELD_IN_THIS_PROCESS.remove(key);
    }
}
