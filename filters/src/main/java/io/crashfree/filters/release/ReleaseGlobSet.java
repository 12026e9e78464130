package io.crashfree.filters.release;

import java.util.ArrayList;
import java.util.List;

/**
 * A project's release filter: any number of {@link ReleaseGlob}s, matched in order until one matches. Immutable,
 * built on the control plane, shared read-only by every thread.
 */
public final class ReleaseGlobSet
{
    /** The empty set: matches nothing. */
    public static final ReleaseGlobSet EMPTY = new ReleaseGlobSet(new ReleaseGlob[0], List.of());

    private final ReleaseGlob[] globs;
    private final List<String> entries;

    private ReleaseGlobSet(final ReleaseGlob[] globs, final List<String> entries)
    {
        this.globs = globs;
        this.entries = entries;
    }

    /**
     * Compiles a configured comma list of globs (control plane). Commas inside {@code {a,b}} groups and classes do not
     * separate entries; entries are trimmed and empty ones ignored.
     *
     * @param value the configured list.
     * @return the set.
     * @throws IllegalArgumentException saying which entry is malformed and how.
     */
    public static ReleaseGlobSet compile(final String value)
    {
        final List<String> entries = ReleaseGlobParser.splitEntries(value);
        final List<ReleaseGlob> globs = new ArrayList<>();
        for (final String entry : entries)
        {
            for (final String glob : ReleaseGlobParser.expandAlternates(entry))
            {
                globs.add(ReleaseGlob.compile(glob));
            }
        }
        return new ReleaseGlobSet(globs.toArray(new ReleaseGlob[0]), List.copyOf(entries));
    }

    /**
     * @param release UTF-8 bytes of {@code attrs.release}.
     * @param length  number of bytes.
     * @return whether any glob matches the whole release, ignoring case.
     */
    public boolean matches(final byte[] release, final int length)
    {
        for (final ReleaseGlob glob : globs)
        {
            if (glob.matches(release, length))
            {
                return true;
            }
        }
        return false;
    }

    /** @return whether the set has no glob. */
    public boolean isEmpty()
    {
        return globs.length == 0;
    }

    /** @return the entries as configured (before {@code {a,b}} expansion). */
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
