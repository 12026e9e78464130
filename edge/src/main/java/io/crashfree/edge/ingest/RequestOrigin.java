package io.crashfree.edge.ingest;

import io.crashfree.filters.ip.MutableIpAddress;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where one request came from, as the filters need it: the client-IP headers (reference §1.4), the TCP peer, and the
 * {@code User-Agent} header. One per connection, refilled per request; header values are Netty's own objects, kept by
 * reference until the request is answered.
 */
public final class RequestOrigin
{
    /** The TCP peer, parsed once per connection. */
    final MutableIpAddress peer = new MutableIpAddress();
    CharSequence cfConnectingIp;
    CharSequence vercelForwardedFor;
    CharSequence sentryForwardedFor;
    CharSequence forwardedFor;
    CharSequence userAgent;

    /** @param remote the connection's remote address (once per connection). */
    public void onConnected(final SocketAddress remote)
    {
        peer.clear();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null)
        {
            peer.set(inet.getAddress());
        }
    }

    /** Forgets the previous request's headers. */
    public void reset()
    {
        cfConnectingIp = null;
        vercelForwardedFor = null;
        sentryForwardedFor = null;
        forwardedFor = null;
        userAgent = null;
    }

    /**
     * Keeps a header if it is one the filters use.
     *
     * @param name  header name.
     * @param value header value.
     * @return whether it was one of them.
     */
    public boolean onHeader(final CharSequence name, final CharSequence value)
    {
        if (equalsIgnoreCase(name, "user-agent"))
        {
            userAgent = value;
        }
        else if (equalsIgnoreCase(name, "x-forwarded-for"))
        {
            forwardedFor = value;
        }
        else if (equalsIgnoreCase(name, "cf-connecting-ip"))
        {
            cfConnectingIp = value;
        }
        else if (equalsIgnoreCase(name, "x-vercel-forwarded-for"))
        {
            vercelForwardedFor = value;
        }
        else if (equalsIgnoreCase(name, "x-sentry-forwarded-for"))
        {
            sentryForwardedFor = value;
        }
        else
        {
            return false;
        }
        return true;
    }

    private static boolean equalsIgnoreCase(final CharSequence a, final String lower)
    {
        if (a.length() != lower.length())
        {
            return false;
        }
        for (int i = 0; i < lower.length(); i++)
        {
            if (Character.toLowerCase(a.charAt(i)) != lower.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
