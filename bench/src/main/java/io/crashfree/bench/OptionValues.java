package io.crashfree.bench;

/**
 * Checked command-line values for the benchmarks' option parsers: each failure is an
 * {@link IllegalArgumentException} naming the option, the rule and the value given.
 */
public final class OptionValues
{
    private OptionValues()
    {
    }

    /**
     * For a benchmark's {@code main}: parses, or prints the usage and exits 0 ({@code --help}), or prints the problem
     * after {@code prefix} and exits 2.
     *
     * @param prefix put before a problem, e.g. {@code "soak: "}.
     * @param parser the benchmark's parser.
     * @param args   its command line.
     * @param <T>    the options.
     * @return the options.
     */
    public static <T> T parseOrExit(final String prefix, final java.util.function.Function<String[], T> parser,
        final String[] args)
    {
        try
        {
            return parser.apply(args);
        }
        catch (final HelpRequested help)
        {
            System.out.println(help.getMessage());
            System.exit(0);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(prefix + ex.getMessage());
            System.exit(2);
        }
        throw new IllegalStateException("unreachable: System.exit returned");
    }

    /**
     * @param option the option's name, e.g. {@code --seconds}.
     * @param value  the text given.
     * @param min    the smallest value allowed.
     * @param max    the largest value allowed.
     * @return the number.
     */
    public static double number(final String option, final String value, final double min, final double max)
    {
        final double v;
        try
        {
            v = Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a number: " + value);
        }
        if (!(v >= min && v <= max))
        {
            throw new IllegalArgumentException(option + " must be between " + fmt(min) + " and " + fmt(max) + ": " +
                value);
        }
        return v;
    }

    /**
     * @param option the option's name.
     * @param value  the text given ({@code _} separators allowed, e.g. {@code 1_000_000}).
     * @param min    the smallest value allowed.
     * @param max    the largest value allowed.
     * @return the whole number.
     */
    public static long whole(final String option, final String value, final long min, final long max)
    {
        final long v;
        try
        {
            v = Long.parseLong(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a whole number: " + value);
        }
        if (v < min || v > max)
        {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ": " + value);
        }
        return v;
    }

    /**
     * @param v a number.
     * @return it without a fraction when it has none ({@code 5}, {@code 2.5}).
     */
    public static String fmt(final double v)
    {
        return v == Math.rint(v) ? Long.toString((long)v) : Double.toString(v);
    }
}
