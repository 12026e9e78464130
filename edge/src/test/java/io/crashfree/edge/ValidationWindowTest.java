package io.crashfree.edge;

import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.store.AggregateValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The window of {@code started} is one key and one check ({@code validation.started.*}, reloadable): widening it
 * while the node runs makes older sessions count, with no second, stale window in the aggregation side.
 */
class ValidationWindowTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldCountOlderSessionsOnceTheWindowIsWidenedWhileRunning() throws Exception
    {
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir,
            Map.of("validation.started.max.age.seconds", "86400"));
            RawHttp http = new RawHttp(node.port()))
        {
            final String tenDaysAgo = Instant.now().minus(10, ChronoUnit.DAYS).toString();
            assertEquals(200, http.exchange(ProjectIsolationTest.post(42, TestNodes.KEY_42,
                ProjectIsolationTest.session("old-1", "u1", tenDaysAgo, true, "ok", "window@1"))).status());
            assertEquals(0, sessions(node), "outside the one-day window: dropped by validation");

            assertNull(node.reloadFilters(Map.of("validation.started.max.age.seconds", String.valueOf(20 * 86_400))));
            // The flusher maps the wider window's exactly-once days at once; until it has, a crash there is a 503
            // with Retry-After (never counted without its exactly-once check).
            int status = 0;
            for (int attempt = 0; attempt < 50 && status != 200; attempt++)
            {
                status = http.exchange(ProjectIsolationTest.post(42, TestNodes.KEY_42,
                    ProjectIsolationTest.session("old-2", "u2", tenDaysAgo, true, "crashed", "window@1"))).status();
                if (status == 503)
                {
                    Thread.sleep(100);
                }
            }
            assertEquals(200, status);
            assertEquals(1, sessions(node), "inside the widened window: counted");
            assertEquals(0, node.aggregation().sink().droppedOutsideWindow(), "no second window dropped it");
        }
    }

    private static long sessions(final CrashfreeNode node)
    {
        final AggregateValue total = new AggregateValue();
        node.aggregation().view().read(42, AggregationSettings.COARSE_WIDTH_SEC, 0, Long.MAX_VALUE,
            System.currentTimeMillis()).values().forEach(total::merge);
        return total.sessions();
    }
}
