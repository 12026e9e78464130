package io.crashfree.filters.ip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Address parsing against {@link InetAddress} as the oracle for the bits, and RFC 5952 for the canonical text.
 */
class MutableIpAddressTest
{
    static Stream<Arguments> validAddresses()
    {
        return Stream.of(
            Arguments.of("0.0.0.0", "0.0.0.0"),
            Arguments.of("127.0.0.1", "127.0.0.1"),
            Arguments.of("10.0.0.1", "10.0.0.1"),
            Arguments.of("255.255.255.255", "255.255.255.255"),
            Arguments.of("192.168.100.200", "192.168.100.200"),
            Arguments.of("::", "::"),
            Arguments.of("::1", "::1"),
            Arguments.of("1::", "1::"),
            Arguments.of("2001:db8::1", "2001:db8::1"),
            Arguments.of("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            Arguments.of("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"),
            Arguments.of("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            Arguments.of("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            Arguments.of("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            Arguments.of("fe80::1:2:3:4", "fe80::1:2:3:4"),
            Arguments.of("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            Arguments.of("1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8"),
            Arguments.of("::ffff:10.1.2.3", "10.1.2.3"),
            Arguments.of("::ffff:a01:203", "10.1.2.3"),
            Arguments.of("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
            Arguments.of("::192.0.2.33", "::c000:221"),
            Arguments.of("a:b:c::1", "a:b:c::1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validAddresses")
    void shouldParseLikeInetAddressAndFormatCanonically(final String text, final String canonical) throws Exception
    {
        final MutableIpAddress address = new MutableIpAddress();
        assertTrue(address.tryParse(text, 0, text.length()), text);
        final byte[] expected = InetAddress.getByName(text).getAddress();
        final MutableIpAddress oracle = new MutableIpAddress();
        oracle.set(expected);
        assertTrue(address.sameAddressAs(oracle), text + " is " + InetAddress.getByName(text));
        assertEquals(expected.length == 4, address.isV4(), text + " family");
        assertEquals(canonical, address.toString(), text);

        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        final MutableIpAddress fromBytes = new MutableIpAddress();
        assertTrue(fromBytes.tryParse(bytes, 0, bytes.length), text + " from bytes");
        assertTrue(fromBytes.sameAddressAs(address), text + " from bytes");
    }

    static Stream<Arguments> invalidAddresses()
    {
        return Stream.of(
            Arguments.of("empty", ""),
            Arguments.of("one character", "1"),
            Arguments.of("three octets", "1.2.3"),
            Arguments.of("five octets", "1.2.3.4.5"),
            Arguments.of("octet over 255", "256.1.1.1"),
            Arguments.of("leading zero", "01.2.3.4"),
            Arguments.of("four-digit octet", "1.2.3.1000"),
            Arguments.of("empty octet", "1..3.4"),
            Arguments.of("trailing dot", "1.2.3.4."),
            Arguments.of("trailing space (strict)", "1.2.3.4 "),
            Arguments.of("port (strict)", "1.2.3.4:80"),
            Arguments.of("prefix length", "1.2.3.4/8"),
            Arguments.of("triple colon", ":::"),
            Arguments.of("single leading colon", ":1::"),
            Arguments.of("single trailing colon", "1::2:"),
            Arguments.of("two double colons", "1::2::3"),
            Arguments.of("five hex digits", "12345::"),
            Arguments.of("not hex", "g::1"),
            Arguments.of("nine groups", "1:2:3:4:5:6:7:8:9"),
            Arguments.of("seven groups without ::", "1:2:3:4:5:6:7"),
            Arguments.of("eight groups and ::", "1:2:3:4::5:6:7:8"),
            Arguments.of("IPv4 tail not last", "::1.2.3.4:5"),
            Arguments.of("bad IPv4 tail", "::1.2.3.256"),
            Arguments.of("brackets (strict)", "[::1]"),
            Arguments.of("zone (strict)", "fe80::1%eth0"),
            Arguments.of("a name", "localhost"),
            Arguments.of("{{auto}}", "{{auto}}"),
            Arguments.of("non-ASCII digit", "١.2.3.4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidAddresses")
    void shouldRefuseMalformedAddresses(final String name, final String text)
    {
        final MutableIpAddress address = new MutableIpAddress();
        address.setV4(0x01020304);
        assertFalse(address.tryParse(text, 0, text.length()), name + ": " + text);
        assertFalse(address.isPresent(), name + " leaves the holder absent");
    }

    static Stream<Arguments> forwardedEntries()
    {
        return Stream.of(
            Arguments.of("plain IPv4", "203.0.113.7", "203.0.113.7"),
            Arguments.of("spaces around", "  203.0.113.7\t", "203.0.113.7"),
            Arguments.of("IPv4 with port", "203.0.113.7:41234", "203.0.113.7"),
            Arguments.of("plain IPv6", "2001:db8::7", "2001:db8::7"),
            Arguments.of("bracketed IPv6", "[2001:db8::7]", "2001:db8::7"),
            Arguments.of("bracketed IPv6 with port", "[2001:db8::7]:443", "2001:db8::7"),
            Arguments.of("IPv6 with zone", "fe80::7%eth0", "fe80::7"),
            Arguments.of("bracketed IPv6 with zone and port", "[fe80::7%25eth0]:443", "fe80::7"),
            Arguments.of("IPv4-mapped IPv6", "::ffff:203.0.113.7", "203.0.113.7"),
            Arguments.of("unknown", "unknown", "absent"),
            Arguments.of("obfuscated", "_hidden", "absent"),
            Arguments.of("bad port", "203.0.113.7:http", "absent"),
            Arguments.of("unclosed bracket", "[2001:db8::7", "absent"),
            Arguments.of("empty", "", "absent"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardedEntries")
    void shouldParseForwardingHeaderEntriesLeniently(final String name, final String entry, final String expected)
    {
        final MutableIpAddress address = new MutableIpAddress();
        address.tryParseForwarded(entry, 0, entry.length());
        assertEquals(expected, address.toString(), name);
    }

    @Test
    void shouldCopyInetAddressesOfBothFamilies() throws Exception
    {
        final MutableIpAddress address = new MutableIpAddress();
        address.set(InetAddress.getByName("198.51.100.9"));
        assertEquals("198.51.100.9", address.toString());
        assertTrue(address.isV4());
        address.set(InetAddress.getByName("2001:db8::9"));
        assertEquals("2001:db8::9", address.toString());
        assertFalse(address.isV4());
        address.set((InetAddress)null);
        assertFalse(address.isPresent());
        assertFalse(address.set(new byte[5]), "5 bytes is not an address");
    }

    @Test
    void shouldFormatTheLongestFullAddressWithinTheLimit()
    {
        final MutableIpAddress address = new MutableIpAddress();
        final String longest = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe";
        assertTrue(address.tryParse(longest, 0, longest.length()));
        final byte[] out = new byte[MutableIpAddress.MAX_FORMATTED_LENGTH];
        assertEquals(longest.length(), address.formatTo(out, 0));
        assertArrayEquals(longest.getBytes(StandardCharsets.US_ASCII), out);
    }
}
