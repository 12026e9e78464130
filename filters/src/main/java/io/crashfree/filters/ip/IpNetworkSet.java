package io.crashfree.filters.ip;

import java.util.List;

/**
 * A compiled, immutable set of IP addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32},
 * {@code 192.168.1.7}), matched against a {@link MutableIpAddress} without allocating. Built on the control plane,
 * shared read-only by every thread.
 * <p>
 * Like Relay's {@code ipnetwork} parsing, a block whose address has host bits set ({@code 122.33.230.5/30}) means the
 * network that contains it. An IPv4 block matches only IPv4 addresses (including IPv4-mapped IPv6 ones, which
 * {@link MutableIpAddress} holds as IPv4) and an IPv6 block only IPv6 addresses, so {@code ::/0} does not block IPv4.
 * <p>
 * Layout: four parallel {@code long} arrays (network and mask, high and low halves) and a family flag per entry,
 * scanned linearly: projects list a handful of entries, and the scan touches a few cache lines.
 */
public final class IpNetworkSet
{
    /** The empty set: matches nothing. */
    public static final IpNetworkSet EMPTY = new IpNetworkSet(new long[0], new long[0], new long[0], new long[0],
        new boolean[0], List.of());

    private final long[] networkHigh;
    private final long[] networkLow;
    private final long[] maskHigh;
    private final long[] maskLow;
    private final boolean[] v4;
    private final List<String> entries;

    private IpNetworkSet(
        final long[] networkHigh,
        final long[] networkLow,
        final long[] maskHigh,
        final long[] maskLow,
        final boolean[] v4,
        final List<String> entries)
    {
        this.networkHigh = networkHigh;
        this.networkLow = networkLow;
        this.maskHigh = maskHigh;
        this.maskLow = maskLow;
        this.v4 = v4;
        this.entries = entries;
    }

    /**
     * Compiles a list of entries (control plane).
     *
     * @param entries addresses or CIDR blocks, already trimmed and non-empty.
     * @return the set.
     * @throws IllegalArgumentException naming the first entry that is not an address or block.
     */
    public static IpNetworkSet compile(final List<String> entries)
    {
        final int n = entries.size();
        final long[] netHigh = new long[n];
        final long[] netLow = new long[n];
        final long[] mHigh = new long[n];
        final long[] mLow = new long[n];
        final boolean[] family = new boolean[n];
        final MutableIpAddress address = new MutableIpAddress();
        for (int i = 0; i < n; i++)
        {
            final String entry = entries.get(i);
            final int slash = entry.indexOf('/');
            final String addressText = slash < 0 ? entry : entry.substring(0, slash);
            if (!address.tryParse(addressText, 0, addressText.length()))
            {
                throw new IllegalArgumentException("not an IP address: \"" + entry + "\"");
            }
            final int maxPrefix = address.isV4() ? 32 : 128;
            final int prefix = slash < 0 ? maxPrefix : prefixLength(entry, slash + 1, maxPrefix);
            final int bits = address.isV4() ? 96 + prefix : prefix;
            mHigh[i] = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
            mLow[i] = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
            netHigh[i] = address.high() & mHigh[i];
            netLow[i] = address.low() & mLow[i];
            family[i] = address.isV4();
        }
        return new IpNetworkSet(netHigh, netLow, mHigh, mLow, family, List.copyOf(entries));
    }

    private static int prefixLength(final String entry, final int start, final int maxPrefix)
    {
        final int length = entry.length() - start;
        if (length < 1 || length > 3)
        {
            throw new IllegalArgumentException("bad prefix length in \"" + entry + "\"");
        }
        int prefix = 0;
        for (int i = start; i < entry.length(); i++)
        {
            final char c = entry.charAt(i);
            if (c < '0' || c > '9')
            {
                throw new IllegalArgumentException("bad prefix length in \"" + entry + "\"");
            }
            prefix = prefix * 10 + (c - '0');
        }
        if (prefix > maxPrefix)
        {
            throw new IllegalArgumentException("prefix length over " + maxPrefix + " in \"" + entry + "\"");
        }
        return prefix;
    }

    /**
     * @param address an address, possibly absent.
     * @return whether it is present and inside any entry.
     */
    public boolean contains(final MutableIpAddress address)
    {
        if (!address.isPresent())
        {
            return false;
        }
        final long high = address.high();
        final long low = address.low();
        final boolean isV4 = address.isV4();
        for (int i = 0, n = v4.length; i < n; i++)
        {
            if (v4[i] == isV4 && (high & maskHigh[i]) == networkHigh[i] && (low & maskLow[i]) == networkLow[i])
            {
                return true;
            }
        }
        return false;
    }

    /** @return whether the set has no entry. */
    public boolean isEmpty()
    {
        return v4.length == 0;
    }

    /** @return the entries as configured. */
    public List<String> entries()
    {
        return entries;
    }

    @Override
    public String toString()
    {
        return String.join(", ", entries);
    }
}
