package io.crashfree.releases.version;

import java.util.Comparator;

/**
 * Sentry's {@code sort=semver}: releases whose version parses as semver first, highest first (major, minor, patch; a
 * release without a pre-release above one with it; pre-releases compared as text; then the build code), then the
 * others by name. Releases of different packages are compared by their versions alone, as Sentry does.
 */
public final class SemverOrder
{
    /** Highest version first; versions that are not semver after every one that is. */
    public static final Comparator<String> HIGHEST_FIRST = SemverOrder::compareHighestFirst;

    private SemverOrder()
    {
    }

    private static int compareHighestFirst(String a, String b)
    {
        VersionInfo.Parsed x = VersionInfoParser.parse(a).parsed();
        VersionInfo.Parsed y = VersionInfoParser.parse(b).parsed();
        if (x == null || y == null)
        {
            return x == null && y == null ? a.compareTo(b) : x == null ? 1 : -1;
        }
        int c = Long.compare(y.major(), x.major());
        if (c == 0)
        {
            c = Long.compare(y.minor(), x.minor());
        }
        if (c == 0)
        {
            c = Long.compare(y.patch(), x.patch());
        }
        if (c == 0 && (x.pre() == null) != (y.pre() == null))
        {
            c = x.pre() == null ? -1 : 1; // a release is above its pre-releases
        }
        if (c == 0 && x.pre() != null)
        {
            c = y.pre().compareTo(x.pre());
        }
        if (c == 0)
        {
            c = nullsLast(y.buildCode(), x.buildCode());
        }
        return c;
    }

    private static int nullsLast(String y, String x)
    {
        if (x == null || y == null)
        {
            return x == null && y == null ? 0 : x == null ? 1 : -1;
        }
        return y.compareTo(x);
    }
}
