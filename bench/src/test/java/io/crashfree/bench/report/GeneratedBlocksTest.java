package io.crashfree.bench.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replacing generated blocks: only the text between a section's markers changes, prose and other sections' blocks
 * stay byte for byte, and a document without a section's markers is refused with a message naming the section.
 */
class GeneratedBlocksTest
{
    private static final String DOCUMENT = String.join("\n",
        "# Benchmarks",
        "",
        "## Folding",
        "",
        "Why the target is missed: two threads share a key.",
        "<!-- generated:fold begin -->",
        "| old | table |",
        "| --- | --- |",
        "| 1 | 2 |",
        "<!-- generated:fold end -->",
        "",
        "Analysis after the table, by hand.",
        "",
        "## Decoding",
        "",
        "<!-- generated:decode begin -->",
        "old decode figures",
        "<!-- generated:decode end -->",
        "Trailing prose without a blank line.",
        "");

    @Test
    void shouldReplaceTheBlockAndLeaveTheProseAroundItUntouched()
    {
        final String result = GeneratedBlocks.replace(DOCUMENT, Map.of("fold", "new figures\n| a | b |"));
        final String expected = DOCUMENT.replace("| old | table |\n| --- | --- |\n| 1 | 2 |\n",
            "new figures\n| a | b |\n");
        assertEquals(expected, result);
        assertTrue(result.contains("Why the target is missed: two threads share a key.\n<!-- generated:fold begin"));
        assertTrue(result.contains("<!-- generated:fold end -->\n\nAnalysis after the table, by hand.\n"));
    }

    @Test
    void shouldKeepTheBlocksOfSectionsNotRun()
    {
        final String result = GeneratedBlocks.replace(DOCUMENT, Map.of("fold", "new"));
        assertTrue(result.contains("<!-- generated:decode begin -->\nold decode figures\n" +
            "<!-- generated:decode end -->"), result);
        assertEquals(DOCUMENT, GeneratedBlocks.replace(DOCUMENT, Map.of()), "nothing run: nothing changes");
    }

    @Test
    void shouldReplaceSeveralBlocksAndBeRepeatable()
    {
        final Map<String, String> blocks = new LinkedHashMap<>();
        blocks.put("decode", "decode v2\n");
        blocks.put("fold", "fold v2\n");
        final String once = GeneratedBlocks.replace(DOCUMENT, blocks);
        assertEquals(once, GeneratedBlocks.replace(once, blocks), "replacing twice gives the same document");
        assertTrue(once.contains("<!-- generated:decode begin -->\ndecode v2\n<!-- generated:decode end -->\n" +
            "Trailing prose without a blank line.\n"), once);
        assertTrue(once.contains("<!-- generated:fold begin -->\nfold v2\n<!-- generated:fold end -->"), once);
        assertEquals(GeneratedBlocks.replace(DOCUMENT, Map.of("fold", "x\n")),
            GeneratedBlocks.replace(DOCUMENT, Map.of("fold", "x")), "a missing final line break is added");
    }

    @Test
    void shouldFindABlockForEverySectionInTheProjectsBenchmarksMd() throws IOException
    {
        final String document = Files.readString(Path.of("../BENCHMARKS.md"));
        final Map<String, String> empty = new LinkedHashMap<>();
        for (final Section s : Section.values())
        {
            empty.put(s.id(), "");
        }
        final String emptied = GeneratedBlocks.replace(document, empty);
        for (final Section s : Section.values())
        {
            assertTrue(emptied.contains(GeneratedBlocks.begin(s.id()) + "\n" + GeneratedBlocks.end(s.id())), s.id());
        }
    }

    @Test
    void shouldNameTheSectionWhenItsMarkersAreMissingOrMisplaced()
    {
        final String[][] rows = {
            // document, section, expected message part
            {DOCUMENT, "flush", "section flush has no generated block: the document lacks <!-- generated:flush begin"},
            {DOCUMENT.replace("<!-- generated:fold end -->\n", ""), "fold",
                "section fold has no generated block: the document lacks <!-- generated:fold end -->"},
            {DOCUMENT.replace("<!-- generated:fold begin -->\n", ""), "fold",
                "the document lacks <!-- generated:fold begin -->"},
            {"<!-- generated:fold end -->\nx\n<!-- generated:fold begin -->\n", "fold",
                "<!-- generated:fold end --> comes before <!-- generated:fold begin -->"},
            {DOCUMENT + "<!-- generated:fold begin -->\n", "fold",
                "<!-- generated:fold begin --> occurs more than once"},
            {"text <!-- generated:fold begin -->\nx\n<!-- generated:fold end -->\n", "fold",
                "<!-- generated:fold begin --> must start its line"},
            {"<!-- generated:fold begin --> x\n<!-- generated:fold end -->\n", "fold",
                "<!-- generated:fold begin --> must be alone on its line"},
        };
        for (final String[] row : rows)
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> GeneratedBlocks.replace(row[0], Map.of(row[1], "new")), row[2]);
            assertTrue(ex.getMessage().contains(row[2]), row[2] + " -> " + ex.getMessage());
            assertTrue(ex.getMessage().contains("section " + row[1]), "names the section: " + ex.getMessage());
        }
    }
}
