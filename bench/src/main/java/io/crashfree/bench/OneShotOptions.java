package io.crashfree.bench;

import java.nio.file.Path;

/**
 * The command line shared by the one-shot benchmarks ({@link FlushPauseBenchmark}, {@link QueryUnderLoadBenchmark}):
 * without options they run at full size and print their figures; the report driver adds {@code --result FILE} to
 * read the figures back ({@link OneShotResult}) and, for a smoke run, {@code --quick}.
 *
 * @param quick  tiny sizes and durations: shows the benchmark works, measures nothing.
 * @param result where to write the figures, or null.
 */
public record OneShotOptions(boolean quick, Path result)
{
    /** Usage text, after the benchmark's own usage line. */
    public static final String USAGE = String.join("\n",
        "  --quick         tiny sizes and durations: a smoke run, not a measurement",
        "  --result FILE   also write the figures as key=value lines (the report driver reads them)");

    /**
     * For a benchmark's {@code main}: parses, or prints the usage and exits 0 ({@code --help}) or prints the problem
     * and exits 2.
     *
     * @param name the benchmark, for messages.
     * @param args its command line.
     * @return the options.
     */
    public static OneShotOptions parseOrExit(final String name, final String... args)
    {
        return OptionValues.parseOrExit("", a -> parse(name, a), args);
    }

    /**
     * @param name the benchmark, for messages.
     * @param args its command line.
     * @return the options.
     * @throws IllegalArgumentException naming the bad option.
     */
    public static OneShotOptions parse(final String name, final String... args)
    {
        boolean quick = false;
        Path result = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick" -> quick = true;
                case "--help", "-h" ->
                    throw new HelpRequested(name + " benchmark, options: [--quick] [--result FILE]\n" + USAGE);
                case "--result" ->
                {
                    if (i + 1 >= args.length)
                    {
                        throw new IllegalArgumentException(name + ": --result needs a file\n" + USAGE);
                    }
                    result = Path.of(args[++i]);
                }
                default -> throw new IllegalArgumentException(name + ": unknown option: " + args[i] + "\n" + USAGE);
            }
        }
        return new OneShotOptions(quick, result);
    }
}
