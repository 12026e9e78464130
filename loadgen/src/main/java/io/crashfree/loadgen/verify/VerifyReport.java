package io.crashfree.loadgen.verify;

import java.util.Collections;
import java.util.List;

/**
 * The outcome of a verification: how many values were compared, every difference, and how many of the answer's
 * groups belonged to other releases (ignored).
 *
 * @param checked       values compared.
 * @param differences   values outside their allowed margin.
 * @param ignoredGroups groups of releases this run did not send.
 * @param notes         remarks that are not differences (e.g. sessions in doubt widened the margins).
 */
public record VerifyReport(int checked, List<Difference> differences, int ignoredGroups, List<String> notes)
{
    /** Makes the lists unmodifiable. */
    public VerifyReport
    {
        differences = Collections.unmodifiableList(differences);
        notes = Collections.unmodifiableList(notes);
    }

    /**
     * @param reports reports of parts of one run (one per project).
     * @return one report with all their values, differences and notes (repeated notes once).
     */
    public static VerifyReport merge(final List<VerifyReport> reports)
    {
        int checked = 0;
        int ignored = 0;
        final List<Difference> differences = new java.util.ArrayList<>();
        final java.util.Set<String> notes = new java.util.LinkedHashSet<>();
        for (final VerifyReport r : reports)
        {
            checked += r.checked;
            ignored += r.ignoredGroups;
            differences.addAll(r.differences);
            notes.addAll(r.notes);
        }
        return new VerifyReport(checked, differences, ignored, new java.util.ArrayList<>(notes));
    }

    /** @return whether the node agreed with the ground truth everywhere. */
    public boolean ok()
    {
        return differences.isEmpty() && checked > 0;
    }

    /** @return the report as text, one difference per line. */
    public String text()
    {
        final StringBuilder b = new StringBuilder();
        if (checked == 0)
        {
            b.append("verify: FAILED: nothing to compare (no request was acknowledged)\n");
        }
        else if (differences.isEmpty())
        {
            b.append("verify: OK: ").append(checked).append(" values match the ground truth");
            b.append(ignoredGroups == 0 ? "\n" : " (" + ignoredGroups + " groups of other releases ignored)\n");
        }
        else
        {
            b.append("verify: FAILED: ").append(differences.size()).append(" of ").append(checked)
                .append(" values differ from the ground truth\n");
            for (final Difference d : differences)
            {
                b.append("  ").append(d).append('\n');
            }
        }
        for (final String n : notes)
        {
            b.append("  note: ").append(n).append('\n');
        }
        return b.toString();
    }
}
