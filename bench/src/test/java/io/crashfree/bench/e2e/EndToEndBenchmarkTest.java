package io.crashfree.bench.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark driver end to end with both servers in-process and one-second legs: every scenario runs its pairs,
 * every leg gets answers, and the report is written. (The figures of such a run mean nothing; the shape does.)
 */
@Timeout(120)
class EndToEndBenchmarkTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRunEveryScenarioInPairsAndWriteTheReport() throws Exception
    {
        final Path json = dir.resolve("e2e.json");
        final EndToEndOptions options = EndToEndOptions.parse("--in-process", "--config",
            "../conf/crashfree.properties", "--pairs", "1", "--seconds", "1", "--leg-warmup", "0",
            "--initial-warmup", "0", "--connections", "4", "--server-threads", "1", "--users", "50", "--releases", "3",
            "--json", json.toString());
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final Map<Scenario, List<EndToEndBenchmark.Leg>> legs =
            new EndToEndBenchmark(options, new PrintStream(text, true, StandardCharsets.UTF_8)).run();
        assertEquals(List.of(Scenario.values()), List.copyOf(legs.keySet()));
        for (final Map.Entry<Scenario, List<EndToEndBenchmark.Leg>> e : legs.entrySet())
        {
            assertEquals(2, e.getValue().size(), e.getKey() + ": one node leg and one ceiling leg");
            assertEquals("node", e.getValue().get(0).target());
            assertEquals("ceiling", e.getValue().get(1).target());
            for (final EndToEndBenchmark.Leg l : e.getValue())
            {
                assertTrue(l.result().ok() > 0, e.getKey() + " " + l.target() + " got answers");
                assertTrue(l.figure() > 0, e.getKey() + " " + l.target() + " has a figure");
            }
        }
        final String report = Files.readString(json);
        for (final Scenario s : Scenario.values())
        {
            assertTrue(report.contains("\"id\" : \"" + s.id() + "\""), s.id());
        }
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("median"), text.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldNameBadOptions()
    {
        final String[][] rows = {
            {"--pairs", "0", "--pairs must be between"},
            {"--scenarios", "keepalive,fast", "unknown scenario fast"},
            {"--seconds", "x", "--seconds must be a number"},
            {"--bogus", "1", "unknown option: --bogus"},
            {"--pairs", "2", "--node-jar is required"},
        };
        for (final String[] row : rows)
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> EndToEndOptions.parse(row[0], row[1]));
            assertTrue(ex.getMessage().contains(row[2]), String.join(" ", row) + " -> " + ex.getMessage());
        }
    }
}
