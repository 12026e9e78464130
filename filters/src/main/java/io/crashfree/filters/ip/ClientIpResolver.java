package io.crashfree.filters.ip;

/**
 * Derives a request's client IP the way Sentry Relay does (reference §1.4, relay
 * {@code relay-server/src/extractors/forwarded_for.rs}): take the first non-empty header among
 * {@code CF-Connecting-IP}, {@code X-Vercel-Forwarded-For}, {@code X-Sentry-Forwarded-For} and
 * {@code X-Forwarded-For}, append the TCP peer, and use the first comma-separated entry that parses as an IP.
 * {@code X-Real-IP} is not consulted.
 * <p>
 * Entries are parsed with {@link MutableIpAddress#tryParseForwarded}, which also accepts {@code [v6]:port} and
 * {@code v4:port} (Relay would skip such an entry and fall through to the next one). Runs on the event-loop thread
 * once per request; allocates nothing.
 */
public final class ClientIpResolver
{
    private ClientIpResolver()
    {
    }

    /**
     * Resolves the client IP.
     *
     * @param cfConnectingIp     {@code CF-Connecting-IP}, or null.
     * @param vercelForwardedFor {@code X-Vercel-Forwarded-For}, or null.
     * @param sentryForwardedFor {@code X-Sentry-Forwarded-For}, or null.
     * @param forwardedFor       {@code X-Forwarded-For}, or null.
     * @param peer               the TCP peer's address, possibly absent.
     * @param out                receives the client IP; absent when nothing parsed.
     * @return whether a client IP was found.
     */
    public static boolean tryResolve(
        final CharSequence cfConnectingIp,
        final CharSequence vercelForwardedFor,
        final CharSequence sentryForwardedFor,
        final CharSequence forwardedFor,
        final MutableIpAddress peer,
        final MutableIpAddress out)
    {
        CharSequence header = cfConnectingIp;
        if (isBlank(header))
        {
            header = vercelForwardedFor;
        }
        if (isBlank(header))
        {
            header = sentryForwardedFor;
        }
        if (isBlank(header))
        {
            header = forwardedFor;
        }
        if (!isBlank(header) && tryFirstAddress(header, out))
        {
            return true;
        }
        out.copyFrom(peer);
        return out.isPresent();
    }

    /**
     * Finds the first comma-separated entry of a forwarding header that parses as an IP.
     *
     * @param header the header value.
     * @param out    receives the address; absent when no entry parsed.
     * @return whether one parsed.
     */
    public static boolean tryFirstAddress(final CharSequence header, final MutableIpAddress out)
    {
        final int length = header.length();
        int start = 0;
        while (start <= length)
        {
            int end = start;
            while (end < length && header.charAt(end) != ',')
            {
                end++;
            }
            if (out.tryParseForwarded(header, start, end))
            {
                return true;
            }
            start = end + 1;
        }
        out.clear();
        return false;
    }

    private static boolean isBlank(final CharSequence value)
    {
        if (value == null)
        {
            return true;
        }
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c != ' ' && c != '\t')
            {
                return false;
            }
        }
        return true;
    }
}
