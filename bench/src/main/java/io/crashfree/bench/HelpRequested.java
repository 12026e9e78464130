package io.crashfree.bench;

/**
 * {@code --help} (or {@code -h}) on a driver's command line: its message is the usage, which the driver prints on
 * standard output before it exits 0. An {@link IllegalArgumentException}, so a parser's callers that only know
 * "bad options" still stop.
 */
public final class HelpRequested extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /** @param usage the driver's usage text. */
    public HelpRequested(final String usage)
    {
        super(usage);
    }
}
