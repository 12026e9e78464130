package io.crashfree.bench.report;

import java.util.Map;

/**
 * Replaces the generated blocks of a Markdown document and nothing else. A block is the text between a begin marker
 * and an end marker, each alone on its line:
 * <pre>
 *   hand-written prose (kept)
 *   &lt;!-- generated:fold begin --&gt;
 *   figures, command, machine (replaced by each run of the section)
 *   &lt;!-- generated:fold end --&gt;
 *   hand-written prose (kept)
 * </pre>
 * The markers themselves are kept; a section that is not given keeps its old block.
 */
public final class GeneratedBlocks
{
    private GeneratedBlocks()
    {
    }

    /**
     * @param id a section id.
     * @return its begin marker.
     */
    public static String begin(final String id)
    {
        return "<!-- generated:" + id + " begin -->";
    }

    /**
     * @param id a section id.
     * @return its end marker.
     */
    public static String end(final String id)
    {
        return "<!-- generated:" + id + " end -->";
    }

    /**
     * @param document the whole Markdown text.
     * @param blocks   new content by section id (without markers; a trailing line break is added when missing).
     * @return the document with each given section's block replaced.
     * @throws IllegalArgumentException naming the section and the marker when a block's markers are missing,
     *                                  repeated or out of order.
     */
    public static String replace(final String document, final Map<String, String> blocks)
    {
        String result = document;
        for (final Map.Entry<String, String> e : blocks.entrySet())
        {
            result = replaceOne(result, e.getKey(), e.getValue());
        }
        return result;
    }

    /**
     * @param document the whole Markdown text.
     * @param id       a section id.
     * @return whether the document has both of its markers.
     */
    public static boolean hasBlock(final String document, final String id)
    {
        return document.contains(begin(id)) && document.contains(end(id));
    }

    private static String replaceOne(final String document, final String id, final String content)
    {
        final String begin = begin(id);
        final String end = end(id);
        final int b = lineStart(document, begin, id);
        final int e = lineStart(document, end, id);
        if (e < b)
        {
            throw new IllegalArgumentException("section " + id + ": " + end + " comes before " + begin);
        }
        final int contentStart = b + begin.length() + 1;
        if (contentStart > document.length() || document.charAt(contentStart - 1) != '\n' || contentStart > e)
        {
            throw new IllegalArgumentException("section " + id + ": " + begin + " must be alone on its line");
        }
        final String body = content.isEmpty() || content.endsWith("\n") ? content : content + "\n";
        return document.substring(0, contentStart) + body + document.substring(e);
    }

    /** @return where the marker's line starts; the marker must occur once and start its line. */
    private static int lineStart(final String document, final String marker, final String id)
    {
        final int at = document.indexOf(marker);
        if (at < 0)
        {
            throw new IllegalArgumentException("section " + id + " has no generated block: the document lacks " +
                marker + " (put " + begin(id) + " and " + end(id) + " around the section's figures)");
        }
        if (document.indexOf(marker, at + marker.length()) >= 0)
        {
            throw new IllegalArgumentException("section " + id + ": " + marker + " occurs more than once");
        }
        if (at > 0 && document.charAt(at - 1) != '\n')
        {
            throw new IllegalArgumentException("section " + id + ": " + marker + " must start its line");
        }
        return at;
    }
}
