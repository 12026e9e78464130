package io.crashfree.filters.ip;

/**
 * Parsing of IPv4 and IPv6 text into a {@link MutableIpAddress}, over ASCII bytes, without allocating. The grammar is
 * described on {@link MutableIpAddress}.
 */
final class IpAddressParser
{
    private IpAddressParser()
    {
    }

    static boolean parseStrict(
        final byte[] b, final int start, final int end, final int[] groups, final MutableIpAddress out)
    {
        if (end - start < 2 || end - start > MutableIpAddress.MAX_TEXT_LENGTH)
        {
            return false;
        }
        return indexOf(b, start, end, ':') >= 0 ? parseV6(b, start, end, groups, out) : parseV4(b, start, end, out);
    }

    static boolean parseV4(final byte[] b, final int start, final int end, final MutableIpAddress out)
    {
        final long address = parseDottedQuad(b, start, end);
        if (address < 0)
        {
            return false;
        }
        out.setV4((int)address);
        return true;
    }

    /** @return the address as an unsigned 32-bit value, or -1 when malformed. */
    private static long parseDottedQuad(final byte[] b, final int start, final int end)
    {
        long address = 0;
        int octets = 0;
        int i = start;
        while (i < end)
        {
            final int octetStart = i;
            int value = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9')
            {
                value = value * 10 + (b[i] - '0');
                i++;
                if (i - octetStart > 3)
                {
                    return -1;
                }
            }
            final int digits = i - octetStart;
            if (digits == 0 || value > 255 || (digits > 1 && b[octetStart] == '0'))
            {
                return -1;
            }
            address = address << 8 | value;
            octets++;
            if (i == end)
            {
                break;
            }
            if (b[i] != '.' || octets == 4)
            {
                return -1;
            }
            i++;
            if (i == end)
            {
                return -1;
            }
        }
        return octets == 4 ? address : -1;
    }

    static boolean parseV6(
        final byte[] b, final int start, final int end, final int[] groups, final MutableIpAddress out)
    {
        final int[] g = groups;
        int n = 0;
        int gapAt = -1;
        int i = start;
        if (end - start < 2)
        {
            return false;
        }
        if (b[i] == ':')
        {
            if (b[i + 1] != ':')
            {
                return false;
            }
            gapAt = 0;
            i += 2;
        }
        while (i < end)
        {
            if (n == 8)
            {
                return false;
            }
            int j = i;
            boolean dotted = false;
            while (j < end && b[j] != ':')
            {
                dotted |= b[j] == '.';
                j++;
            }
            if (dotted)
            {
                final long address = parseDottedQuad(b, i, j);
                if (j != end || n > 6 || address < 0)
                {
                    return false;
                }
                g[n++] = (int)(address >>> 16);
                g[n++] = (int)(address & 0xFFFF);
                i = j;
                break;
            }
            if (j - i < 1 || j - i > 4)
            {
                return false;
            }
            int value = 0;
            for (int k = i; k < j; k++)
            {
                final int digit = hexValue(b[k]);
                if (digit < 0)
                {
                    return false;
                }
                value = value << 4 | digit;
            }
            g[n++] = value;
            i = j;
            if (i == end)
            {
                break;
            }
            i++;
            if (i == end)
            {
                return false;
            }
            if (b[i] == ':')
            {
                if (gapAt >= 0)
                {
                    return false;
                }
                gapAt = n;
                i++;
            }
        }
        if (gapAt < 0 ? n != 8 : n > 7)
        {
            return false;
        }
        long hi = 0;
        long lo = 0;
        final int zeros = 8 - n;
        for (int slot = 0, k = 0; slot < 8; slot++)
        {
            final int value = gapAt >= 0 && slot >= gapAt && slot < gapAt + zeros ? 0 : g[k++];
            if (slot < 4)
            {
                hi = hi << 16 | value;
            }
            else
            {
                lo = lo << 16 | value;
            }
        }
        out.setV6(hi, lo);
        return true;
    }

    static int withoutZone(final byte[] b, final int start, final int end)
    {
        final int percent = indexOf(b, start, end, '%');
        return percent < 0 ? end : percent;
    }

    static boolean isPort(final byte[] b, final int colon, final int end)
    {
        if (b[colon] != ':' || end - colon < 2 || end - colon > 6)
        {
            return false;
        }
        for (int i = colon + 1; i < end; i++)
        {
            if (b[i] < '0' || b[i] > '9')
            {
                return false;
            }
        }
        return true;
    }

    static int indexOf(final byte[] b, final int start, final int end, final char c)
    {
        for (int i = start; i < end; i++)
        {
            if (b[i] == c)
            {
                return i;
            }
        }
        return -1;
    }

    static boolean isSpace(final char c)
    {
        return c == ' ' || c == '\t';
    }

    static int hexValue(final byte c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        final int lower = c | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
