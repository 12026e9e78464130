package io.crashfree.errors.forward;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A project's upstream DSN ({@code project.<id>.upstream.dsn}): any Sentry-compatible server (Sentry, GlitchTip,
 * Bugsink), {@code scheme://public_key[:secret]@host[:port][/path]/project_id}.
 *
 * @param dsn         the DSN as configured.
 * @param envelopeUri where envelopes go: {@code scheme://host[:port][/path]/api/<project_id>/envelope/}.
 * @param publicKey   the upstream's public key ({@code sentry_key}).
 * @param secret      the legacy secret key, or null.
 * @param projectId   the upstream's project id.
 */
public record UpstreamDsn(String dsn, URI envelopeUri, String publicKey, String secret, String projectId)
{
    /**
     * Parses a DSN as the SDKs do.
     *
     * @param dsn the text.
     * @return the DSN.
     * @throws IllegalArgumentException saying what is wrong (the caller names the key).
     */
    public static UpstreamDsn parse(final String dsn)
    {
        final URI uri;
        try
        {
            uri = new URI(dsn.trim());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("not a URL (" + ex.getReason() + ")");
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https"))
        {
            throw new IllegalArgumentException("the scheme must be http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty())
        {
            throw new IllegalArgumentException("it has no host");
        }
        final String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty())
        {
            throw new IllegalArgumentException("it has no public key (scheme://<key>@host/<project>)");
        }
        final int colon = userInfo.indexOf(':');
        final String key = colon < 0 ? userInfo : userInfo.substring(0, colon);
        final String secret = colon < 0 ? null : userInfo.substring(colon + 1);
        if (key.isEmpty() || !key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_'))
        {
            throw new IllegalArgumentException("the public key must be letters and digits");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null)
        {
            throw new IllegalArgumentException("it must not have a query or fragment");
        }
        final String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        final int lastSlash = path.lastIndexOf('/');
        final String project = lastSlash < 0 ? "" : path.substring(lastSlash + 1);
        if (project.isEmpty() || !project.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            throw new IllegalArgumentException("the path must end with the numeric project id");
        }
        final String prefix = path.substring(0, lastSlash);
        final URI envelope = URI.create(scheme + "://" + uri.getRawAuthority().substring(userInfo.length() + 1) +
            prefix + "/api/" + project + "/envelope/");
        return new UpstreamDsn(dsn.trim(), envelope, key, secret == null || secret.isEmpty() ? null : secret, project);
    }

    /**
     * @param sentryClient the client name to announce (the original SDK's, as Relay forwards it).
     * @return the {@code X-Sentry-Auth} header for the upstream.
     */
    public String authHeader(final String sentryClient)
    {
        final StringBuilder b = new StringBuilder(128).append("Sentry sentry_version=7, sentry_client=")
            .append(sentryClient).append(", sentry_key=").append(publicKey);
        if (secret != null)
        {
            b.append(", sentry_secret=").append(secret);
        }
        return b.toString();
    }

    @Override
    public String toString()
    {
        // never print the key: the host and project are enough to know where it goes
        return envelopeUri.toString();
    }
}
