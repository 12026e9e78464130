package io.crashfree.aggregation.query;

/**
 * A query that cannot be answered as asked; the message is the {@code detail} of a {@code 400}.
 */
public final class QueryException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param detail what is wrong, in the API's words. */
    public QueryException(final String detail)
    {
        super(detail);
    }
}
