package io.crashfree.aggregation.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * What a store entry held before the flusher's write into it, kept until that write completes: a process killed in
 * the middle of a Chronicle Map put tears the entry, and Chronicle's recovery drops it, which would lose every total
 * flushed into that key before. With the former value here, the open after the crash puts it back; the live record
 * whose flush was torn is still sealed and is merged again (its generation is not in the restored value), so nothing
 * acknowledged is lost and nothing counts twice. One writer (the flusher), one entry at a time.
 * <p>
 * A plain file written with positional writes (the page cache keeps it across {@code kill -9}, like the mapped files):
 *
 * <pre>
 *  0   int   state: 0 = nothing pending, 1 = a write of the key below is in progress
 *  4   int   key length k
 *  8   int   former value length v, -1 = the key had no value
 *  12  int   CRC32C of the key and the former value
 *  16  k     key bytes
 *  16+k v    former value bytes
 * </pre>
 * The record is written with state 0, then the state set to 1, so a crash while recording leaves nothing pending.
 */
final class UndoJournal implements AutoCloseable
{
    private static final int HEADER_BYTES = 16;
    private static final int PENDING = 1;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer state = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    /** A write found in progress at open: the key and what it held before (null when it had nothing). */
    record Pending(byte[] key, byte[] before)
    {
    }

    UndoJournal(final Path path)
    {
        this.path = path;
        try
        {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the store's undo journal " + path, ex);
        }
    }

    /**
     * @return the write a crash interrupted, or null; a record that fails its checksum was being recorded, not
     *         written, and is ignored.
     */
    Pending pending()
    {
        try
        {
            if (channel.size() < HEADER_BYTES)
            {
                return null;
            }
            final ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(h, 0);
            h.flip();
            if (h.getInt(0) != PENDING)
            {
                return null;
            }
            final int keyLength = h.getInt(4);
            final int valueLength = h.getInt(8);
            if (keyLength <= 0 || keyLength > 1 << 16 || valueLength < -1 ||
                HEADER_BYTES + (long)keyLength + Math.max(0, valueLength) > channel.size())
            {
                return null;
            }
            final ByteBuffer body = ByteBuffer.allocate(keyLength + Math.max(0, valueLength));
            channel.read(body, HEADER_BYTES);
            final CRC32C check = new CRC32C();
            check.update(body.array(), 0, body.capacity());
            if ((int)check.getValue() != h.getInt(12))
            {
                return null;
            }
            final byte[] key = new byte[keyLength];
            System.arraycopy(body.array(), 0, key, 0, keyLength);
            byte[] before = null;
            if (valueLength >= 0)
            {
                before = new byte[valueLength];
                System.arraycopy(body.array(), keyLength, before, 0, valueLength);
            }
            return new Pending(key, before);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the store's undo journal " + path, ex);
        }
    }

    /**
     * Records what a key holds before a write into it.
     *
     * @param key    the key's bytes.
     * @param before its serialized value, or null when it has none.
     */
    void begin(final byte[] key, final byte[] before)
    {
        try
        {
            crc.reset();
            crc.update(key);
            if (before != null)
            {
                crc.update(before);
            }
            header.clear();
            header.putInt(0).putInt(key.length).putInt(before == null ? -1 : before.length).putInt((int)crc.getValue());
            header.flip();
            writeFully(header, 0);
            writeFully(ByteBuffer.wrap(key), HEADER_BYTES);
            if (before != null)
            {
                writeFully(ByteBuffer.wrap(before), HEADER_BYTES + key.length);
            }
            setState(PENDING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the store's undo journal " + path, ex);
        }
    }

    /** The write recorded by {@link #begin} completed. */
    void end()
    {
        try
        {
            setState(0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the store's undo journal " + path, ex);
        }
    }

    private void setState(final int value) throws IOException
    {
        state.clear();
        state.putInt(value).flip();
        writeFully(state, 0);
    }

    private void writeFully(final ByteBuffer buffer, final long position) throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            at += channel.write(buffer, at);
        }
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close the store's undo journal " + path, ex);
        }
    }
}
