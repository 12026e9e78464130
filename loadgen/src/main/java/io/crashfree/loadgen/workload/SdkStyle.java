package io.crashfree.loadgen.workload;

/**
 * How an SDK talks, as captured from the real SDKs (reference/sdk-captures): the envelope header, the item
 * header, where the key goes, and the HTTP framing. The {@code Connection} header and gzip can be overridden per run.
 */
public enum SdkStyle
{
    /**
     * io.sentry:sentry 8.x: {@code X-Sentry-Auth} header, gzip on every request, {@code Connection: close}, item headers
     * with {@code length}, {@code Content-Length} framing; the init update is its own request and a crashed or abnormal
     * terminal update is sent twice.
     */
    JAVA("sentry.java", "8.63.0", true, true),
    /**
     * {@code @sentry/node} 11.x: the key in the query string, chunked transfer encoding, keep-alive, no gzip under
     * 32 KiB, item headers without {@code length}; a healthy session is one request ({@code init: true} and
     * {@code exited}).
     */
    NODE("sentry.javascript.node", "11.12.0", false, false);

    private static final SdkStyle[] VALUES = values();

    private final String sdkName;
    private final String sdkVersion;
    private final boolean defaultClose;
    private final boolean defaultGzip;

    SdkStyle(final String sdkName, final String sdkVersion, final boolean defaultClose, final boolean defaultGzip)
    {
        this.sdkName = sdkName;
        this.sdkVersion = sdkVersion;
        this.defaultClose = defaultClose;
        this.defaultGzip = defaultGzip;
    }

    /**
     * @param ordinal an ordinal.
     * @return the style (no array copy, unlike {@code values()}).
     */
    public static SdkStyle of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /** @return the SDK's name as it appears in {@code sentry_client} and the envelope header. */
    public String sdkName()
    {
        return sdkName;
    }

    /** @return the SDK version the captures were taken with. */
    public String sdkVersion()
    {
        return sdkVersion;
    }

    /** @return whether this SDK sends {@code Connection: close}. */
    public boolean defaultClose()
    {
        return defaultClose;
    }

    /** @return whether this SDK gzips its small envelopes. */
    public boolean defaultGzip()
    {
        return defaultGzip;
    }
}
