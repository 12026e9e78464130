package io.crashfree.cluster;

import io.crashfree.aggregation.store.AggregateValueDescriptor;
import io.crashfree.aggregation.store.StoreKey;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The records of the cluster topic: one writer's cumulative value of one aggregate key.
 * <pre>
 *  Record key (56 bytes, big-endian): compaction keeps the newest record per (bucket key, writer)
 *   0        8          16          24          32             40                 56
 *  +--------+----------+-----------+-----------+--------------+------------------+
 *  | project| width s  | bucket s  | release # | environment #| writer id (UUID) |
 *  +--------+----------+-----------+-----------+--------------+------------------+
 *  \________________ bucket key: the partition is murmur2 of these 40 bytes _____/
 *
 *  Record value (big-endian header, then the store's own value layout)
 *   0        1          9            11             11+n        13+n           13+n+m
 *  +--------+----------+------------+--------------+-----------+--------------+------------------------------+
 *  | ver 1  | epoch    | n: release | release name | m: env    | env name     | aggregate value: the store's |
 *  |        | (long)   | name bytes | (UTF-8)      | name bytes| (UTF-8, 0=no)| layout, AggregateValue-      |
 *  |        |          | (u16)      |              | (u16)     |              | Descriptor v2, 0 generations |
 *  +--------+----------+------------+--------------+-----------+--------------+------------------------------+
 * </pre>
 * The names travel with the values so that a node can name a release it never saw a session of. The user sketches
 * inside the value are DataSketches' compact images, which every node unions.
 */
public final class PartialDescriptor
{
    /** Version of the value layout. */
    public static final byte VERSION = 1;
    /** Bytes of a record key. */
    public static final int KEY_BYTES = StoreKey.BYTES + 16;
    /** Offset of the epoch in a value. */
    public static final int EPOCH_OFFSET = 1;
    /** Offset of the release name's length in a value. */
    public static final int RELEASE_LENGTH_OFFSET = 9;
    /** Longest name carried, bytes (the name table's limit). */
    public static final int MAX_NAME_BYTES = 256;

    private PartialDescriptor()
    {
    }

    /**
     * @param key    the bucket key.
     * @param writer the writer.
     * @return the record key.
     */
    public static byte[] recordKey(final StoreKey key, final UUID writer)
    {
        return ByteBuffer.allocate(KEY_BYTES).order(ByteOrder.BIG_ENDIAN).put(key.toBytes())
            .putLong(writer.getMostSignificantBits()).putLong(writer.getLeastSignificantBits()).array();
    }

    /**
     * @param epoch       the writer's epoch.
     * @param release     the release name (null: unknown to the writer).
     * @param environment the environment name (null: none or unknown).
     * @param aggregate   {@link io.crashfree.aggregation.store.AggregateValue#toBytes()} of the value.
     * @return the record value.
     */
    public static byte[] recordValue(final long epoch, final String release, final String environment,
        final byte[] aggregate)
    {
        final byte[] r = nameBytes(release);
        final byte[] e = nameBytes(environment);
        return ByteBuffer.allocate(1 + 8 + 2 + r.length + 2 + e.length + aggregate.length).order(ByteOrder.BIG_ENDIAN)
            .put(VERSION).putLong(epoch).putShort((short)r.length).put(r).putShort((short)e.length).put(e)
            .put(aggregate).array();
    }

    private static byte[] nameBytes(final String name)
    {
        if (name == null)
        {
            return new byte[0];
        }
        final byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return b.length <= MAX_NAME_BYTES ? b : java.util.Arrays.copyOf(b, MAX_NAME_BYTES);
    }

    /**
     * A decoded record.
     *
     * @param key            the bucket key.
     * @param writer         the writer.
     * @param epoch          the writer's epoch.
     * @param release        release name bytes (empty: not carried).
     * @param environment    environment name bytes (empty: none).
     * @param aggregate      the aggregate value's bytes (the store's layout).
     */
    public record Partial(StoreKey key, UUID writer, long epoch, byte[] release, byte[] environment,
        byte[] aggregate)
    {
    }

    /**
     * Decodes a record; malformed input is a null result, never an exception.
     *
     * @param key   record key.
     * @param value record value (null: a tombstone, not decoded).
     * @return the partial, or null when the record is not one.
     */
    public static Partial decode(final byte[] key, final byte[] value)
    {
        if (key == null || key.length != KEY_BYTES || value == null || value.length < RELEASE_LENGTH_OFFSET + 4 ||
            value[0] != VERSION)
        {
            return null;
        }
        final ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.BIG_ENDIAN);
        final StoreKey bucket = new StoreKey(k.getLong(), k.getLong(), k.getLong(), k.getLong(), k.getLong());
        final UUID writer = new UUID(k.getLong(), k.getLong());
        final ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN);
        v.position(EPOCH_OFFSET);
        final long epoch = v.getLong();
        final int rLength = Short.toUnsignedInt(v.getShort());
        if (rLength > MAX_NAME_BYTES || v.remaining() < rLength + 2)
        {
            return null;
        }
        final byte[] release = new byte[rLength];
        v.get(release);
        final int eLength = Short.toUnsignedInt(v.getShort());
        if (eLength > MAX_NAME_BYTES || v.remaining() < eLength)
        {
            return null;
        }
        final byte[] environment = new byte[eLength];
        v.get(environment);
        final byte[] aggregate = new byte[v.remaining()];
        v.get(aggregate);
        if (AggregateValueDescriptor.problem(bucket.toBytes(), aggregate) != null)
        {
            return null;
        }
        return new Partial(bucket, writer, epoch, release, environment, aggregate);
    }
}
