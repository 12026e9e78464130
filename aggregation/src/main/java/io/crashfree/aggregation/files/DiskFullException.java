package io.crashfree.aggregation.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A file could not be allocated (or grown) on disk: too little space where it lives. The message is one line that
 * names the file, the bytes it needs and the bytes usable there.
 */
public final class DiskFullException extends UncheckedIOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final long neededBytes;
    private final long usableBytes;

    /**
     * @param path        the file.
     * @param neededBytes bytes it needs (beyond what it already has on disk).
     * @param usableBytes bytes usable on its filesystem.
     * @param cause       the failed write, or null when refused before writing.
     */
    public DiskFullException(final Path path, final long neededBytes, final long usableBytes, final IOException cause)
    {
        this(path, neededBytes, usableBytes, null, cause);
    }

    /**
     * @param path        the file or directory.
     * @param neededBytes bytes it needs.
     * @param usableBytes bytes usable on its filesystem.
     * @param detail      what the bytes are for, following them ({@code "to grow"}), or null.
     * @param cause       the failed write, or null when refused before writing.
     */
    public DiskFullException(final Path path, final long neededBytes, final long usableBytes, final String detail,
        final IOException cause)
    {
        super("not enough disk space for " + path + ": it needs " + DiskSpace.describe(neededBytes) +
            (detail == null ? "" : " " + detail) + ", " + DiskSpace.describe(usableBytes) +
            " usable on its filesystem", cause == null ? new IOException("no space left on device") : cause);
        this.path = path;
        this.neededBytes = neededBytes;
        this.usableBytes = usableBytes;
    }

    /** @return the file that could not be allocated. */
    public Path path()
    {
        return path;
    }

    /** @return the bytes it needs. */
    public long neededBytes()
    {
        return neededBytes;
    }

    /** @return the bytes that were usable. */
    public long usableBytes()
    {
        return usableBytes;
    }
}
