package io.crashfree.bench.report;

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
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report driver on a tiny JMH subset, in this JVM ({@code --forks 0}) and in {@code --quick} mode: the blocks it
 * writes carry the quick-run label, the command, the cores, the date and a figure, and nothing outside them changes.
 * (The figures of such a run mean nothing and are never checked against anything.)
 */
@Timeout(60)
class BenchmarkReportTest
{
    static
    {
        // JMH refuses to run while another JMH run on this machine holds its lock; a smoke run measures nothing, so it
        // may run beside one. Set before JMH's Runner class is loaded, which reads it once.
        System.setProperty("jmh.ignoreLock", "true");
    }

    private static final String PROSE_BEFORE = "# Benchmarks\n\nHand-written: why the target is missed.\n\n";
    private static final String FOLD_BLOCK = "<!-- generated:fold begin -->\nfold figures by hand\n" +
        "<!-- generated:fold end -->\n";
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC");

    @TempDir
    Path dir;

    @Test
    void shouldWriteQuickBlocksWithCommandCoresDateAndFigures() throws Exception
    {
        final Path file = dir.resolve("BENCHMARKS.md");
        final String document = PROSE_BEFORE +
            "<!-- generated:decode begin -->\nold decode table\n<!-- generated:decode end -->\n\n" +
            "Decode analysis, by hand.\n\n" + FOLD_BLOCK + "\n" +
            "<!-- generated:filters begin -->\nold filter table\n<!-- generated:filters end -->\nThe end.\n";
        Files.writeString(file, document);
        final ReportOptions options = ReportOptions.parse("--only", "filters,decode", "--quick", "--forks", "0",
            "--benchmarks", "reusedNonBlockingParser|crawlerByteMatcher", "--out", file.toString());
        assertEquals(List.of(Section.DECODE, Section.FILTERS), options.sections(), "run in the document's order");
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();

        final Map<Section, String> blocks =
            new BenchmarkReport(options, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

        final String written = Files.readString(file);
        assertEquals(List.of(Section.DECODE, Section.FILTERS), List.copyOf(blocks.keySet()));
        for (final Map.Entry<Section, String> e : blocks.entrySet())
        {
            final String block = e.getValue();
            final String id = e.getKey().id();
            assertTrue(written.contains(GeneratedBlocks.begin(id) + "\n" + block + GeneratedBlocks.end(id)), id);
            assertTrue(block.startsWith(BenchmarkReport.QUICK_LABEL), id + " is labelled a quick run:\n" + block);
            assertTrue(block.contains("`bin/crashfree bench report --only " + id + " --quick --forks 0 --benchmarks " +
                "'reusedNonBlockingParser|crawlerByteMatcher'`"), id + " has its command:\n" + block);
            assertTrue(block.contains("-prof gc -f 0 -wi 1 -w 100ms -i 1 -r 100ms`"), id + " has JMH's:\n" + block);
            final int cores = Runtime.getRuntime().availableProcessors();
            assertTrue(block.contains("`Runtime.availableProcessors()` = " + cores), id + " has the cores:\n" + block);
            assertTrue(block.contains("`nproc` = "), id + " has nproc:\n" + block);
            assertTrue(block.contains("Java " + System.getProperty("java.version")), id + " has Java:\n" + block);
            assertTrue(DATE.matcher(block).find(), id + " has the date:\n" + block);
            assertTrue(block.contains("load average "), id + " has the load average:\n" + block);
        }
        assertTrue(Pattern.compile("\\| `JsonParserChoiceBenchmark\\.reusedNonBlockingParser`[^|]*\\| [0-9][0-9,.]* ns")
            .matcher(blocks.get(Section.DECODE)).find(), "a time per operation:\n" + blocks.get(Section.DECODE));
        assertTrue(Pattern.compile("\\| `FilterChainBenchmark\\.crawlerByteMatcher`[^|]*\\| [0-9][0-9,.]* ns \\|")
            .matcher(blocks.get(Section.FILTERS)).find(), "a p50:\n" + blocks.get(Section.FILTERS));
        assertTrue(Pattern.compile("\\| (0 B|~0 B \\([0-9.]+\\)|[0-9][0-9,.]* B) \\|")
            .matcher(blocks.get(Section.DECODE)).find(), "allocation per operation from -prof gc:\n" +
            blocks.get(Section.DECODE));

        assertTrue(written.startsWith(PROSE_BEFORE), "prose before the blocks is kept");
        assertTrue(written.contains("<!-- generated:decode end -->\n\nDecode analysis, by hand.\n\n" + FOLD_BLOCK),
            "prose between blocks and the block of a section not run are kept:\n" + written);
        assertTrue(written.endsWith("<!-- generated:filters end -->\nThe end.\n"), written);
        assertTrue(!written.contains("old decode table") && !written.contains("old filter table"), written);
    }

    @Test
    void shouldRefuseBeforeRunningAnythingWhenASectionHasNoBlock() throws Exception
    {
        final Path file = dir.resolve("BENCHMARKS.md");
        Files.writeString(file, PROSE_BEFORE + FOLD_BLOCK);
        final ReportOptions options = ReportOptions.parse("--only", "fold,filters", "--quick", "--forks", "0",
            "--out", file.toString());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new BenchmarkReport(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run());
        assertTrue(ex.getMessage().contains("section filters has no generated block"), ex.getMessage());
        assertEquals(PROSE_BEFORE + FOLD_BLOCK, Files.readString(file), "the document is left as it was");
    }

    @Test
    void shouldNameBadOptions()
    {
        final String[][] rows = {
            {"--only", "fold,nothing", "--only: unknown section nothing"},
            {"--forks", "-1", "--forks must be a whole number from 0 to 100"},
            {"--benchmarks", "(", "--benchmarks is not a regex"},
            {"--bogus", "1", "unknown option: --bogus"},
            {"--only", "e2e", "--node-jar is required for the e2e section"},
            {"--out", null, "--out needs a value"},
        };
        for (final String[] row : rows)
        {
            final String[] args = row[1] == null ? new String[] {row[0]} : new String[] {row[0], row[1]};
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ReportOptions.parse(args));
            assertTrue(ex.getMessage().contains(row[2]), String.join(" ", args) + " -> " + ex.getMessage());
        }
    }
}
