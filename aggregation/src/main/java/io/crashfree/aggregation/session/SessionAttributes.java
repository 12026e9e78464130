package io.crashfree.aggregation.session;

/**
 * The {@code attrs} object shared by {@code session} and {@code sessions} items: release, environment, IP address and
 * user agent, held as bounded UTF-8 bytes.
 */
public final class SessionAttributes
{
    /** Longest release kept; the protocol allows 200 bytes, the extra lets a validator see "too long". */
    public static final int RELEASE_CAPACITY_BYTES = 256;
    /** Longest environment kept; the protocol allows 64 bytes. */
    public static final int ENVIRONMENT_CAPACITY_BYTES = 128;
    /** Longest IP address literal kept (IPv6 with zone fits easily). */
    public static final int IP_ADDRESS_CAPACITY_BYTES = 64;
    /** Longest user agent kept; longer ones are truncated, which is enough to classify them. */
    public static final int USER_AGENT_CAPACITY_BYTES = 512;

    private final Utf8Text release = new Utf8Text(RELEASE_CAPACITY_BYTES);
    private final Utf8Text environment = new Utf8Text(ENVIRONMENT_CAPACITY_BYTES);
    private final Utf8Text ipAddress = new Utf8Text(IP_ADDRESS_CAPACITY_BYTES);
    private final Utf8Text userAgent = new Utf8Text(USER_AGENT_CAPACITY_BYTES);
    private long releaseHash;
    private long environmentHash;

    /** Clears every attribute. */
    public void reset()
    {
        release.clear();
        environment.clear();
        ipAddress.clear();
        userAgent.clear();
        releaseHash = 0;
        environmentHash = 0;
    }

    /**
     * Remembers the hashes of the release and environment names, computed once by the sink when it registers them
     * and read again when it folds (a name is hashed once per session, not twice).
     *
     * @param releaseHash     the release name's hash.
     * @param environmentHash the environment name's hash, 0 for none.
     */
    public void nameHashes(final long releaseHash, final long environmentHash)
    {
        this.releaseHash = releaseHash;
        this.environmentHash = environmentHash;
    }

    /** @return the release hash set by {@link #nameHashes}. */
    public long releaseHash()
    {
        return releaseHash;
    }

    /** @return the environment hash set by {@link #nameHashes} (0 for none). */
    public long environmentHash()
    {
        return environmentHash;
    }

    /** Copies another instance's attributes into this one. */
    public void copyFrom(final SessionAttributes other)
    {
        release.copyFrom(other.release);
        environment.copyFrom(other.environment);
        ipAddress.copyFrom(other.ipAddress);
        userAgent.copyFrom(other.userAgent);
        releaseHash = other.releaseHash;
        environmentHash = other.environmentHash;
    }

    /** @return {@code attrs.release} (required by the protocol). */
    public Utf8Text release()
    {
        return release;
    }

    /** @return {@code attrs.environment}. */
    public Utf8Text environment()
    {
        return environment;
    }

    /** @return {@code attrs.ip_address}: an IP literal or {@code {{auto}}}. */
    public Utf8Text ipAddress()
    {
        return ipAddress;
    }

    /** @return {@code attrs.user_agent}. */
    public Utf8Text userAgent()
    {
        return userAgent;
    }
}
