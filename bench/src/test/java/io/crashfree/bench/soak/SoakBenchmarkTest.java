package io.crashfree.bench.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak driver end to end with the node in-process and a few seconds of load: it probes the maximum, runs open
 * loop at half of it with three projects, mixed SDKs, aggregates and long sessions, writes a row per period from the
 * load generator's counts and the node's {@code /metrics}, verifies, and writes the report. (The figures of such a
 * run mean nothing; the shape and the verification do.)
 */
@Timeout(120)
class SoakBenchmarkTest
{
    @TempDir
    Path dir;

    @Test
    void shouldProbeRunRowsVerifyAndReport() throws Exception
    {
        final Path json = dir.resolve("soak.json");
        final SoakOptions options = SoakOptions.parse("--in-process", "--config", "../conf/crashfree.properties",
            "--minutes", "0.1", "--row-seconds", "2", "--probe-seconds", "3", "--users", "50", "--releases", "5",
            "--entries", "5", "--session-length", "0..2", "--connections", "4", "--json", json.toString());
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final SoakResult r = new SoakBenchmark(options, new PrintStream(text, true, StandardCharsets.UTF_8)).run();
        final String printed = text.toString(StandardCharsets.UTF_8);

        assertTrue(r.probedMaxRate() > 0, printed);
        assertEquals(Math.max(1, Math.floor(r.probedMaxRate() / 2)), r.rate(), "half the probed maximum");
        assertTrue(r.rows().size() >= 3, "a row every 2 s of 6 s: " + r.rows().size() + "\n" + printed);
        double seconds = 0;
        for (final SoakRow row : r.rows())
        {
            assertEquals(r.rate(), row.offeredPerSecond());
            assertTrue(row.answered() > 0, "answers in row " + row.index());
            assertEquals(row.refused(), row.refused429() + row.refused503() + (row.refused() - row.refused429() -
                row.refused503()));
            assertFalse(Double.isNaN(row.node().liveKeys()), "the node's metrics were read: " + row.node());
            assertFalse(Double.isNaN(row.nodeErrors()), "errors counted per row");
            assertEquals(-1, row.node().rssBytes(), "no RSS of its own for an in-process node");
            seconds += row.toSeconds() - row.fromSeconds();
        }
        assertEquals(6, seconds, 1.5, "the rows cover the load");
        long answered = 0;
        for (final SoakRow row : r.rows())
        {
            answered += row.answered();
        }
        assertEquals(r.run().ok() + r.run().rejected(), answered, "every answer in exactly one row");
        assertTrue(r.run().truth().keys(1).size() > 0 && r.run().truth().keys(3).size() > 0, "three projects");
        assertTrue(r.verified(), r.verifySummary() + "\n" + printed);
        assertTrue(printed.contains("soak: verify OK"), printed);
        final String report = Files.readString(json);
        assertTrue(report.contains("\"rows\"") && report.contains("\"verified\" : true") &&
            report.contains("\"liveMemoryBudgetBytes\" : 1.073741824E9"), report);

        final String markdown = io.crashfree.bench.report.SoakSectionAccess.render(r);
        assertTrue(markdown.contains("| seconds | offered req/s | achieved (200) req/s | refused: 429 / 503 |"),
            markdown);
        assertTrue(!markdown.contains("n/a (n/a)"), "the node exports its live memory: " + markdown);
        assertTrue(markdown.contains("Verify: OK"), markdown);
        assertTrue(markdown.contains("Rate: the node's maximum was"), markdown);
    }

    @Test
    void shouldDefaultToTheIssuesSoakAndNameBadOptions()
    {
        final SoakOptions o = SoakOptions.parse("--node-jar", "x.jar");
        assertEquals(10, o.minutes());
        assertEquals(60, o.rowSeconds());
        assertEquals(20, o.probeSeconds());
        assertEquals(3, o.projects());
        assertEquals(200, o.releases());
        assertEquals(1_000_000, o.users());
        assertEquals("60..1800", o.sessionLength());
        assertEquals("java:0.5,node:0.5", o.sdk());
        assertEquals(0.2, o.aggregateShare());
        assertEquals(SoakOptions.DEFAULT_MIX, o.mix());
        final SoakOptions quick = SoakOptions.parse("--node-jar", "x.jar", "--quick");
        assertTrue(quick.seconds() + quick.probeSeconds() <= 60, "a quick run loads the node for a minute at most");
        assertEquals(12, quick.rowSeconds());
        final String[][] rows = {
            {"--minutes", "0", "--minutes must be between"},
            {"--projects", "x", "--projects must be a whole number: x"},
            {"--bogus", "1", "unknown option: --bogus"},
            {"--minutes", "5", "--node-jar is required"},
        };
        for (final String[] row : rows)
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> SoakOptions.parse(row[0], row[1]));
            assertTrue(ex.getMessage().contains(row[2]), String.join(" ", row) + " -> " + ex.getMessage());
        }
    }
}
