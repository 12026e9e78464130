package io.crashfree.loadgen;

/**
 * A run that cannot start or had to stop, with a message that says what happened and what to do, and the process
 * exit code it maps to.
 */
public final class LoadgenException extends Exception
{
    private static final long serialVersionUID = 1L;

    /** Exit code: bad options or a target that is not this machine. */
    public static final int USAGE = 2;
    /** Exit code: the node cannot be reached (refused, wrong address, no answer). */
    public static final int CONNECTION = 3;
    /** Exit code: the node rejected the key (401/403) or the query token. */
    public static final int REJECTED = 4;
    /** Exit code: the node answered, but not like an ingest endpoint. */
    public static final int UNEXPECTED = 5;

    private final int exitCode;

    /**
     * @param exitCode one of the exit codes above.
     * @param message  what happened and what to do.
     */
    public LoadgenException(final int exitCode, final String message)
    {
        super(message);
        this.exitCode = exitCode;
    }

    /** @return the process exit code. */
    public int exitCode()
    {
        return exitCode;
    }
}
