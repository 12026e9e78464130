package io.crashfree.aggregation.session;

/**
 * The histogram of terminal session durations every aggregate key keeps: half-octave buckets of 256 ms. Bucket 0
 * holds [0, 256 ms), then two buckets per doubling, up to about 3.3 hours (longer durations land in the last bucket;
 * the maximum is kept exactly beside the histogram).
 */
public final class DurationHistogram
{
    /** Number of duration buckets. */
    public static final int DURATION_BUCKET_COUNT = 32;
    /** Width of the first duration bucket, ms. */
    public static final long DURATION_UNIT_MS = 256;

    private DurationHistogram()
    {
    }

    /**
     * @param durationMs a non-negative duration.
     * @return its bucket, at most {@link #DURATION_BUCKET_COUNT} - 1.
     */
    public static int durationBucket(final long durationMs)
    {
        final long units = durationMs / DURATION_UNIT_MS;
        if (units <= 0)
        {
            return 0;
        }
        final int octave = 63 - Long.numberOfLeadingZeros(units);
        final int half = octave == 0 ? 0 : (int)((units >>> (octave - 1)) & 1);
        return Math.min(1 + 2 * octave + half, DURATION_BUCKET_COUNT - 1);
    }

    /**
     * @param bucket a duration bucket.
     * @return the value that stands for the bucket (its midpoint), ms.
     */
    public static long durationBucketMidpointMs(final int bucket)
    {
        if (bucket == 0)
        {
            return DURATION_UNIT_MS / 2;
        }
        final int octave = (bucket - 1) / 2;
        final int half = (bucket - 1) % 2;
        final long unitsLow = (1L << octave) + (octave == 0 ? 0 : half * (1L << (octave - 1)));
        final long unitsWidth = octave == 0 ? 1 : 1L << (octave - 1);
        return (2 * unitsLow + unitsWidth) * DURATION_UNIT_MS / 2;
    }
}
