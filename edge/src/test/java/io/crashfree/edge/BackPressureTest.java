package io.crashfree.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full live table is back-pressure, not a crash: the edge answers {@code 503} with a detail, keeps serving, folds
 * nothing of a refused envelope, and accepts again once the flusher has moved quiet buckets out.
 */
@Timeout(60)
class BackPressureTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldAnswer503WhenTheLiveTableIsFullAndRecover() throws Exception
    {
        final Map<String, String> settings = Map.of(
            "aggregation.live.capacity", "16",
            "aggregation.live.max.fill", "0.5",
            "aggregation.flush.quiet.seconds", "2",
            "aggregation.flush.interval.ms", "100");
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, settings);
            RawHttp http = new RawHttp(node.port()))
        {
            final String started = Instant.now().minusSeconds(600).toString();
            int accepted = 0;
            RawHttp.Response refused = null;
            for (int i = 0; i < 64 && refused == null; i++)
            {
                final RawHttp.Response r = http.exchange(post(started, "release-" + i));
                if (r.status() == 200)
                {
                    accepted++;
                }
                else
                {
                    refused = r;
                }
            }
            assertTrue(refused != null, "the table never filled");
            assertEquals(503, refused.status());
            assertTrue(refused.body().contains("failed to queue envelope"), refused.body());
            assertEquals(8, accepted, "half of 16 records may hold data");
            assertEquals(200, http.exchange(RawHttp.request("GET", "/health", new String[0], null)).status());
            assertEquals(8, node.aggregation().table().liveRecords(), "a refused envelope folds nothing");

            final long deadline = System.nanoTime() + 30_000_000_000L;
            int status;
            do
            {
                Thread.sleep(100);
                status = http.exchange(post(started, "release-late")).status();
            }
            while (status != 200 && System.nanoTime() < deadline);
            assertEquals(200, status, "accepts again once quiet buckets are flushed");
        }
    }

    private static byte[] post(final String started, final String release)
    {
        final String envelope = "{}\n{\"type\":\"session\"}\n{\"sid\":\"s-" + release + "\",\"init\":true,\"started\":\"" +
            started + "\",\"attrs\":{\"release\":\"" + release + "\"}}\n";
        return RawHttp.request("POST", "/api/42/envelope/",
            new String[] { "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42 }, utf8(envelope));
    }
}
