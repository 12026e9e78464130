package io.crashfree.loadgen;

import io.crashfree.loadgen.verify.SessionsAnswer;
import io.crashfree.loadgen.verify.SessionsQuery;
import io.crashfree.loadgen.verify.Verifier;
import io.crashfree.loadgen.verify.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --verify} when the run has more groups than one sessions-API page holds (5,000): 400 releases × 3
 * environments × 5 statuses = 6,000 groups against a real node over HTTP must verify, every group compared. (Before
 * the verifier asked in release batches it reported some 1,800 false differences here: the node cuts an answer at
 * 5,000 / intervals groups without a {@code Link} to the rest.)
 */
@Timeout(120)
class VerifyPagingTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldVerifyARunWithMoreGroupsThanOnePage() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of("aggregation.live.memory.megabytes", "32",
            "aggregation.names.capacity", "2048")))
        {
            final RunResult r = Loadgen.run(LoadgenOptions.parse("--dsn", node.dsn(), "--sdk", "node", "--releases",
                "400", "--zipf", "0", "--environments", "production,staging,qa", "--users", "50", "--count",
                "12000", "--connections", "16", "--seed", "11", "--json", "-", "--quiet", "--duration", "60",
                "--token", LocalNode.TOKEN), null);
            assertEquals(12_000, r.ok(), "every request answered 200");
            assertTrue(r.truth().keys().size() * 5 > 5000, "more status groups than one page: " +
                r.truth().keys().size() * 5);
            final VerifyReport report = Loadgen.verify(r);
            assertTrue(report.ok(), report.text());
            assertEquals(r.truth().keys().size() * 12, report.checked(), "every group compared");

            // A batch sized on a wrong guess (1 group per release instead of 15) comes back full and is asked again
            // in halves until every group fits.
            final SessionsQuery query = new SessionsQuery("127.0.0.1", node.node.port(), "crashfree", LocalNode.TOKEN,
                Duration.ofSeconds(30));
            final SessionsAnswer all = query.fetchReleases(42, List.of(Verifier.SESSIONS),
                List.of("release", "environment", "session.status"), r.options().workload().releases(), 1,
                r.wallStartMs() - 60_000, r.wallEndMs() + 60_000);
            assertEquals(r.truth().keys().size() * 5, all.groups().size(), "every status group, once");
        }
    }
}
