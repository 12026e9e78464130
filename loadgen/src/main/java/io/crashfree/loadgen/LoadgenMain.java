package io.crashfree.loadgen;

import io.crashfree.loadgen.verify.VerifyReport;

import java.io.IOException;

/**
 * Command line: {@code bin/crashfree loadgen [options]} (see {@link LoadgenOptions#USAGE}). Prints a progress line per
 * second and the final report, writes the JSON report, verifies with {@code --verify}; exits non-zero when the node
 * cannot be reached (3), rejects the key (4), or answers differently from the ground truth (1).
 */
public final class LoadgenMain
{
    private LoadgenMain()
    {
    }

    /**
     * @param args options.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * @param args options.
     * @return the exit code.
     */
    public static int run(final String[] args)
    {
        try
        {
            final LoadgenOptions options = LoadgenOptions.parse(args);
            System.out.println("loadgen: run " + options.runId() + " against " + options.target().baseUrl() +
                " (" + (options.targets().size() == 1 ? "project " : "projects ") + RunReport.projects(options) +
                "): " + options.describe() + ", seed " + options.seed());
            final RunResult result = Loadgen.run(options, options.quiet() ? null : System.out);
            System.out.print(RunReport.text(result));
            VerifyReport verify = null;
            LoadgenException verifyFailure = null;
            if (options.verify())
            {
                try
                {
                    verify = Loadgen.verify(result);
                    System.out.print(verify.text());
                }
                catch (final LoadgenException ex)
                {
                    verifyFailure = ex;
                }
            }
            if (options.json() != null)
            {
                try
                {
                    RunReport.writeJson(result, verify, options.json());
                    System.out.println("  report     " + options.json());
                }
                catch (final IOException ex)
                {
                    System.err.println("loadgen: cannot write the JSON report to " + options.json() + ": " + ex);
                }
            }
            if (verifyFailure != null)
            {
                System.err.println("loadgen: " + verifyFailure.getMessage());
                return verifyFailure.exitCode();
            }
            return verify == null || verify.ok() ? 0 : 1;
        }
        catch (final LoadgenException ex)
        {
            if (ex.exitCode() == 0)
            {
                System.out.println(ex.getMessage());
                return 0;
            }
            System.err.println("loadgen: " + ex.getMessage());
            return ex.exitCode();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            System.err.println("loadgen: interrupted");
            return 130;
        }
    }
}
