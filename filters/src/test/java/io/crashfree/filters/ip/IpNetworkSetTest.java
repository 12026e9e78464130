package io.crashfree.filters.ip;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CIDR blocks and exact addresses, IPv4 and IPv6, at and around every boundary. */
class IpNetworkSetTest
{
    static Stream<Arguments> cases()
    {
        return Stream.of(
            row("exact IPv4 matches itself", "122.33.230.14", "122.33.230.14", true),
            row("exact IPv4 does not match its neighbour", "122.33.230.14", "122.33.230.15", false),
            row("second of two entries", "112.133.110.33, 122.33.230.14", "122.33.230.14", true),
            row("/30 first address", "122.33.230.0/30", "122.33.230.0", true),
            row("/30 last address", "122.33.230.0/30", "122.33.230.3", true),
            row("/30 one past the end", "122.33.230.0/30", "122.33.230.4", false),
            row("/30 written with host bits", "122.33.230.4/30", "122.33.230.5", true),
            row("/8 lower bound", "10.0.0.0/8", "10.0.0.0", true),
            row("/8 upper bound", "10.0.0.0/8", "10.255.255.255", true),
            row("/8 one below", "10.0.0.0/8", "9.255.255.255", false),
            row("/8 one above", "10.0.0.0/8", "11.0.0.0", false),
            row("/32 is exact", "198.51.100.7/32", "198.51.100.7", true),
            row("/32 neighbour", "198.51.100.7/32", "198.51.100.6", false),
            row("/31", "198.51.100.6/31", "198.51.100.7", true),
            row("/0 IPv4 matches every IPv4", "0.0.0.0/0", "255.255.255.255", true),
            row("/0 IPv4 does not match IPv6", "0.0.0.0/0", "2001:db8::1", false),
            row("IPv4 block matches an IPv4-mapped IPv6 client", "10.0.0.0/8", "::ffff:10.1.2.3", true),
            row("127.0.0.0/8 matches 127.0.0.1", "0.0.0.0, 127.0.0.0/8, 192.168.1.0/8", "127.0.0.1", true),
            row("no entry matches 127.0.0.1", "0.0.0.0, 192.168.1.1, 10.0.0.0/8", "127.0.0.1", false),
            row("exact IPv6", "aaaa:bbbb::cccc", "aaaa:bbbb::cccc", true),
            row("exact IPv6 neighbour", "aaaa:bbbb::cccc", "aaaa:bbbb::ccce", false),
            row("/126 first", "a:b:c::0/126", "a:b:c::", true),
            row("/126 second", "a:b:c::0/126", "a:b:c::2", true),
            row("/126 one past the end", "a:b:c::0/126", "a:b:c::4", false),
            row("/126 written with host bits", "a:b:c::4/126", "a:b:c::5", true),
            row("/32 lower bound", "2001:db8::/32", "2001:db8::", true),
            row("/32 upper bound", "2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true),
            row("/32 one below", "2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false),
            row("/32 one above", "2001:db8::/32", "2001:db9::", false),
            row("/64 upper bound (mask ends at the high word)", "2001:db8:1:2::/64",
                "2001:db8:1:2:ffff:ffff:ffff:ffff", true),
            row("/64 one above", "2001:db8:1:2::/64", "2001:db8:1:3::", false),
            row("/63 spans two /64s", "2001:db8:1:2::/63", "2001:db8:1:3::1", true),
            row("/65 lower half", "2001:db8:1:2::/65", "2001:db8:1:2:7fff:ffff:ffff:ffff", true),
            row("/65 upper half excluded", "2001:db8:1:2::/65", "2001:db8:1:2:8000::", false),
            row("/128 is exact", "2001:db8::1/128", "2001:db8::1", true),
            row("/128 neighbour", "2001:db8::1/128", "2001:db8::2", false),
            row("::/0 matches every IPv6", "::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
            row("::/0 does not match IPv4", "::/0", "203.0.113.1", false),
            row("an empty set matches nothing", "", "203.0.113.1", false));
    }

    private static Arguments row(final String name, final String entries, final String address,
        final boolean contained)
    {
        return Arguments.of(name, entries, address, contained);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldMatchAddressesInsideTheBlocks(
        final String name, final String entries, final String address, final boolean contained)
    {
        final IpNetworkSet set = IpNetworkSet.compile(split(entries));
        final MutableIpAddress ip = new MutableIpAddress();
        assertTrue(ip.tryParse(address, 0, address.length()), address);
        assertEquals(contained, set.contains(ip), name);
    }

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            Arguments.of("IPv4 prefix over 32", "10.0.0.0/33"),
            Arguments.of("IPv6 prefix over 128", "::/129"),
            Arguments.of("empty prefix", "10.0.0.0/"),
            Arguments.of("negative prefix", "10.0.0.0/-1"),
            Arguments.of("two prefixes", "10.0.0.0/8/8"),
            Arguments.of("not an address", "lol/bar"),
            Arguments.of("a name", "localhost"),
            Arguments.of("three octets", "10.0.0/8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRefuseMalformedEntries(final String name, final String entry)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> IpNetworkSet.compile(List.of(entry)), name);
        assertTrue(ex.getMessage().contains(entry), name + ": the message names the entry: " + ex.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldNeverMatchAnAbsentAddress(
        final String name, final String entries, final String address, final boolean contained)
    {
        assertEquals(false, IpNetworkSet.compile(split(entries)).contains(new MutableIpAddress()), name);
    }

    private static List<String> split(final String entries)
    {
        final List<String> list = new ArrayList<>();
        for (final String part : entries.split(","))
        {
            if (!part.isBlank())
            {
                list.add(part.strip());
            }
        }
        return list;
    }
}
