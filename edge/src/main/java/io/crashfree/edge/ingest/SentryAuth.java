package io.crashfree.edge.ingest;

/**
 * Finds the public key of a request in the places the Sentry protocol allows, in Relay's order:
 * the {@code X-Sentry-Auth} header or an {@code Authorization: Sentry …} header, then {@code sentry_*} query
 * parameters, then (only when neither is present) the envelope header's {@code dsn}.
 * <p>
 * The key is reported as a window into the text it was found in, so nothing is copied. One instance per
 * event-loop thread, reset per request.
 */
public final class SentryAuth
{
    /** Length of a Sentry public key: 32 hex characters. */
    public static final int PUBLIC_KEY_LENGTH = 32;

    private CharSequence keySource;
    private int keyStart;
    private int keyEnd;
    private boolean fromRequest;

    /** Forgets the previous request's key. */
    public void reset()
    {
        keySource = null;
        keyStart = 0;
        keyEnd = 0;
        fromRequest = false;
    }

    /**
     * Looks for auth in the request's headers and query string.
     *
     * @param xSentryAuth        the {@code X-Sentry-Auth} header, or null.
     * @param xSentryAuthCount   how many {@code X-Sentry-Auth} headers the request had.
     * @param authorization      the {@code Authorization} header, or null.
     * @param authorizationCount how many {@code Authorization} headers the request had.
     * @param uri                the request URI with its query string.
     * @return null when a key was found or none was given (then {@link #hasKey()} tells which), else the rejection.
     */
    public Rejection fromRequest(
        final CharSequence xSentryAuth,
        final int xSentryAuthCount,
        final CharSequence authorization,
        final int authorizationCount,
        final CharSequence uri)
    {
        reset();
        final boolean sentryAuthorization = authorization != null && startsWithIgnoreCase(authorization, 0, "sentry ");
        final int headerSources = xSentryAuthCount + (sentryAuthorization ? authorizationCount : 0);
        if (headerSources > 1)
        {
            return Rejection.MULTIPLE_AUTH;
        }

        final Rejection queryResult = findQueryKey(uri);
        if (queryResult != null)
        {
            return queryResult;
        }
        final boolean queryHasKey = keySource != null;

        if (headerSources == 1)
        {
            if (queryHasKey || queryHasSentryParams)
            {
                return Rejection.MULTIPLE_AUTH;
            }
            final CharSequence header = xSentryAuthCount == 1 ? xSentryAuth : authorization;
            if (!findHeaderKey(header))
            {
                return Rejection.BAD_AUTH_HEADER;
            }
        }
        else if (!queryHasKey && queryHasSentryParams)
        {
            return Rejection.MISSING_AUTH;
        }

        if (keySource != null)
        {
            fromRequest = true;
            return isWellFormedKey(keySource, keyStart, keyEnd) ? null : Rejection.BAD_PUBLIC_KEY;
        }
        return null;
    }

    /**
     * Takes the key from the envelope header's {@code dsn} ({@code scheme://key[:secret]@host[:port]/…/project_id}).
     *
     * @param dsn       the dsn text.
     * @param projectId the project id from the request path, which the dsn must name too.
     * @return null when a well-formed key was found, else the rejection.
     */
    public Rejection fromDsn(final CharSequence dsn, final long projectId)
    {
        reset();
        final int schemeEnd = indexOf(dsn, "://", 0);
        if (schemeEnd < 0)
        {
            return Rejection.BAD_PUBLIC_KEY;
        }
        final int userStart = schemeEnd + 3;
        final int at = indexOf(dsn, "@", userStart);
        if (at < 0)
        {
            return Rejection.BAD_PUBLIC_KEY;
        }
        int userEnd = indexOf(dsn, ":", userStart);
        if (userEnd < 0 || userEnd > at)
        {
            userEnd = at;
        }
        if (!isWellFormedKey(dsn, userStart, userEnd))
        {
            return Rejection.BAD_PUBLIC_KEY;
        }
        int pathEnd = dsn.length();
        while (pathEnd > at && dsn.charAt(pathEnd - 1) == '/')
        {
            pathEnd--;
        }
        int idStart = pathEnd;
        while (idStart > at && dsn.charAt(idStart - 1) != '/')
        {
            idStart--;
        }
        if (parseProjectId(dsn, idStart, pathEnd) != projectId)
        {
            return Rejection.rejected("ProjectId");
        }
        keySource = dsn;
        keyStart = userStart;
        keyEnd = userEnd;
        return null;
    }

    /** @return whether a key was found. */
    public boolean hasKey()
    {
        return keySource != null;
    }

    /** @return whether the key came from a header or the query string (not the envelope). */
    public boolean isFromRequest()
    {
        return fromRequest;
    }

    /**
     * Compares the found key with a configured one, without allocating.
     *
     * @param publicKey a configured key.
     * @return whether they are the same.
     */
    public boolean keyEquals(final String publicKey)
    {
        if (keySource == null || publicKey.length() != keyEnd - keyStart)
        {
            return false;
        }
        for (int i = 0; i < publicKey.length(); i++)
        {
            if (Character.toLowerCase(keySource.charAt(keyStart + i)) != publicKey.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** @return the found key as a string (allocates; for tests and messages). */
    public String key()
    {
        return keySource == null ? null : keySource.subSequence(keyStart, keyEnd).toString();
    }

    /**
     * Parses a positive decimal project id.
     *
     * @param s     text.
     * @param start first character.
     * @param end   end, exclusive.
     * @return the id, or -1 when the text is not a positive number of at most 18 digits.
     */
    public static long parseProjectId(final CharSequence s, final int start, final int end)
    {
        if (end <= start || end - start > 18)
        {
            return -1;
        }
        long id = 0;
        for (int i = start; i < end; i++)
        {
            final char c = s.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            id = id * 10 + (c - '0');
        }
        return id > 0 ? id : -1;
    }

    /**
     * @param s     text.
     * @param start first character.
     * @param end   end, exclusive.
     * @return whether the window is 32 hex characters.
     */
    public static boolean isWellFormedKey(final CharSequence s, final int start, final int end)
    {
        if (end - start != PUBLIC_KEY_LENGTH)
        {
            return false;
        }
        for (int i = start; i < end; i++)
        {
            final char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            {
                return false;
            }
        }
        return true;
    }

    private boolean queryHasSentryParams;

    private Rejection findQueryKey(final CharSequence uri)
    {
        queryHasSentryParams = false;
        final int q = indexOf(uri, "?", 0);
        if (q < 0)
        {
            return null;
        }
        int pos = q + 1;
        final int len = uri.length();
        while (pos < len)
        {
            int end = indexOf(uri, "&", pos);
            if (end < 0)
            {
                end = len;
            }
            if (startsWithIgnoreCase(uri, pos, "sentry_"))
            {
                queryHasSentryParams = true;
                if (startsWithIgnoreCase(uri, pos, "sentry_key="))
                {
                    if (keySource != null)
                    {
                        return Rejection.MULTIPLE_AUTH;
                    }
                    keySource = uri;
                    keyStart = pos + "sentry_key=".length();
                    keyEnd = end;
                }
            }
            pos = end + 1;
        }
        return null;
    }

    private boolean findHeaderKey(final CharSequence header)
    {
        int pos = 0;
        final int len = header.length();
        while (pos < len && header.charAt(pos) == ' ')
        {
            pos++;
        }
        if (startsWithIgnoreCase(header, pos, "sentry "))
        {
            pos += "sentry ".length();
        }
        while (pos < len)
        {
            int end = indexOf(header, ",", pos);
            if (end < 0)
            {
                end = len;
            }
            int s = pos;
            while (s < end && header.charAt(s) == ' ')
            {
                s++;
            }
            if (startsWithIgnoreCase(header, s, "sentry_key"))
            {
                int eq = s + "sentry_key".length();
                while (eq < end && header.charAt(eq) == ' ')
                {
                    eq++;
                }
                if (eq < end && header.charAt(eq) == '=')
                {
                    int vs = eq + 1;
                    int ve = end;
                    while (vs < ve && header.charAt(vs) == ' ')
                    {
                        vs++;
                    }
                    while (ve > vs && header.charAt(ve - 1) == ' ')
                    {
                        ve--;
                    }
                    keySource = header;
                    keyStart = vs;
                    keyEnd = ve;
                    return true;
                }
            }
            pos = end + 1;
        }
        return false;
    }

    private static boolean startsWithIgnoreCase(final CharSequence s, final int at, final String prefix)
    {
        if (s.length() - at < prefix.length())
        {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++)
        {
            if (Character.toLowerCase(s.charAt(at + i)) != prefix.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(final CharSequence s, final String needle, final int from)
    {
        final int last = s.length() - needle.length();
        outer:
        for (int i = from; i <= last; i++)
        {
            for (int j = 0; j < needle.length(); j++)
            {
                if (s.charAt(i + j) != needle.charAt(j))
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
