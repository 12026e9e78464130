package io.crashfree.filters.useragent;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A project's legacy-browser filter: the union of its {@link LegacyBrowserOption}s compiled into inclusive version
 * ranges per {@link BrowserFamily}. Immutable, shared by every thread; {@link #isLegacy} allocates nothing.
 */
public final class LegacyBrowserRules
{
    /** No option enabled: filters nothing. */
    public static final LegacyBrowserRules NONE = compile(EnumSet.noneOf(LegacyBrowserOption.class));

    /** Per family ordinal: min,max pairs of filtered major versions. */
    private final int[][] ranges;
    private final Set<LegacyBrowserOption> options;

    private LegacyBrowserRules(final int[][] ranges, final Set<LegacyBrowserOption> options)
    {
        this.ranges = ranges;
        this.options = options;
    }

    /**
     * @param options the enabled options.
     * @return the compiled rules.
     */
    public static LegacyBrowserRules compile(final Collection<LegacyBrowserOption> options)
    {
        final int[][] ranges = new int[BrowserFamily.values().length][0];
        for (final LegacyBrowserOption option : options)
        {
            for (int i = 0; i < option.rangeCount(); i++)
            {
                final int family = option.rangeFamily(i).ordinal();
                final int[] old = ranges[family];
                final int[] grown = Arrays.copyOf(old, old.length + 2);
                grown[old.length] = option.rangeMinVersion(i);
                grown[old.length + 1] = option.rangeMaxVersion(i);
                ranges[family] = grown;
            }
        }
        final EnumSet<LegacyBrowserOption> set = EnumSet.noneOf(LegacyBrowserOption.class);
        set.addAll(options);
        return new LegacyBrowserRules(ranges, Collections.unmodifiableSet(set));
    }

    /**
     * @param family       the parsed family.
     * @param majorVersion the parsed major version, or -1 when unknown (never filtered).
     * @return whether an enabled option filters this browser.
     */
    public boolean isLegacy(final BrowserFamily family, final int majorVersion)
    {
        if (majorVersion < 0)
        {
            return false;
        }
        final int[] r = ranges[family.ordinal()];
        for (int i = 0; i < r.length; i += 2)
        {
            if (majorVersion >= r[i] && majorVersion <= r[i + 1])
            {
                return true;
            }
        }
        return false;
    }

    /** @return whether no option is enabled. */
    public boolean isEmpty()
    {
        return options.isEmpty();
    }

    /** @return the enabled options. */
    public Set<LegacyBrowserOption> options()
    {
        return options;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final LegacyBrowserOption option : options)
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(option.configName());
        }
        return sb.toString();
    }
}
