package io.crashfree.edge;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small real filesystem for a node's disk-full tests: a tmpfs of a given size mounted on a test directory (the test
 * is skipped, saying why, where mounting is not permitted), and a filler file that takes its free space on demand.
 */
final class SmallFilesystem implements AutoCloseable
{
    private final Path mountPoint;
    private final Path filler;

    private SmallFilesystem(final Path mountPoint)
    {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler.bin");
    }

    /**
     * Mounts a tmpfs of {@code bytes} on {@code dir}, or skips the calling test.
     *
     * @param dir   the mount point (created if needed).
     * @param bytes its size.
     * @return the filesystem; close it to unmount.
     */
    static SmallFilesystem mount(final Path dir, final long bytes) throws IOException, InterruptedException
    {
        Files.createDirectories(dir);
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs",
            dir.toString()).redirectErrorStream(true).start();
        final boolean done = mount.waitFor(10, TimeUnit.SECONDS);
        final String output = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(done && mount.exitValue() == 0, "skipped: this test needs a small filesystem of its " +
            "own, and mounting a tmpfs is not permitted here (run as root with CAP_SYS_ADMIN): " + output.trim());
        return new SmallFilesystem(dir);
    }

    /** @return the mount point. */
    Path path()
    {
        return mountPoint;
    }

    /** Takes every free byte with the filler file. */
    void fill() throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND))
        {
            while (true)
            {
                zeros.clear();
                out.write(zeros);
            }
        }
        catch (final IOException full)
        {
            // the filesystem is full now
        }
    }

    /** Gives the filler's space back. */
    void free() throws IOException
    {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException
    {
        final Process umount = new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true)
            .start();
        try
        {
            umount.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
