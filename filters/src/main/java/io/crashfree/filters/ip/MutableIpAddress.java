package io.crashfree.filters.ip;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * A reusable IPv4 or IPv6 address: 128 bits in two {@code long}s, filled by parsing text or copying bytes, never
 * allocating. Not thread-safe: one per thread (or per connection, for a peer address).
 * <p>
 * Layout: IPv6 addresses are held as-is, most significant 64 bits in {@link #high()}. IPv4 addresses are held in their
 * IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d} and flagged {@link #isV4()}; an IPv4-mapped IPv6 literal
 * ({@code ::ffff:10.0.0.1}) is therefore the same IPv4 address, as {@link java.net.InetAddress} treats it.
 * <pre>
 *   high: 0x0000_0000_0000_0000   low: 0x0000_FFFF_AABB_CCDD   (IPv4 a.b.c.d, isV4 = true)
 * </pre>
 * Text forms: strict parsing ({@link #tryParse}) accepts dotted-quad IPv4 without leading zeros and RFC 4291 IPv6
 * (one {@code ::}, an embedded IPv4 tail). Lenient parsing ({@link #tryParseForwarded}), for forwarding headers, also
 * accepts surrounding spaces, {@code [v6]}, {@code [v6]:port}, {@code v4:port} and a {@code %zone} suffix (ignored).
 */
public final class MutableIpAddress
{
    /** Longest text this holder parses; anything longer is not an address. */
    public static final int MAX_TEXT_LENGTH = 64;
    /** Longest text {@link #formatTo} writes (a full IPv6 address). */
    public static final int MAX_FORMATTED_LENGTH = 39;

    private static final long V4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;

    private final byte[] scratch = new byte[MAX_TEXT_LENGTH];
    private final int[] groups = new int[8];
    private long high;
    private long low;
    private boolean v4;
    private boolean present;

    /** Creates an empty (absent) address. */
    public MutableIpAddress()
    {
    }

    /** Marks the address absent. */
    public void clear()
    {
        high = 0;
        low = 0;
        v4 = false;
        present = false;
    }

    /** @return whether an address is held. */
    public boolean isPresent()
    {
        return present;
    }

    /** @return whether the address is IPv4 (held IPv4-mapped). */
    public boolean isV4()
    {
        return v4;
    }

    /** @return the most significant 64 bits of the 128-bit form. */
    public long high()
    {
        return high;
    }

    /** @return the least significant 64 bits of the 128-bit form. */
    public long low()
    {
        return low;
    }

    /**
     * Sets an IPv4 address.
     *
     * @param address the address, most significant octet first ({@code 10.0.0.1} is {@code 0x0A000001}).
     */
    public void setV4(final int address)
    {
        high = 0;
        low = V4_MAPPED_PREFIX | (address & 0xFFFF_FFFFL);
        v4 = true;
        present = true;
    }

    /**
     * Sets an IPv6 address; an IPv4-mapped one becomes IPv4.
     *
     * @param high most significant 64 bits.
     * @param low  least significant 64 bits.
     */
    public void setV6(final long high, final long low)
    {
        this.high = high;
        this.low = low;
        this.v4 = high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_PREFIX;
        this.present = true;
    }

    /**
     * Sets the address from its network-order bytes.
     *
     * @param address 4 or 16 bytes, as {@link InetAddress#getAddress()} returns them.
     * @return false (and absent) when the length is neither 4 nor 16.
     */
    public boolean set(final byte[] address)
    {
        if (address.length == 4)
        {
            setV4((address[0] & 0xFF) << 24 | (address[1] & 0xFF) << 16 | (address[2] & 0xFF) << 8 | address[3] & 0xFF);
            return true;
        }
        if (address.length == 16)
        {
            setV6(bigEndianLong(address, 0), bigEndianLong(address, 8));
            return true;
        }
        clear();
        return false;
    }

    /**
     * Sets the address of a socket peer. {@link InetAddress#getAddress()} allocates a copy, so call this once per
     * connection and keep the holder, not once per request.
     *
     * @param address the address, or null for absent.
     */
    public void set(final InetAddress address)
    {
        if (address == null)
        {
            clear();
        }
        else
        {
            set(address.getAddress());
        }
    }

    /**
     * Copies another holder.
     *
     * @param other the source.
     */
    public void copyFrom(final MutableIpAddress other)
    {
        high = other.high;
        low = other.low;
        v4 = other.v4;
        present = other.present;
    }

    /**
     * @param other another address.
     * @return whether both are present and the same address.
     */
    public boolean sameAddressAs(final MutableIpAddress other)
    {
        return present && other.present && high == other.high && low == other.low;
    }

    /**
     * Parses an address literal strictly (no brackets, port, zone or spaces).
     *
     * @param bytes  ASCII text.
     * @param offset first byte.
     * @param length number of bytes.
     * @return whether it parsed; on failure the holder is absent.
     */
    public boolean tryParse(final byte[] bytes, final int offset, final int length)
    {
        clear();
        return IpAddressParser.parseStrict(bytes, offset, offset + length, groups, this);
    }

    /**
     * Parses an address literal strictly (no brackets, port, zone or spaces).
     *
     * @param text  ASCII text.
     * @param start first character.
     * @param end   one past the last character.
     * @return whether it parsed; on failure the holder is absent.
     */
    public boolean tryParse(final CharSequence text, final int start, final int end)
    {
        clear();
        final int length = copyToScratch(text, start, end);
        return length >= 0 && IpAddressParser.parseStrict(scratch, 0, length, groups, this);
    }

    /**
     * Parses one entry of a forwarding header leniently: surrounding spaces, {@code [v6]}, {@code [v6]:port},
     * {@code v4:port} and a {@code %zone} suffix are accepted.
     *
     * @param text  the header value.
     * @param start first character of the entry.
     * @param end   one past its last character.
     * @return whether it parsed; on failure the holder is absent.
     */
    public boolean tryParseForwarded(final CharSequence text, final int start, final int end)
    {
        clear();
        int s = start;
        int e = end;
        while (s < e && IpAddressParser.isSpace(text.charAt(s)))
        {
            s++;
        }
        while (e > s && IpAddressParser.isSpace(text.charAt(e - 1)))
        {
            e--;
        }
        final int length = copyToScratch(text, s, e);
        if (length <= 0)
        {
            return false;
        }
        final byte[] b = scratch;
        if (b[0] == '[')
        {
            final int close = IpAddressParser.indexOf(b, 1, length, ']');
            if (close < 0 || (close + 1 < length && !IpAddressParser.isPort(b, close + 1, length)))
            {
                return false;
            }
            return IpAddressParser.parseV6(b, 1, IpAddressParser.withoutZone(b, 1, close), groups, this);
        }
        final int firstColon = IpAddressParser.indexOf(b, 0, length, ':');
        if (firstColon >= 0 && IpAddressParser.indexOf(b, firstColon + 1, length, ':') < 0)
        {
            // Exactly one colon: only "a.b.c.d:port" makes sense.
            return IpAddressParser.isPort(b, firstColon, length) && IpAddressParser.parseV4(b, 0, firstColon, this);
        }
        return IpAddressParser.parseStrict(b, 0, IpAddressParser.withoutZone(b, 0, length), groups, this);
    }

    /**
     * Writes the address as text: dotted quad for IPv4, RFC 5952 canonical form for IPv6 (lower case, longest run of
     * two or more zero groups as {@code ::}).
     *
     * @param dst    destination, with room for {@link #MAX_FORMATTED_LENGTH} bytes from {@code offset}.
     * @param offset where to start.
     * @return the number of bytes written (0 when absent).
     */
    public int formatTo(final byte[] dst, final int offset)
    {
        if (!present)
        {
            return 0;
        }
        if (v4)
        {
            int p = offset;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                p = putDecimal(dst, p, (int)(low >>> shift) & 0xFF);
                if (shift > 0)
                {
                    dst[p++] = '.';
                }
            }
            return p - offset;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int slot = 0; slot < 8; )
        {
            if (group(slot) != 0)
            {
                slot++;
                continue;
            }
            int runEnd = slot;
            while (runEnd < 8 && group(runEnd) == 0)
            {
                runEnd++;
            }
            if (runEnd - slot > bestLength)
            {
                bestStart = slot;
                bestLength = runEnd - slot;
            }
            slot = runEnd;
        }
        int p = offset;
        for (int slot = 0; slot < 8; slot++)
        {
            if (slot == bestStart)
            {
                dst[p++] = ':';
                if (slot == 0)
                {
                    dst[p++] = ':';
                }
                slot += bestLength - 1;
                continue;
            }
            p = putHex(dst, p, group(slot));
            if (slot < 7)
            {
                dst[p++] = ':';
            }
        }
        return p - offset;
    }

    private int group(final int slot)
    {
        return (int)((slot < 4 ? high >>> (48 - 16 * slot) : low >>> (48 - 16 * (slot - 4))) & 0xFFFF);
    }

    /** @return the address as text, or {@code "absent"} (allocates: for tests, logs and the control plane). */
    @Override
    public String toString()
    {
        final byte[] text = new byte[MAX_FORMATTED_LENGTH];
        return present ? new String(text, 0, formatTo(text, 0), StandardCharsets.US_ASCII) : "absent";
    }

    private int copyToScratch(final CharSequence text, final int start, final int end)
    {
        final int length = end - start;
        if (length > MAX_TEXT_LENGTH || length < 0)
        {
            return -1;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(start + i);
            if (c > 0x7E)
            {
                return -1;
            }
            scratch[i] = (byte)c;
        }
        return length;
    }

    private static int putDecimal(final byte[] dst, final int p, final int value)
    {
        int q = p;
        if (value >= 100)
        {
            dst[q++] = (byte)('0' + value / 100);
        }
        if (value >= 10)
        {
            dst[q++] = (byte)('0' + value / 10 % 10);
        }
        dst[q++] = (byte)('0' + value % 10);
        return q;
    }

    private static int putHex(final byte[] dst, final int p, final int value)
    {
        int q = p;
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            final int digit = value >>> shift & 0xF;
            if (digit != 0 || started || shift == 0)
            {
                dst[q++] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
                started = true;
            }
        }
        return q;
    }

    private static long bigEndianLong(final byte[] b, final int offset)
    {
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            value = value << 8 | (b[offset + i] & 0xFF);
        }
        return value;
    }
}
