package io.crashfree.filters.config;

import io.crashfree.filters.ip.IpNetworkSet;
import io.crashfree.filters.release.ReleaseGlobSet;
import io.crashfree.filters.useragent.LegacyBrowserOption;
import io.crashfree.filters.useragent.LegacyBrowserRules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses the filter keys of a node's configuration into {@link FilterSettings} (control plane: plain and strict).
 * Every key and value is checked; the first problem stops the parse with a {@link FilterConfigException} that names
 * the key and the value, so a reload with a bad setting can be refused while the old settings stay in force.
 * <p>
 * The edge routes keys here with {@link #isOwnKey(String)}; the key list and defaults are on the package
 * documentation of {@code io.crashfree.filters.config}.
 */
public final class FilterSettingsParser
{
    /** Oldest {@code started} kept, in seconds (default 5 days). */
    public static final String STARTED_MAX_AGE_KEY = "validation.started.max.age.seconds";
    /** Furthest-ahead {@code started} or {@code timestamp} kept, in seconds (default 60). */
    public static final String STARTED_MAX_FUTURE_KEY = "validation.started.max.future.seconds";
    /** Suffix of the client-IP filter key: {@code project.<id>.filters.client.ips}. */
    public static final String CLIENT_IPS = "client.ips";
    /** Suffix of the release filter key: {@code project.<id>.filters.releases}. */
    public static final String RELEASES = "releases";
    /** Suffix of the localhost filter key: {@code project.<id>.filters.localhost}. */
    public static final String LOCALHOST = "localhost";
    /** Suffix of the legacy-browser filter key: {@code project.<id>.filters.legacy.browsers}. */
    public static final String LEGACY_BROWSERS = "legacy.browsers";
    /** Suffix of the web-crawler filter key: {@code project.<id>.filters.web.crawlers}. */
    public static final String WEB_CRAWLERS = "web.crawlers";

    private static final String PROJECT_PREFIX = "project.";
    private static final String FILTERS_INFIX = ".filters.";
    private static final List<String> PROJECT_SUFFIXES =
        List.of(CLIENT_IPS, RELEASES, LOCALHOST, LEGACY_BROWSERS, WEB_CRAWLERS);
    private static final long MAX_AGE_SECONDS_LIMIT = 30 * 86_400L;
    private static final long MAX_FUTURE_SECONDS_LIMIT = 86_400L;

    private FilterSettingsParser()
    {
    }

    /**
     * @param key a configuration key.
     * @return whether this module owns it: {@code validation.*} or {@code project.<id>.filters.*}.
     */
    public static boolean isOwnKey(final String key)
    {
        if (key.startsWith("validation."))
        {
            return true;
        }
        if (!key.startsWith(PROJECT_PREFIX))
        {
            return false;
        }
        final int infix = key.indexOf(FILTERS_INFIX, PROJECT_PREFIX.length());
        return infix > PROJECT_PREFIX.length() && key.indexOf('.', PROJECT_PREFIX.length()) == infix;
    }

    /**
     * Parses and compiles the filter settings.
     *
     * @param values the keys this module owns (others are refused) and their values; missing keys take defaults.
     * @return the settings.
     * @throws FilterConfigException naming the key and the value of the first problem.
     */
    public static FilterSettings parse(final Map<String, String> values)
    {
        long maxAgeSeconds = ValidationSettings.DEFAULT.startedMaxAgeMs() / 1000;
        long maxFutureSeconds = ValidationSettings.DEFAULT.startedMaxFutureMs() / 1000;
        final Map<Long, Map<String, String>> projectValues = new TreeMap<>();
        for (final Map.Entry<String, String> e : new TreeMap<>(values).entrySet())
        {
            final String key = e.getKey();
            final String value = e.getValue() == null ? "" : e.getValue().strip();
            if (key.equals(STARTED_MAX_AGE_KEY))
            {
                maxAgeSeconds = integer(key, value, 60, MAX_AGE_SECONDS_LIMIT);
            }
            else if (key.equals(STARTED_MAX_FUTURE_KEY))
            {
                maxFutureSeconds = integer(key, value, 0, MAX_FUTURE_SECONDS_LIMIT);
            }
            else if (isOwnKey(key) && key.startsWith(PROJECT_PREFIX))
            {
                final int infix = key.indexOf(FILTERS_INFIX);
                final long projectId = projectId(key, key.substring(PROJECT_PREFIX.length(), infix));
                final String suffix = key.substring(infix + FILTERS_INFIX.length());
                if (!PROJECT_SUFFIXES.contains(suffix))
                {
                    throw new FilterConfigException(key, "unknown filter setting: " + key + " (known: " +
                        knownProjectKeys() + ")");
                }
                projectValues.computeIfAbsent(projectId, id -> new TreeMap<>()).put(suffix, value);
            }
            else
            {
                throw new FilterConfigException(key, "unknown filter setting: " + key + " (known: " +
                    STARTED_MAX_AGE_KEY + ", " + STARTED_MAX_FUTURE_KEY + ", " + knownProjectKeys() + ")");
            }
        }
        final List<ProjectFilters> projects = new ArrayList<>();
        for (final Map.Entry<Long, Map<String, String>> e : projectValues.entrySet())
        {
            projects.add(project(e.getKey(), e.getValue()));
        }
        return new FilterSettings(new ValidationSettings(maxAgeSeconds * 1000, maxFutureSeconds * 1000), projects);
    }

    private static ProjectFilters project(final long projectId, final Map<String, String> values)
    {
        final String prefix = PROJECT_PREFIX + projectId + FILTERS_INFIX;
        IpNetworkSet clientIps = IpNetworkSet.EMPTY;
        ReleaseGlobSet releases = ReleaseGlobSet.EMPTY;
        LegacyBrowserRules legacyBrowsers = LegacyBrowserRules.NONE;
        final String ips = values.get(CLIENT_IPS);
        if (ips != null)
        {
            try
            {
                clientIps = IpNetworkSet.compile(splitList(ips));
            }
            catch (final IllegalArgumentException ex)
            {
                throw malformed("client IP or CIDR block", prefix + CLIENT_IPS, ips, ex);
            }
        }
        final String globs = values.get(RELEASES);
        if (globs != null)
        {
            try
            {
                releases = ReleaseGlobSet.compile(globs);
            }
            catch (final IllegalArgumentException ex)
            {
                throw malformed("release glob", prefix + RELEASES, globs, ex);
            }
        }
        final String browsers = values.get(LEGACY_BROWSERS);
        if (browsers != null)
        {
            legacyBrowsers = legacyBrowsers(prefix + LEGACY_BROWSERS, browsers);
        }
        return new ProjectFilters(
            projectId,
            clientIps,
            releases,
            bool(prefix + LOCALHOST, values.getOrDefault(LOCALHOST, "false")),
            legacyBrowsers,
            bool(prefix + WEB_CRAWLERS, values.getOrDefault(WEB_CRAWLERS, "false")));
    }

    private static LegacyBrowserRules legacyBrowsers(final String key, final String value)
    {
        final EnumSet<LegacyBrowserOption> options = EnumSet.noneOf(LegacyBrowserOption.class);
        for (final String name : splitList(value))
        {
            final LegacyBrowserOption option = LegacyBrowserOption.fromConfigName(name);
            if (option == null)
            {
                final StringBuilder known = new StringBuilder();
                for (final LegacyBrowserOption o : LegacyBrowserOption.values())
                {
                    known.append(known.length() == 0 ? "" : ", ").append(o.configName());
                }
                throw new FilterConfigException(key, "unknown legacy browser option \"" + name + "\": " + key + "=" +
                    value + " (known: " + known + ")");
            }
            options.add(option);
        }
        return LegacyBrowserRules.compile(options);
    }

    private static FilterConfigException malformed(
        final String what, final String key, final String value, final IllegalArgumentException cause)
    {
        return new FilterConfigException(key, what + " is malformed: " + key + "=" + value + " (" +
            cause.getMessage() + ")");
    }

    private static List<String> splitList(final String value)
    {
        final List<String> entries = new ArrayList<>();
        for (final String part : value.split(","))
        {
            final String entry = part.strip();
            if (!entry.isEmpty())
            {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static boolean bool(final String key, final String value)
    {
        if (value.equalsIgnoreCase("true"))
        {
            return true;
        }
        if (value.equalsIgnoreCase("false"))
        {
            return false;
        }
        throw new FilterConfigException(key, key + " must be true or false: " + key + "=" + value);
    }

    private static long integer(final String key, final String value, final long min, final long max)
    {
        try
        {
            final long n = Long.parseLong(value);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new FilterConfigException(key, key + " must be an integer between " + min + " and " + max + ": " +
            key + "=" + value);
    }

    private static long projectId(final String key, final String text)
    {
        try
        {
            final long id = Long.parseLong(text);
            if (id > 0)
            {
                return id;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new FilterConfigException(key, "project id must be a positive integer: " + key);
    }

    private static String knownProjectKeys()
    {
        final StringBuilder sb = new StringBuilder();
        for (final String suffix : PROJECT_SUFFIXES)
        {
            sb.append(sb.length() == 0 ? "" : ", ").append("project.<id>.filters.").append(suffix);
        }
        return sb.toString();
    }
}
