package io.crashfree.loadgen.verify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of the sessions API: {@code GET /api/0/organizations/{org}/sessions/} with {@code project}, repeated
 * {@code field} and {@code groupBy}, {@code start}/{@code end} and {@code interval}, authorized by
 * {@code Authorization: Bearer <token>}; follows {@code Link: <…>; rel="next"; results="true"} pages.
 */
public final class SessionsQuery
{
    private static final int MAX_PAGES = 1000;

    private final String base;
    private final String org;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param host    the node's host.
     * @param port    its port.
     * @param org     organization slug of the path (the node serves any).
     * @param token   a read token (config {@code query.tokens}); null or empty sends none.
     * @param timeout per request.
     */
    public SessionsQuery(final String host, final int port, final String org, final String token,
        final Duration timeout)
    {
        this.base = "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        this.org = org;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /**
     * Fetches every page of one query.
     *
     * @param projectId project.
     * @param fields    e.g. {@code sum(session)}, {@code count_unique(user)}.
     * @param groupBy   e.g. {@code release}, {@code environment}, {@code session.status}.
     * @param startMs   range start (rounded down to the hour).
     * @param endMs     range end (rounded up to the hour).
     * @return all groups.
     * @throws QueryException       when the node cannot be reached or refuses.
     * @throws InterruptedException if interrupted.
     */
    public SessionsAnswer fetch(final long projectId, final List<String> fields, final List<String> groupBy,
        final long startMs, final long endMs) throws QueryException, InterruptedException
    {
        final List<SessionsAnswer> pages = new ArrayList<>();
        String url = url(projectId, fields, groupBy, startMs, endMs);
        for (int page = 0; url != null; page++)
        {
            if (page == MAX_PAGES)
            {
                throw new QueryException(0, "the sessions API returned more than " + MAX_PAGES + " pages");
            }
            final HttpResponse<String> response = get(url);
            try
            {
                pages.add(SessionsAnswer.parse(response.body()));
            }
            catch (final IOException ex)
            {
                throw new QueryException(response.statusCode(), "the sessions API answered something that is not a " +
                    "sessions answer (" + ex.getMessage() + "): " + abbreviate(response.body()));
            }
            url = nextPage(response.headers().firstValue("link").orElse(null));
        }
        return SessionsAnswer.concat(pages);
    }

    /**
     * @return the first page's URL.
     * @param projectId project.
     * @param fields    fields.
     * @param groupBy   group-by keys.
     * @param startMs   range start.
     * @param endMs     range end.
     */
    public String url(final long projectId, final List<String> fields, final List<String> groupBy,
        final long startMs, final long endMs)
    {
        final Instant start = Instant.ofEpochMilli(startMs).truncatedTo(ChronoUnit.HOURS);
        Instant end = Instant.ofEpochMilli(endMs).truncatedTo(ChronoUnit.HOURS);
        if (end.toEpochMilli() < endMs || !end.isAfter(start))
        {
            end = end.plus(1, ChronoUnit.HOURS);
        }
        final StringBuilder u = new StringBuilder(base).append("/api/0/organizations/").append(encode(org))
            .append("/sessions/?project=").append(projectId);
        for (final String f : fields)
        {
            u.append("&field=").append(encode(f));
        }
        for (final String g : groupBy)
        {
            u.append("&groupBy=").append(encode(g));
        }
        u.append("&start=").append(encode(start.toString())).append("&end=").append(encode(end.toString()))
            .append("&interval=1h&includeSeries=0");
        return u.toString();
    }

    private HttpResponse<String> get(final String url) throws QueryException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
            .header("Accept", "application/json");
        if (token != null && !token.isEmpty())
        {
            request.header("Authorization", "Bearer " + token);
        }
        final HttpResponse<String> response;
        try
        {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (final ConnectException ex)
        {
            throw new QueryException(0, "cannot connect to " + base + " to query the sessions API (connection " +
                "refused): is the node still running?");
        }
        catch (final IOException ex)
        {
            throw new QueryException(0, "the sessions API query to " + base + " failed: " + ex);
        }
        final int status = response.statusCode();
        if (status == 200)
        {
            return response;
        }
        final String detail = abbreviate(response.body());
        if (status == 401 || status == 403)
        {
            throw new QueryException(status, "the node refused the query token (" + status + " " + detail + "): " +
                "pass --token with one of the node's query.tokens (or set CRASHFREE_QUERY_TOKEN)");
        }
        if (status == 404)
        {
            throw new QueryException(status, "the node has no sessions API at /api/0/organizations/" + org +
                "/sessions/ (404 " + detail + ")");
        }
        throw new QueryException(status, "the sessions API answered " + status + " " + detail + " to " + url);
    }

    /**
     * @param link a {@code Link} header, or null.
     * @return the next page's URL when the header announces one with results, else null.
     */
    static String nextPage(final String link)
    {
        if (link == null)
        {
            return null;
        }
        for (final String part : link.split(",\\s*(?=<)"))
        {
            final int open = part.indexOf('<');
            final int close = part.indexOf('>', open + 1);
            if (open < 0 || close < 0)
            {
                continue;
            }
            final String attributes = part.substring(close + 1).replace(" ", "");
            if (attributes.contains("rel=\"next\"") && attributes.contains("results=\"true\""))
            {
                return part.substring(open + 1, close);
            }
        }
        return null;
    }

    private static String encode(final String value)
    {
        final StringBuilder b = new StringBuilder(value.length() + 8);
        for (final byte c : value.getBytes(StandardCharsets.UTF_8))
        {
            final int ch = c & 0xFF;
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                "-._~()*:,@!$'".indexOf(ch) >= 0)
            {
                b.append((char)ch);
            }
            else
            {
                b.append('%').append(Character.toUpperCase(Character.forDigit(ch >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(ch & 0xF, 16)));
            }
        }
        return b.toString();
    }

    private static String abbreviate(final String body)
    {
        final String oneLine = body == null ? "" : body.replace('\n', ' ').trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }
}
