package io.crashfree.loadgen.verify;

/**
 * The sessions API could not be asked or refused to answer: the message says what happened and what to do.
 */
public final class QueryException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status HTTP status, or 0 when there was no answer.
     * @param message what happened.
     */
    public QueryException(final int status, final String message)
    {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status, or 0 when there was no answer. */
    public int status()
    {
        return status;
    }
}
