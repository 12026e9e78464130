package io.crashfree.aggregation.files;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small real filesystem for disk-full tests: a tmpfs of a given size mounted on a test directory. Where mounting
 * is not permitted (not root, no {@code CAP_SYS_ADMIN}), the test is skipped with a message saying so. A filler file
 * takes the free space on demand and gives it back.
 */
public final class SmallFilesystem implements AutoCloseable
{
    private final Path mountPoint;
    private final Path filler;

    private SmallFilesystem(final Path mountPoint)
    {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler.bin");
    }

    /**
     * Mounts a tmpfs of {@code bytes} on {@code dir} (created if needed), or skips the calling test.
     *
     * @param dir   the mount point.
     * @param bytes its size.
     * @return the mounted filesystem; close it to unmount.
     */
    public static SmallFilesystem mount(final Path dir, final long bytes) throws IOException, InterruptedException
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
    public Path path()
    {
        return mountPoint;
    }

    /** @return bytes usable now. */
    public long usableBytes() throws IOException
    {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /**
     * Takes free space with the filler file until only {@code leaveBytes} are usable (or none, when the filesystem
     * refuses sooner).
     *
     * @param leaveBytes bytes to leave usable.
     */
    public void fillLeaving(final long leaveBytes) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND))
        {
            long toWrite = usableBytes() - leaveBytes;
            while (toWrite > 0)
            {
                zeros.clear().limit((int)Math.min(zeros.capacity(), toWrite));
                try
                {
                    toWrite -= out.write(zeros);
                }
                catch (final IOException full)
                {
                    return;
                }
            }
        }
    }

    /** Gives the filler's space back. */
    public void free() throws IOException
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
