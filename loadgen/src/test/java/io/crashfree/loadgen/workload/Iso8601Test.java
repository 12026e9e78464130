package io.crashfree.loadgen.workload;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written timestamp formatter against {@link DateTimeFormatter} over a seeded sweep of instants.
 */
class Iso8601Test
{
    private static final DateTimeFormatter ORACLE =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void shouldFormatLikeTheJdk()
    {
        final long[] fixed = {0, 1_795_606_115_179L, 951_782_400_000L, 4_107_542_399_999L, 946_684_799_999L};
        for (final long ms : fixed)
        {
            assertEquals(ORACLE.format(Instant.ofEpochMilli(ms)), Iso8601.format(ms), "at " + ms);
        }
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++)
        {
            final long ms = random.nextLong(0, 253_402_300_799_999L);
            assertEquals(ORACLE.format(Instant.ofEpochMilli(ms)), Iso8601.format(ms), "at " + ms);
        }
    }
}
