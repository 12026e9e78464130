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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A client of the sessions API: {@code GET /api/0/organizations/{org}/sessions/} with {@code project}, repeated
 * {@code field} and {@code groupBy}, {@code start}/{@code end} and {@code interval}, authorized by
 * {@code Authorization: Bearer <token>}; follows {@code Link: <…>; rel="next"; results="true"} pages.
 * <p>
 * The sessions API answers at most {@value #MAX_GROUPS} values per query, that is {@code 5000 / intervals} groups
 * (Sentry's SNUBA_LIMIT divided by the intervals of the range), and a node need not page past them: Crashfree's node
 * cuts the list at that size without a {@code Link} header. {@link #fetchReleases} therefore asks about a run's
 * releases in batches ({@code query=release:[a,b,…]}) small enough that every group of a batch fits in one page, and
 * asks again in halves when an answer comes back full, so that a missing group always means the node lacks it.
 */
public final class SessionsQuery
{
    /** Most groups × intervals one answer holds (Sentry's SNUBA_LIMIT; the node's {@code per_page} maximum). */
    public static final int MAX_GROUPS = 5000;
    private static final int MAX_PAGES = 1000;
    /** Encoded characters of release names per query: keeps the request line well under the node's 8 KiB limit. */
    private static final int MAX_RELEASE_CHARS = 3000;
    private static final long HOUR_MS = 3_600_000L;

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
        return fetchPages(url(projectId, fields, groupBy, startMs, endMs)).answer;
    }

    /**
     * Fetches one query restricted to the given releases, in batches of releases whose groups fit in one page each
     * ({@link #pageGroups}, half of it used so that groups the caller did not expect still fit); an answer that comes
     * back as full as a page may be cut, so its batch is asked again in halves. Pages announced with a {@code Link}
     * header are followed.
     *
     * @param projectId        project.
     * @param fields           fields.
     * @param groupBy          group-by keys; {@code release} among them.
     * @param releases         the releases to ask about (each at most once).
     * @param groupsPerRelease groups the caller expects per release (environments × statuses, say), at least 1.
     * @param startMs          range start (rounded down to the hour).
     * @param endMs            range end (rounded up to the hour).
     * @return the groups of every batch.
     * @throws QueryException       when the node cannot be reached or refuses, or when even one release's groups
     *                              fill a whole page (its answer could be cut).
     * @throws InterruptedException if interrupted.
     */
    public SessionsAnswer fetchReleases(final long projectId, final List<String> fields, final List<String> groupBy,
        final List<String> releases, final int groupsPerRelease, final long startMs, final long endMs)
        throws QueryException, InterruptedException
    {
        final int perPage = pageGroups(startMs, endMs);
        final int perBatch = Math.max(1, perPage / (2 * Math.max(1, groupsPerRelease)));
        final Deque<List<String>> todo = new ArrayDeque<>(batches(releases, perBatch));
        final List<SessionsAnswer> answers = new ArrayList<>();
        while (!todo.isEmpty())
        {
            final List<String> batch = todo.pollFirst();
            final Fetched f = fetchPages(url(projectId, fields, groupBy, startMs, endMs, releaseSearch(batch),
                perPage));
            if (f.lastPageGroups >= perPage)
            {
                if (batch.size() == 1)
                {
                    throw new QueryException(0, "the sessions API answered " + f.lastPageGroups + " groups for " +
                        "release " + batch.get(0) + " alone, a full page of " + perPage + " (" + MAX_GROUPS +
                        " / intervals): groups may have been cut; verify a shorter run");
                }
                todo.addFirst(batch.subList(batch.size() / 2, batch.size()));
                todo.addFirst(batch.subList(0, batch.size() / 2));
                continue;
            }
            answers.add(f.answer);
        }
        return SessionsAnswer.concat(answers);
    }

    /**
     * @param startMs range start.
     * @param endMs   range end.
     * @return the most groups one answer over that range holds: {@value #MAX_GROUPS} / hourly intervals, at least 1.
     */
    public static int pageGroups(final long startMs, final long endMs)
    {
        final long start = Math.floorDiv(startMs, HOUR_MS);
        long end = -Math.floorDiv(-endMs, HOUR_MS);
        if (end <= start)
        {
            end = start + 1;
        }
        return (int)Math.max(1, MAX_GROUPS / (end - start));
    }

    /**
     * Splits releases into batches of at most {@code perBatch} names and {@value #MAX_RELEASE_CHARS} encoded
     * characters; a name the {@code [a,b]} list syntax cannot carry (one with {@code ,}, {@code [} or {@code ]}) gets
     * a batch of its own and is quoted.
     */
    static List<List<String>> batches(final List<String> releases, final int perBatch)
    {
        final List<List<String>> batches = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int chars = 0;
        for (final String r : releases)
        {
            final int length = encode(r).length() + 3;
            if (!listable(r))
            {
                batches.add(List.of(r));
                continue;
            }
            if (!current.isEmpty() && (current.size() >= perBatch || chars + length > MAX_RELEASE_CHARS))
            {
                batches.add(current);
                current = new ArrayList<>();
                chars = 0;
            }
            current.add(r);
            chars += length;
        }
        if (!current.isEmpty())
        {
            batches.add(current);
        }
        return batches;
    }

    /**
     * @param releases a batch from {@link #batches}.
     * @return its {@code query} search: {@code release:[a,b,…]}, or {@code release:"a"} for a lone name.
     */
    static String releaseSearch(final List<String> releases)
    {
        if (releases.size() == 1)
        {
            return "release:\"" + releases.get(0) + "\"";
        }
        return "release:[" + String.join(",", releases) + "]";
    }

    private static boolean listable(final String release)
    {
        return release.indexOf(',') < 0 && release.indexOf('[') < 0 && release.indexOf(']') < 0;
    }

    /** The pages of one query: their groups, and how many groups the last page had. */
    private record Fetched(SessionsAnswer answer, int lastPageGroups)
    {
    }

    private Fetched fetchPages(final String firstUrl) throws QueryException, InterruptedException
    {
        final List<SessionsAnswer> pages = new ArrayList<>();
        String url = firstUrl;
        int last = 0;
        for (int page = 0; url != null; page++)
        {
            if (page == MAX_PAGES)
            {
                throw new QueryException(0, "the sessions API returned more than " + MAX_PAGES + " pages");
            }
            final HttpResponse<String> response = get(url);
            final SessionsAnswer answer;
            try
            {
                answer = SessionsAnswer.parse(response.body());
            }
            catch (final IOException ex)
            {
                throw new QueryException(response.statusCode(), "the sessions API answered something that is not a " +
                    "sessions answer (" + ex.getMessage() + "): " + abbreviate(response.body()));
            }
            pages.add(answer);
            last = answer.groups().size();
            url = nextPage(response.headers().firstValue("link").orElse(null));
        }
        return new Fetched(SessionsAnswer.concat(pages), last);
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
        return url(projectId, fields, groupBy, startMs, endMs, null, 0);
    }

    /**
     * @return the first page's URL.
     * @param projectId project.
     * @param fields    fields.
     * @param groupBy   group-by keys.
     * @param startMs   range start.
     * @param endMs     range end.
     * @param search    the {@code query} parameter, or null.
     * @param perPage   the {@code per_page} parameter, or 0 for none.
     */
    public String url(final long projectId, final List<String> fields, final List<String> groupBy,
        final long startMs, final long endMs, final String search, final int perPage)
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
        if (search != null)
        {
            u.append("&query=").append(encode(search));
        }
        if (perPage > 0)
        {
            u.append("&per_page=").append(perPage);
        }
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
