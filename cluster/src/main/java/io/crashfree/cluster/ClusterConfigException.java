package io.crashfree.cluster;

/** A {@code cluster.*} setting that is missing or wrong; the message names the key and the value. */
public final class ClusterConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message names the key, the problem and the value. */
    public ClusterConfigException(final String message)
    {
        super(message);
    }
}
