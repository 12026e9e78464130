package io.crashfree.bench.report;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A JMH section's run through JMH's Java API: its benchmarks ({@link Section#jmhInclude}, narrowed by
 * {@code --benchmarks}), {@code -prof gc} where the section asks for it, forks and iterations as the benchmarks'
 * annotations say unless {@code --forks} or {@code --quick} override them, and the node's JVM flags before each
 * fork's own.
 */
final class JmhRun
{
    /** {@code --quick}: one iteration of this long, warm-up and measured. */
    static final String QUICK_ITERATION = "100ms";

    private JmhRun()
    {
    }

    /**
     * @param section a JMH section.
     * @param options the driver's settings.
     * @param out     where JMH's progress goes.
     * @return the figures, one per benchmark.
     * @throws RunnerException when a benchmark fails or none matches.
     */
    static List<JmhFigure> run(final Section section, final ReportOptions options, final PrintStream out)
        throws RunnerException
    {
        final ChainedOptionsBuilder b = new OptionsBuilder()
            .include(include(section, options))
            .shouldFailOnError(true)
            .jvmArgsPrepend(options.jvmFlags().toArray(new String[0]))
            // Not the driver's own JVM options (it runs with ZGC for the end-to-end load generator): a fork gets the
            // node's flags and its benchmark's jvmArgsAppend, as under bin/crashfree bench <regex>.
            .jvmArgs();
        if (section.gcProfiler())
        {
            b.addProfiler("gc");
        }
        if (options.forks() >= 0)
        {
            b.forks(options.forks());
        }
        if (options.quick())
        {
            final TimeValue t = TimeValue.fromString(QUICK_ITERATION);
            b.warmupIterations(1).warmupTime(t).measurementIterations(1).measurementTime(t);
        }
        final Collection<RunResult> results = new Runner(b.build(),
            OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL)).run();
        final List<JmhFigure> figures = new ArrayList<>();
        for (final RunResult r : results)
        {
            figures.add(JmhFigure.of(r));
        }
        if (figures.isEmpty())
        {
            throw new RunnerException("section " + section.id() + ": no JMH benchmark matches " +
                include(section, options));
        }
        return figures;
    }

    /** @return the section's include regex, narrowed to {@code --benchmarks} when given (both must match). */
    static String include(final Section section, final ReportOptions options)
    {
        return options.benchmarks() == null ? section.jmhInclude() :
            "^(?=.*(?:" + section.jmhInclude() + "))(?=.*(?:" + options.benchmarks() + "))";
    }

    /** @return the same run with JMH's command line, through {@code bin/crashfree bench}. */
    static String jmhCommand(final Section section, final ReportOptions options)
    {
        final StringBuilder c = new StringBuilder("bin/crashfree bench '").append(include(section, options))
            .append('\'');
        if (section.gcProfiler())
        {
            c.append(" -prof gc");
        }
        if (options.forks() >= 0)
        {
            c.append(" -f ").append(options.forks());
        }
        if (options.quick())
        {
            c.append(" -wi 1 -w ").append(QUICK_ITERATION).append(" -i 1 -r ").append(QUICK_ITERATION);
        }
        return c.toString();
    }
}
