package io.crashfree.releases.version;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a release name the way Sentry's release parser does (facts from getsentry/sentry-release-parser, rewritten
 * here): {@code package@version} splits at the first {@code @} that is not the leading one; a version is up to four
 * dotted numbers, an optional pre-release (after a dash, or directly after a letter when there are two or more
 * numbers), an optional {@code +build}; a hex string of 12, 16, 20, 32, 40 or 64 characters is a build hash, never a
 * version, and is described by its first 12 characters.
 */
public final class VersionInfoParser
{

    private static final Pattern RELEASE = Pattern.compile("^(@?[^@]+)@(.+?)$");
    private static final String PRE_PART = "(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)";
    private static final Pattern VERSION = Pattern.compile("^([0-9]+)(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:\\.([0-9]+))?"
            + "((?:-|[a-z])" + PRE_PART + "?(?:\\." + PRE_PART + ")*)?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");
    private static final Pattern HEX = Pattern.compile("^[a-fA-F0-9]+$");
    private static final int SHORT_HASH_LENGTH = 12;

    private VersionInfoParser()
    {
    }

    /**
     * Parses a release name.
     *
     * @param release a valid release name
     * @return its version info
     */
    public static VersionInfo parse(String release)
    {
        String packageName = null;
        String raw = release;
        Matcher split = RELEASE.matcher(release);
        if (split.matches())
        {
            packageName = split.group(1);
            raw = split.group(2);
        }
        VersionInfo.Parsed parsed = isBuildHash(raw) ? null : parseVersion(raw);
        String buildHash = null;
        if (parsed != null && parsed.buildCode() != null && isBuildHash(parsed.buildCode()))
        {
            buildHash = parsed.buildCode();
        }
        else if (isBuildHash(raw))
        {
            buildHash = raw;
        }
        String shortHash = buildHash == null ? null : buildHash.substring(0, SHORT_HASH_LENGTH);
        String description;
        if (parsed != null)
        {
            int plus = raw.indexOf('+');
            String rawShort = parsed.buildCode() == null || plus < 0 ? raw : raw.substring(0, plus);
            if (shortHash != null)
            {
                description = rawShort + " (" + shortHash + ")";
            }
            else if (parsed.buildCode() != null)
            {
                description = rawShort + " (" + parsed.buildCode() + ")";
            }
            else
            {
                description = rawShort;
            }
        }
        else
        {
            description = shortHash != null ? shortHash : raw;
        }
        String shortVersion = isBuildHash(raw) ? raw.substring(0, SHORT_HASH_LENGTH) : raw;
        return new VersionInfo(packageName, raw, parsed, description, buildHash, shortVersion);
    }

    static boolean isBuildHash(String s)
    {
        return switch (s.length())
        {
            case 12, 16, 20, 32, 40, 64 -> HEX.matcher(s).matches();
            default -> false;
        };
    }

    private static VersionInfo.Parsed parseVersion(String version)
    {
        Matcher m = VERSION.matcher(version);
        if (!m.matches())
        {
            return null;
        }
        String pre = m.group(5);
        // one number followed directly by letters (1a1) is not a version; 1-a1 and 1.0a1 are
        if (m.group(2) == null && pre != null && pre.charAt(0) != '-')
        {
            return null;
        }
        if (pre != null && pre.charAt(0) == '-')
        {
            pre = pre.substring(1);
        }
        if (pre != null && pre.isEmpty())
        {
            pre = null;
        }
        int components = 0;
        for (int g = 1; g <= 4; g++)
        {
            if (m.group(g) != null)
            {
                components++;
            }
        }
        try
        {
            return new VersionInfo.Parsed(Long.parseLong(m.group(1)), number(m.group(2)), number(m.group(3)), pre,
                    m.group(6), components);
        }
        catch (NumberFormatException tooBig)
        {
            return null;
        }
    }

    private static long number(String digits)
    {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
