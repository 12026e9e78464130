package io.crashfree.errors.forward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream's rate limits and retry waits, one row per case, and DSN parsing as the SDKs parse it.
 */
class UpstreamTargetTest
{
    private static final long NOW = 1_000_000;

    @Test
    void shouldHonourRateLimitsPerCategoryAndRetryAfterForAll()
    {
        final Object[][] rows = {
            // X-Sentry-Rate-Limits, Retry-After, 429?, category asked, expected limited-until (0 = free), all-blocked
            { "60:error:key", null, true, "error", NOW + 60_000, 0L },
            { "60:error:key", null, true, "transaction", 0L, 0L },
            { "60:error;transaction:key, 120::organization", null, true, "attachment", 0L, NOW + 120_000 },
            { "30:error:project:usage_exceeded", "999", true, "error", NOW + 30_000, 0L },
            { null, "7", true, "error", 0L, NOW + 7_000 },
            { null, null, true, "error", 0L, NOW + UpstreamTarget.DEFAULT_RETRY_AFTER_MS },
            { null, "Wed, 21 Oct 2015 07:28:00 GMT", true, "error", 0L, NOW + UpstreamTarget.DEFAULT_RETRY_AFTER_MS },
            { "10:error:key", null, false, "error", NOW + 10_000, 0L },
            { null, "7", false, "error", 0L, 0L },
            { "garbage, x:error:key", null, true, "error", 0L, 0L },
        };
        for (final Object[] row : rows)
        {
            final UpstreamTarget t = new UpstreamTarget(1, UpstreamDsn.parse("http://k@h/1"), 60_000);
            t.onRateLimits((String)row[0], (String)row[1], (Boolean)row[2], NOW);
            final String what = row[0] + " / " + row[1] + " / " + row[3];
            assertEquals((long)row[4], t.categoryLimitedUntilMs((String)row[3], NOW), what);
            assertEquals((long)row[5], t.blockedUntilMs(), what);
        }
    }

    @Test
    void shouldDoubleTheWaitAfterEachFailureUpToTheMaximum()
    {
        final UpstreamTarget t = new UpstreamTarget(1, UpstreamDsn.parse("http://k@h/1"), 5_000);
        final long[] expected = { 1000, 2000, 4000, 5000, 5000 };
        for (final long wait : expected)
        {
            t.onFailure(NOW);
            assertEquals(NOW + wait, t.blockedUntilMs());
        }
        t.onSuccess();
        assertEquals(0, t.blockedUntilMs());
    }

    @Test
    void shouldParseDsnsAsTheSdksDo()
    {
        assertEquals("https://o1.ingest.example.com/api/42/envelope/",
            UpstreamDsn.parse("https://abc@o1.ingest.example.com/42").envelopeUri().toString());
        assertEquals("http://localhost:8000/glitchtip/api/3/envelope/",
            UpstreamDsn.parse(" http://abc:def@localhost:8000/glitchtip/3 ").envelopeUri().toString());
        assertTrue(UpstreamDsn.parse("http://abc@h/1").authHeader("sentry.java/8.26.0").contains("sentry_key=abc"));
        assertTrue(!UpstreamDsn.parse("http://abc@h/1").toString().contains("abc@"), "the key is never printed");
        for (final String bad : new String[] { "h/1", "ftp://k@h/1", "http://h/1", "http://k@h/", "http://k@h/p",
            "http://k@h/1?x=1", "http://k%20@h/1" })
        {
            assertThrows(IllegalArgumentException.class, () -> UpstreamDsn.parse(bad), bad);
        }
    }

    @Test
    void shouldMapItemTypesToRelaysCategories()
    {
        assertEquals("error", EnvelopeItems.category("event"));
        assertEquals("transaction", EnvelopeItems.category("transaction"));
        assertEquals("attachment", EnvelopeItems.category("attachment"));
        assertEquals("default", EnvelopeItems.category("something_new"));
    }
}
