package io.crashfree.releases.config;

/**
 * A registry setting that cannot be used. The message names the problem, the key and the value, e.g.
 * {@code unknown scope: auth.token.ci.scopes=project:admin}.
 */
public final class RegistryConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * A refused setting.
     *
     * @param key the offending key
     * @param message the whole message, naming the key and the value
     */
    public RegistryConfigException(String key, String message)
    {
        super(message);
        this.key = key;
    }

    /**
     * The offending key.
     *
     * @return the key
     */
    public String key()
    {
        return key;
    }
}
