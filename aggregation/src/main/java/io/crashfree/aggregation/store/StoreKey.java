package io.crashfree.aggregation.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The key of a stored aggregate: project, resolution (bucket width), bucket start, release hash, environment hash.
 * Ordered in that sequence so that one project's buckets of one resolution over a time range are a contiguous
 * range of the store's key index.
 *
 * @param project     project id.
 * @param widthSec    bucket width in seconds (60 for fine buckets, 3600 for hourly roll-ups).
 * @param bucketSec   bucket start, epoch seconds.
 * @param release     release hash.
 * @param environment environment hash (0 = none).
 */
public record StoreKey(long project, long widthSec, long bucketSec, long release, long environment)
    implements Comparable<StoreKey>
{
    /** Serialized size. */
    public static final int BYTES = 40;

    /** @return the serialized form (Chronicle Map's key). */
    public byte[] toBytes()
    {
        return ByteBuffer.allocate(BYTES).order(ByteOrder.BIG_ENDIAN)
            .putLong(project).putLong(widthSec).putLong(bucketSec).putLong(release).putLong(environment).array();
    }

    /**
     * @param bytes a serialized key.
     * @return the key.
     */
    public static StoreKey fromBytes(final byte[] bytes)
    {
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        return new StoreKey(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong());
    }

    @Override
    public int compareTo(final StoreKey o)
    {
        int c = Long.compare(project, o.project);
        if (c == 0)
        {
            c = Long.compare(widthSec, o.widthSec);
        }
        if (c == 0)
        {
            c = Long.compare(bucketSec, o.bucketSec);
        }
        if (c == 0)
        {
            c = Long.compare(release, o.release);
        }
        if (c == 0)
        {
            c = Long.compare(environment, o.environment);
        }
        return c;
    }
}
