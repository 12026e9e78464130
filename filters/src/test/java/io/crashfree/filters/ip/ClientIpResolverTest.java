package io.crashfree.filters.ip;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Client-IP derivation from header combinations (reference §1.4): the first non-empty of CF-Connecting-IP,
 * X-Vercel-Forwarded-For, X-Sentry-Forwarded-For, X-Forwarded-For, then the peer; the first entry that parses wins.
 */
class ClientIpResolverTest
{
    private static final String PEER = "192.0.2.1";

    static Stream<Arguments> cases()
    {
        return Stream.of(
            row("no header: the peer", null, null, null, null, PEER, PEER),
            row("X-Forwarded-For with one address", null, null, null, "203.0.113.7", PEER, "203.0.113.7"),
            row("X-Forwarded-For: the first of a chain", null, null, null, "203.0.113.7, 10.0.0.2, 10.0.0.3", PEER,
                "203.0.113.7"),
            row("X-Forwarded-For: an unparsable first entry is skipped", null, null, null,
                "unknown, 203.0.113.8", PEER, "203.0.113.8"),
            row("X-Forwarded-For: nothing parses, the peer", null, null, null, "unknown, _hidden", PEER, PEER),
            row("X-Forwarded-For: empty entries are skipped", null, null, null, ", ,203.0.113.9", PEER,
                "203.0.113.9"),
            row("X-Forwarded-For with an IPv6 client", null, null, null, "2001:db8::7, 10.0.0.2", PEER,
                "2001:db8::7"),
            row("X-Forwarded-For with a port (Azure)", null, null, null, "203.0.113.7:50123", PEER, "203.0.113.7"),
            row("CF-Connecting-IP wins over X-Forwarded-For", "198.51.100.1", null, null, "203.0.113.7", PEER,
                "198.51.100.1"),
            row("X-Vercel-Forwarded-For wins over X-Sentry-Forwarded-For", null, "198.51.100.2", "198.51.100.3",
                "203.0.113.7", PEER, "198.51.100.2"),
            row("X-Sentry-Forwarded-For wins over X-Forwarded-For", null, null, "198.51.100.3", "203.0.113.7",
                PEER, "198.51.100.3"),
            row("an empty CF-Connecting-IP is skipped", "", null, null, "203.0.113.7", PEER, "203.0.113.7"),
            row("a blank CF-Connecting-IP is skipped", "  ", null, null, "203.0.113.7", PEER, "203.0.113.7"),
            row("the chosen header is unparsable: the peer, not the next header", "garbage", null, null,
                "203.0.113.7", PEER, PEER),
            row("X-Real-IP is not consulted (only the peer)", null, null, null, null, "2001:db8::1", "2001:db8::1"),
            row("no header and no peer", null, null, null, null, null, "absent"),
            row("IPv4-mapped peer is IPv4", null, null, null, null, "::ffff:192.0.2.5", "192.0.2.5"));
    }

    private static Arguments row(final String name, final String cf, final String vercel, final String sentry,
        final String xff, final String peer, final String expected)
    {
        return Arguments.of(name, cf, vercel, sentry, xff, peer, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldDeriveTheClientIp(final String name, final String cf, final String vercel, final String sentry,
        final String xff, final String peer, final String expected)
    {
        final MutableIpAddress peerAddress = new MutableIpAddress();
        if (peer != null)
        {
            peerAddress.tryParse(peer, 0, peer.length());
        }
        final MutableIpAddress out = new MutableIpAddress();
        final boolean found = ClientIpResolver.tryResolve(cf, vercel, sentry, xff, peerAddress, out);
        assertEquals(expected, out.toString(), name);
        assertEquals(!expected.equals("absent"), found, name);
    }
}
