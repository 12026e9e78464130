package io.crashfree.releases.version;

/**
 * A release version as Sentry shows it ({@code versionInfo} on a release, plus {@code shortVersion}).
 *
 * @param packageName the part before the first {@code @}, or {@code null}
 * @param raw the version after the package (the whole name when there is none)
 * @param parsed the semantic-version reading of {@code raw}, or {@code null} when it is not one
 * @param description the human form: {@code 1.0.0 (1234)}, a 12-character hash, or the raw version
 * @param buildHash the hash the version or its build code is, or {@code null}
 * @param shortVersion the name without the package, or the short form (12 characters) of a hash
 */
public record VersionInfo(String packageName, String raw, Parsed parsed, String description, String buildHash,
                          String shortVersion)
{

    /**
     * The semantic-version parts.
     *
     * @param major the first number
     * @param minor the second number (0 when absent)
     * @param patch the third number (0 when absent)
     * @param pre the pre-release part without its leading dash, or {@code null}
     * @param buildCode the part after {@code +}, or {@code null}
     * @param components how many of the up to four dotted numbers were given
     */
    public record Parsed(long major, long minor, long patch, String pre, String buildCode, int components)
    {
    }
}
