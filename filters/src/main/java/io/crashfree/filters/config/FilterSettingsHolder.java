package io.crashfree.filters.config;

import java.util.Map;

/**
 * The filter settings in force, swapped atomically on reload. Event-loop threads call {@link #current()} once per
 * envelope (a volatile read) and use that snapshot for the whole envelope; the control plane (file watcher or reload
 * endpoint) calls {@link #reload(Map)}, which installs new settings only when every key parses.
 */
public final class FilterSettingsHolder
{
    private volatile FilterSettings current;

    /** @param initial the settings in force at start-up. */
    public FilterSettingsHolder(final FilterSettings initial)
    {
        this.current = initial;
    }

    /** @return the settings in force now. */
    public FilterSettings current()
    {
        return current;
    }

    /**
     * Parses new settings and puts them in force. On a bad setting nothing changes.
     *
     * @param values the filter keys, as for {@link FilterSettingsParser#parse(Map)}.
     * @return the settings now in force.
     * @throws FilterConfigException naming the bad key and value; the previous settings stay in force.
     */
    public FilterSettings reload(final Map<String, String> values)
    {
        final FilterSettings parsed = FilterSettingsParser.parse(values);
        current = parsed;
        return parsed;
    }

    /**
     * Puts already-parsed settings in force.
     *
     * @param settings the new settings.
     */
    public void set(final FilterSettings settings)
    {
        current = settings;
    }
}
