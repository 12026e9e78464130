package io.crashfree.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A GitHub-flavoured Markdown table, plus the number formats the report uses so that every section writes figures
 * the same way (thousands separators, units after the number).
 */
final class MarkdownTable
{
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    MarkdownTable(final String... header)
    {
        this.header = List.of(header);
    }

    MarkdownTable row(final String... cells)
    {
        if (cells.length != header.size())
        {
            throw new IllegalArgumentException("a row needs " + header.size() + " cells, has " + cells.length);
        }
        rows.add(List.of(cells));
        return this;
    }

    boolean isEmpty()
    {
        return rows.isEmpty();
    }

    String render()
    {
        final StringBuilder b = new StringBuilder();
        line(b, header);
        b.append('|');
        for (int i = 0; i < header.size(); i++)
        {
            b.append(" --- |");
        }
        b.append('\n');
        for (final List<String> row : rows)
        {
            line(b, row);
        }
        return b.toString();
    }

    private static void line(final StringBuilder b, final List<String> cells)
    {
        b.append('|');
        for (final String c : cells)
        {
            b.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        b.append('\n');
    }

    /** @return {@code 1,896 ns} style: no decimals from 100 up, one below 100, two below 10. */
    static String number(final double v)
    {
        if (Double.isNaN(v))
        {
            return "—";
        }
        final double a = Math.abs(v);
        if (a >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return a >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** @return a count such as {@code 1,000}: no decimals. */
    static String count(final double v)
    {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,.0f", v);
    }

    /** @return a ratio such as {@code 0.74x}, or {@code 56x} from 10 up. */
    static String ratio(final double r)
    {
        if (Double.isNaN(r) || Double.isInfinite(r))
        {
            return "—";
        }
        return String.format(Locale.ROOT, r >= 10 ? "%.0fx" : "%.2fx", r);
    }

    /** @return bytes per operation: {@code 0 B}, {@code ~0 B (0.02)} or {@code 4,904 B}; "—" when not measured. */
    static String bytes(final double bytesPerOp)
    {
        if (Double.isNaN(bytesPerOp))
        {
            return "—";
        }
        if (bytesPerOp < 0.01)
        {
            return "0 B";
        }
        if (bytesPerOp < 0.5)
        {
            return String.format(Locale.ROOT, "~0 B (%.2f)", bytesPerOp);
        }
        return number(bytesPerOp) + " B";
    }

    /** @return "yes", "**no**" (bold, so a missed target stands out) or "—" (no target, or not measured). */
    static String met(final Boolean met)
    {
        return met == null ? "—" : met ? "yes" : "**no**";
    }
}
