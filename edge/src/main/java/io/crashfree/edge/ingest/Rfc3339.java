package io.crashfree.edge.ingest;

/**
 * Parses RFC 3339 timestamps ({@code 2026-11-25T11:28:35.179Z}, {@code …+02:00}, no offset means UTC) from a
 * parser's character window into epoch milliseconds, without allocating.
 */
public final class Rfc3339
{
    /** Returned for text that is not a valid timestamp. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final int[] DAYS_IN_MONTH = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    private Rfc3339()
    {
    }

    /**
     * @param c      characters.
     * @param offset first character.
     * @param length number of characters.
     * @return epoch milliseconds, or {@link #INVALID}.
     */
    public static long parseMillis(final char[] c, final int offset, final int length)
    {
        if (length < 19)
        {
            return INVALID;
        }
        final int p = offset;
        final int end = offset + length;
        final int year = digits(c, p, 4);
        final int month = digits(c, p + 5, 2);
        final int day = digits(c, p + 8, 2);
        final int hour = digits(c, p + 11, 2);
        final int minute = digits(c, p + 14, 2);
        final int second = digits(c, p + 17, 2);
        final char t = c[p + 10];
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
            second < 0 || second > 60 || c[p + 4] != '-' || c[p + 7] != '-' || c[p + 13] != ':' || c[p + 16] != ':' ||
            (t != 'T' && t != 't' && t != ' '))
        {
            return INVALID;
        }
        final boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        final int maxDay = month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
        if (day > maxDay)
        {
            return INVALID;
        }

        int i = p + 19;
        int millis = 0;
        if (i < end && c[i] == '.')
        {
            i++;
            final int fractionStart = i;
            int scale = 100;
            while (i < end && c[i] >= '0' && c[i] <= '9')
            {
                millis += (c[i] - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == fractionStart)
            {
                return INVALID;
            }
        }

        int offsetSeconds = 0;
        if (i < end)
        {
            final char z = c[i];
            if ((z == 'Z' || z == 'z') && i + 1 == end)
            {
                offsetSeconds = 0;
            }
            else if ((z == '+' || z == '-') && i + 6 == end && c[i + 3] == ':')
            {
                final int oh = digits(c, i + 1, 2);
                final int om = digits(c, i + 4, 2);
                if (oh < 0 || oh > 23 || om < 0 || om > 59)
                {
                    return INVALID;
                }
                offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
            }
            else
            {
                return INVALID;
            }
        }

        final long days = daysFromCivil(year, month, day);
        final long seconds = days * 86_400L + hour * 3600L + minute * 60L + Math.min(second, 59) - offsetSeconds;
        return seconds * 1000L + millis;
    }

    private static int digits(final char[] c, final int from, final int count)
    {
        int v = 0;
        for (int i = from; i < from + count; i++)
        {
            final int d = c[i] - '0';
            if (d < 0 || d > 9)
            {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    private static long daysFromCivil(final int year, final int month, final int day)
    {
        final int y = month <= 2 ? year - 1 : year;
        final int era = Math.floorDiv(y, 400);
        final int yoe = y - era * 400;
        final int mp = (month + 9) % 12;
        final int doy = (153 * mp + 2) / 5 + day - 1;
        final int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }
}
