package io.crashfree.aggregation.live;

import io.crashfree.aggregation.session.Utf8Text;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.datasketches.memory.XxHash;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The releases and environments seen per project, with first and last seen times: what the release index lists and
 * what turns the hashes in aggregate keys back into names. A lock-free open-addressing table in a mapped file.
 * <p>
 * A name is registered the first time a session carries it (CAS claims a slot, the fields are written, then the
 * slot is published with an ordered store), so it survives restarts like the aggregates do.
 *
 * <pre>
 *  slot (320 bytes): state int | kind int | project long | hash long | first seen ms | last seen ms |
 *                    length int | pad int | UTF-8 bytes [256]
 * </pre>
 */
public final class NameTable implements AutoCloseable
{
    /** Kind of a release name. */
    public static final int KIND_RELEASE = 1;
    /** Kind of an environment name. */
    public static final int KIND_ENVIRONMENT = 2;
    /** Longest name kept. */
    public static final int MAX_NAME_BYTES = 256;

    private static final int SLOT_BYTES = 320;
    private static final int STATE = 0;
    private static final int KIND = 4;
    private static final int PROJECT = 8;
    private static final int HASH = 16;
    private static final int FIRST_SEEN = 24;
    private static final int LAST_SEEN = 32;
    private static final int LENGTH = 40;
    private static final int BYTES = 48;
    private static final int EMPTY = 0;
    private static final int CLAIMING = 1;
    private static final int READY = 2;
    private static final int MAX_PROBES = 128;
    private static final long LAST_SEEN_RESOLUTION_MS = 1000;
    private static final long SEED = 0x43465F4E414D4553L;

    private final MappedFile file;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;

    /** A visitor of registered names. */
    @FunctionalInterface
    public interface NameVisitor
    {
        /**
         * @param project     project id.
         * @param kind        {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
         * @param hash        the name's hash, as aggregate keys hold it.
         * @param name        the name.
         * @param firstSeenMs first seen.
         * @param lastSeenMs  last seen.
         */
        void onName(long project, int kind, long hash, String name, long firstSeenMs, long lastSeenMs);
    }

    /**
     * @param path     the file.
     * @param capacity slots, a power of two.
     */
    public NameTable(final Path path, final int capacity)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("name table capacity must be a power of two: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.file = MappedFile.openOrCreate(path, (long)capacity * SLOT_BYTES);
        this.buffer = file.buffer();
        for (int i = 0; i < capacity; i++)
        {
            // A slot half-claimed by a process that died is reclaimed: nothing refers to it yet.
            if (buffer.getInt(i * SLOT_BYTES + STATE) == CLAIMING)
            {
                buffer.putIntVolatile(i * SLOT_BYTES + STATE, EMPTY);
            }
        }
    }

    /**
     * @param text a name's UTF-8 bytes.
     * @return its 64-bit hash, never 0 (0 means "no environment").
     */
    public static long hash(final Utf8Text text)
    {
        final long h = XxHash.hashByteArr(text.bytes(), 0, text.storedLength(), SEED);
        return h == 0 ? 1 : h;
    }

    /**
     * @param name a name.
     * @return its hash, as {@link #hash(Utf8Text)} computes it.
     */
    public static long hash(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final long h = XxHash.hashByteArr(bytes, 0, Math.min(bytes.length, MAX_NAME_BYTES), SEED);
        return h == 0 ? 1 : h;
    }

    /**
     * Registers a name (or refreshes its last-seen time).
     *
     * @param project project id.
     * @param kind    {@link #KIND_RELEASE} or {@link #KIND_ENVIRONMENT}.
     * @param hash    {@link #hash(Utf8Text)} of the name.
     * @param text    the name.
     * @param nowMs   now.
     * @return true when registered; false when the table has no room near it.
     */
    public boolean register(final long project, final int kind, final long hash, final Utf8Text text, final long nowMs)
    {
        int index = (int)(hash ^ project * 0x9E3779B97F4A7C15L ^ kind) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++)
        {
            final int off = index * SLOT_BYTES;
            int state = buffer.getIntVolatile(off + STATE);
            if (state == EMPTY)
            {
                if (buffer.compareAndSetInt(off + STATE, EMPTY, CLAIMING))
                {
                    final int length = Math.min(text.storedLength(), MAX_NAME_BYTES);
                    buffer.putInt(off + KIND, kind);
                    buffer.putLong(off + PROJECT, project);
                    buffer.putLong(off + HASH, hash);
                    buffer.putLong(off + FIRST_SEEN, nowMs);
                    buffer.putLong(off + LAST_SEEN, nowMs);
                    buffer.putInt(off + LENGTH, length);
                    buffer.putBytes(off + BYTES, text.bytes(), 0, length);
                    buffer.putIntVolatile(off + STATE, READY);
                    return true;
                }
                state = buffer.getIntVolatile(off + STATE);
            }
            while (state == CLAIMING)
            {
                // Another thread is writing this slot right now (a few stores): wait to see whose name it is.
                Thread.onSpinWait();
                state = buffer.getIntVolatile(off + STATE);
            }
            if (state == READY && buffer.getLong(off + HASH) == hash && buffer.getLong(off + PROJECT) == project &&
                buffer.getInt(off + KIND) == kind)
            {
                if (nowMs - buffer.getLong(off + LAST_SEEN) > LAST_SEEN_RESOLUTION_MS)
                {
                    buffer.putLongOrdered(off + LAST_SEEN, nowMs);
                }
                return true;
            }
            index = (index + 1) & mask;
        }
        return false;
    }

    /**
     * Looks a name up by hash.
     *
     * @return the name, or null when not registered.
     */
    public String name(final long project, final int kind, final long hash)
    {
        int index = (int)(hash ^ project * 0x9E3779B97F4A7C15L ^ kind) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++)
        {
            final int off = index * SLOT_BYTES;
            final int state = buffer.getIntVolatile(off + STATE);
            if (state == EMPTY)
            {
                return null;
            }
            if (state == READY && buffer.getLong(off + HASH) == hash && buffer.getLong(off + PROJECT) == project &&
                buffer.getInt(off + KIND) == kind)
            {
                return nameAt(off);
            }
            index = (index + 1) & mask;
        }
        return null;
    }

    /**
     * Visits every registered name.
     *
     * @param visitor receives each name.
     */
    public void forEach(final NameVisitor visitor)
    {
        for (int i = 0; i < capacity; i++)
        {
            final int off = i * SLOT_BYTES;
            if (buffer.getIntVolatile(off + STATE) == READY)
            {
                visitor.onName(buffer.getLong(off + PROJECT), buffer.getInt(off + KIND), buffer.getLong(off + HASH),
                    nameAt(off), buffer.getLong(off + FIRST_SEEN), buffer.getLongVolatile(off + LAST_SEEN));
            }
        }
    }

    private String nameAt(final int off)
    {
        final byte[] bytes = new byte[buffer.getInt(off + LENGTH)];
        buffer.getBytes(off + BYTES, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Flushes the mapping to disk. */
    public void force()
    {
        file.force();
    }

    @Override
    public void close()
    {
        file.close();
    }
}
