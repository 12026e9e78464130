package io.crashfree.edge.config;

/**
 * A configuration problem that stops start-up. The message names the key and the problem.
 */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message names the key, the value and what is wrong. */
    public ConfigException(final String message)
    {
        super(message);
    }
}
