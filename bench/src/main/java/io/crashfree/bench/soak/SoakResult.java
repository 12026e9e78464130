package io.crashfree.bench.soak;

import io.crashfree.loadgen.RunResult;
import io.crashfree.loadgen.verify.VerifyReport;

import java.util.Arrays;
import java.util.List;

/**
 * A finished soak: the rows, the load generator's whole run, the verification, and the summary figures derived from
 * them.
 *
 * @param options      the settings.
 * @param node         what the node was and how it ran.
 * @param probedMaxRate the probe's answers 200 per second (closed loop), or NaN when {@code --rate} was given.
 * @param probe        the probe's run, or null when {@code --rate} was given.
 * @param rate         the open-loop rate of the soak, requests per second.
 * @param rows         one per period.
 * @param run          the soak's load-generator run.
 * @param verify       the comparison with the node's sessions API, or null when it could not be asked.
 * @param verifyError  why the node could not be asked, or null.
 * @param startMs      when the soak started (epoch ms).
 */
public record SoakResult(SoakOptions options, String node, double probedMaxRate, RunResult probe, double rate, List<SoakRow> rows,
    RunResult run, VerifyReport verify, String verifyError, long startMs)
{
    /** Makes the rows unmodifiable. */
    public SoakResult
    {
        rows = List.copyOf(rows);
    }

    /** @return the median of the rows' achieved rates (answers 200 per second), NaN without rows. */
    public double medianOkPerSecond()
    {
        final double[] v = rows.stream().mapToDouble(SoakRow::okPerSecond).sorted().toArray();
        if (v.length == 0)
        {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** @return refused answers / answers over the whole soak. */
    public double refusedShare()
    {
        final long answered = run.ok() + run.rejected();
        return answered == 0 ? 0 : (double)run.rejected() / answered;
    }

    /**
     * @param status an HTTP status.
     * @return its answers / answers over the whole soak.
     */
    public double share(final int status)
    {
        final long answered = run.ok() + run.rejected();
        return answered == 0 ? 0 : (double)run.byStatus().getOrDefault(status, 0L) / answered;
    }

    /** @return the first row after the first (the JIT and the node's tables have warmed), or the only one; null. */
    public SoakRow firstWarmRow()
    {
        return rows.isEmpty() ? null : rows.get(Math.min(1, rows.size() - 1));
    }

    /** @return the last row, or null. */
    public SoakRow lastRow()
    {
        return rows.isEmpty() ? null : rows.get(rows.size() - 1);
    }

    /** @return whether the node's counts matched what it acknowledged. */
    public boolean verified()
    {
        return verify != null && verify.ok();
    }

    /** @return the verification in a few words. */
    public String verifySummary()
    {
        if (verify == null)
        {
            return "not checked: " + verifyError;
        }
        if (verify.ok())
        {
            return "OK: " + verify.checked() + " values match what the node acknowledged";
        }
        if (verify.checked() == 0 && verify.differences().isEmpty())
        {
            return "nothing to compare: the node acknowledged no session of the soak (and counts none)";
        }
        return "FAILED: " + verify.differences().size() + " of " + verify.checked() + " values differ" +
            (verify.differences().isEmpty() ? "" : "; first: " + verify.differences().get(0));
    }

    /** @return the rows' RSS figures in bytes (-1 where unknown), for the JSON report. */
    public long[] rssBytes()
    {
        return Arrays.stream(rows.toArray(new SoakRow[0])).mapToLong(r -> r.node().rssBytes()).toArray();
    }
}
