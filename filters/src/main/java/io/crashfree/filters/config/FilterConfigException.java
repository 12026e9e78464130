package io.crashfree.filters.config;

/**
 * A filter setting that cannot be used. The message names the problem, the key and the value, for example
 * {@code release glob is malformed: project.3.filters.releases=[abc (unclosed '[' in "[abc")}.
 */
public final class FilterConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the offending key.
     * @param message the whole message, naming the key and the value.
     */
    public FilterConfigException(final String key, final String message)
    {
        super(message);
        this.key = key;
    }

    /** @return the offending key. */
    public String key()
    {
        return key;
    }
}
