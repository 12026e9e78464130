package io.crashfree.bench.index;

import io.crashfree.bench.HelpRequested;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index benchmark's command line: defaults, the quick run, every option, and bad values named. */
class IndexOptionsTest
{
    private static final String JAR = "edge/target/node.jar";

    @Test
    void shouldDefaultToTheIssuesCase()
    {
        final IndexOptions o = IndexOptions.parse("--node-jar", JAR);
        assertEquals(1000, o.releases());
        assertEquals(14, o.days());
        assertEquals(25, o.perPage());
        assertEquals(3, o.rounds());
        assertEquals(20, o.seconds());
        assertEquals(0, o.ingestRate(), "half the probed maximum");
        assertEquals(IndexOptions.DEFAULT_SORTS, o.sorts());
        assertEquals(List.of(), o.nodeSettings());
        assertEquals("/api/0/organizations/crashfree/releases/?health=1&summaryStatsPeriod=14d&healthStatsPeriod=14d" +
            "&per_page=25&sort=sessions&project=1", o.indexPath("crashfree", "sessions"));
        assertTrue(o.json().toString().startsWith("target/index/index-"), o.json().toString());
    }

    @Test
    void shouldShrinkEverythingForAQuickRunButKeepWhatIsGiven()
    {
        final IndexOptions o = IndexOptions.parse("--node-jar", JAR, "--quick", "--rounds", "2");
        assertEquals(50, o.releases());
        assertEquals(3, o.days());
        assertEquals(2, o.rounds());
        assertEquals(3, o.seconds());
        assertTrue(o.describe().contains("--quick"), o.describe());
    }

    @Test
    void shouldTakeEveryOption()
    {
        final IndexOptions o = IndexOptions.parse("--node-jar", JAR, "--jvm-flags", " -Xmx1g  -Da=b ", "--config",
            "c.properties", "--releases", "2_000", "--days", "7", "--users", "5000", "--registered", "0",
            "--clients", "4", "--interval-ms", "0", "--seconds", "30", "--warmup-seconds", "2", "--rounds", "5",
            "--per-page", "100", "--sorts", "semver,users", "--ingest-rate", "1000", "--probe-seconds", "5",
            "--connections", "8", "--seed", "-3", "--jfr", "n.jfr", "--json", "r.json", "--node-set",
            "registry.health.cache.seconds=0", "--node-set", "query.threads=4");
        assertEquals(List.of("-Xmx1g", "-Da=b"), o.nodeJvmFlags());
        assertEquals(Path.of("c.properties"), o.config());
        assertEquals(2000, o.releases());
        assertEquals(7, o.days());
        assertEquals(5000, o.users());
        assertEquals(0, o.registered());
        assertEquals(4, o.clients());
        assertEquals(0, o.intervalMs());
        assertEquals(30, o.seconds());
        assertEquals(2, o.warmupSeconds());
        assertEquals(5, o.rounds());
        assertEquals(100, o.perPage());
        assertEquals(List.of("semver", "users"), o.sorts());
        assertEquals(1000, o.ingestRate());
        assertEquals(5, o.probeSeconds());
        assertEquals(8, o.connections());
        assertEquals(-3, o.seed());
        assertEquals(Path.of("n.jfr"), o.jfr());
        assertEquals(Path.of("r.json"), o.json());
        assertEquals(List.of("registry.health.cache.seconds=0", "query.threads=4"), o.nodeSettings());
        assertTrue(o.describe().contains("no release created through the API"), o.describe());
        assertTrue(o.describe().contains("back to back"), o.describe());
    }

    @Test
    void shouldNameTheBadOptionAndValue()
    {
        final String[][] rows = {
            { "--releases", "0", "--releases must be between 1 and 100000: 0" },
            { "--days", "29", "--days must be between 1 and 28: 29" },
            { "--per-page", "101", "--per-page must be between 1 and 100: 101" },
            { "--seconds", "x", "--seconds must be a number: x" },
            { "--sorts", "date,newest", "--sorts: unknown sort \"newest\"" },
            { "--node-set", "novalue", "--node-set must be KEY=VALUE: novalue" },
            { "--bogus", "1", "unknown option: --bogus" },
        };
        for (final String[] row : rows)
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> IndexOptions.parse("--node-jar", JAR, row[0], row[1]), row[0]);
            assertTrue(ex.getMessage().startsWith(row[2]), row[0] + ": " + ex.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IndexOptions.parse("--node-jar", JAR,
            "--rounds")).getMessage().startsWith("--rounds needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, IndexOptions::parse).getMessage()
            .contains("--node-jar is required"));
        assertTrue(assertThrows(HelpRequested.class, () -> IndexOptions.parse("--help")).getMessage()
            .startsWith("usage: bin/crashfree bench index"));
    }
}
