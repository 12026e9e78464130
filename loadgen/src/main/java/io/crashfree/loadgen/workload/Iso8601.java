package io.crashfree.loadgen.workload;

/**
 * Formats epoch milliseconds as RFC 3339 UTC with milliseconds, {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, straight into a
 * byte array (years 0000 to 9999), as the SDKs write {@code started} and {@code timestamp}.
 */
public final class Iso8601
{
    /** Bytes of one timestamp. */
    public static final int LENGTH = 24;

    private Iso8601()
    {
    }

    /**
     * @param epochMs a time.
     * @param dst     destination.
     * @param offset  where the {@link #LENGTH} bytes go.
     */
    public static void write(final long epochMs, final byte[] dst, final int offset)
    {
        final long days = Math.floorDiv(epochMs, 86_400_000L);
        final long msOfDay = Math.floorMod(epochMs, 86_400_000L);
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long doe = z - era * 146_097;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final long day = doy - (153 * mp + 2) / 5 + 1;
        final long month = mp < 10 ? mp + 3 : mp - 9;
        final long year = yoe + era * 400 + (month <= 2 ? 1 : 0);

        digits(dst, offset, year, 4);
        dst[offset + 4] = '-';
        digits(dst, offset + 5, month, 2);
        dst[offset + 7] = '-';
        digits(dst, offset + 8, day, 2);
        dst[offset + 10] = 'T';
        digits(dst, offset + 11, msOfDay / 3_600_000, 2);
        dst[offset + 13] = ':';
        digits(dst, offset + 14, msOfDay / 60_000 % 60, 2);
        dst[offset + 16] = ':';
        digits(dst, offset + 17, msOfDay / 1000 % 60, 2);
        dst[offset + 19] = '.';
        digits(dst, offset + 20, msOfDay % 1000, 3);
        dst[offset + 23] = 'Z';
    }

    /**
     * @param epochMs a time.
     * @return it formatted (tests and reports).
     */
    public static String format(final long epochMs)
    {
        final byte[] b = new byte[LENGTH];
        write(epochMs, b, 0);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void digits(final byte[] dst, final int offset, final long value, final int count)
    {
        long v = value;
        for (int i = count - 1; i >= 0; i--)
        {
            dst[offset + i] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
    }
}
