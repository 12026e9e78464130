package io.crashfree.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * This data directory's writer id and its epochs, kept in {@code <node.data.dir>/cluster/}.
 * <ul>
 *   <li>{@code writer-id}: a random UUID made at the directory's first start in cluster mode. The writer is the data
 *       directory, not the process: a restart continues the same cumulative state (it survived in the live files and
 *       the store), so it must publish under the same id. A copy of a data directory is the same writer: never run
 *       two.</li>
 *   <li>{@code epoch}: the highest epoch this writer may have used. Epochs are handed out from a block reserved ahead
 *       (written, forced, renamed into place before the first epoch of the block is used), so a restart, after
 *       {@code kill -9} too, starts above every epoch the previous run may have published. One forced write per
 *       {@value #BLOCK} cycles.</li>
 * </ul>
 * Flusher thread only (epochs); the id is immutable.
 */
public final class WriterIdentity
{
    /** Epochs reserved per write of the epoch file (at one cycle a second: 18 hours). */
    public static final long BLOCK = 65_536;
    static final String DIR = "cluster";
    private static final String ID_FILE = "writer-id";
    private static final String EPOCH_FILE = "epoch";

    private final Path dir;
    private final UUID id;
    private long nextEpoch;
    private long reservedThrough;

    private WriterIdentity(final Path dir, final UUID id, final long reservedThrough)
    {
        this.dir = dir;
        this.id = id;
        this.nextEpoch = reservedThrough + 1;
        this.reservedThrough = reservedThrough;
    }

    /**
     * Opens (or makes) the identity of a data directory.
     *
     * @param dataDir the node's data directory.
     * @return the identity, its next epoch above every one used before.
     */
    public static WriterIdentity open(final Path dataDir)
    {
        final Path dir = dataDir.resolve(DIR);
        try
        {
            Files.createDirectories(dir);
            final Path idFile = dir.resolve(ID_FILE);
            final UUID id;
            if (Files.exists(idFile))
            {
                final String text = Files.readString(idFile, StandardCharsets.US_ASCII).trim();
                try
                {
                    id = UUID.fromString(text);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalStateException("the cluster writer id in " + idFile + " is damaged (\"" + text +
                        "\"): restore it, or delete " + dir + " only if this node's data never reached the topic");
                }
            }
            else
            {
                id = UUID.randomUUID();
                writeAtomically(dir, ID_FILE, id.toString() + "\n");
            }
            final Path epochFile = dir.resolve(EPOCH_FILE);
            long reserved = 0;
            if (Files.exists(epochFile))
            {
                final String text = Files.readString(epochFile, StandardCharsets.US_ASCII).trim();
                try
                {
                    reserved = Long.parseLong(text);
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalStateException("the cluster epoch file " + epochFile + " is damaged (\"" + text +
                        "\"): write a number above every epoch this node published (its time in ms is safe)");
                }
            }
            return new WriterIdentity(dir, id, reserved);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the cluster identity in " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** @return the writer id. */
    public UUID id()
    {
        return id;
    }

    /**
     * @return the next epoch, above every epoch this directory handed out before (in this run or an earlier one).
     * @throws UncheckedIOException when the next block cannot be reserved on disk (nothing is handed out then).
     */
    public long nextEpoch()
    {
        if (nextEpoch > reservedThrough)
        {
            final long through = reservedThrough + BLOCK;
            try
            {
                writeAtomically(dir, EPOCH_FILE, through + "\n");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot reserve cluster epochs in " + dir + ": " + ex.getMessage(), ex);
            }
            reservedThrough = through;
        }
        return nextEpoch++;
    }

    private static void writeAtomically(final Path dir, final String name, final String content) throws IOException
    {
        final Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ))
        {
            d.force(true); // the rename itself
        }
    }
}
