package io.crashfree.edge.query;

import io.crashfree.aggregation.query.GroupBy;
import io.crashfree.aggregation.query.QueryException;
import io.crashfree.aggregation.query.SessionField;
import io.crashfree.aggregation.query.SessionStatusGroup;
import io.crashfree.aggregation.query.SessionsQuery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the sessions API's query parameters into a validated {@link SessionsQuery}, with Sentry's error messages
 * for bad parameters (reference §6.1, §6.2). Control plane: plain and readable.
 */
public final class SessionsParams
{
    /** Most intervals one query may span (Sentry's MAX_POINTS). */
    public static final int MAX_POINTS = 1000;
    /** Most groups, and the default page size (Sentry's SNUBA_LIMIT). */
    public static final int MAX_GROUPS = 5000;
    private static final String TOO_MANY = "Your interval and date range would create too many results. " +
        "Use a larger interval, or a smaller date range.";

    private SessionsParams()
    {
    }

    /**
     * @param params         decoded query parameters.
     * @param knownProjects  configured project ids.
     * @param bucketWidthSec the node's finest bucket width.
     * @param nowMs          now.
     * @return the query.
     * @throws QueryException with the message of the 400.
     */
    public static SessionsQuery parse(final Map<String, List<String>> params, final List<Long> knownProjects,
        final long bucketWidthSec, final long nowMs)
    {
        final List<String> fieldNames = params.getOrDefault("field", List.of());
        if (fieldNames.isEmpty())
        {
            throw new QueryException("Request is missing a \"field\"");
        }
        final List<SessionField> fields = new ArrayList<>();
        for (final String name : fieldNames)
        {
            final SessionField f = SessionField.fromApiName(name);
            if (f == null)
            {
                throw new QueryException("Invalid field: \"" + name + "\"");
            }
            if (!fields.contains(f))
            {
                fields.add(f);
            }
        }
        final List<GroupBy> groupBy = new ArrayList<>();
        for (final String name : params.getOrDefault("groupBy", List.of()))
        {
            final GroupBy g = GroupBy.fromApiName(name);
            if (g == null)
            {
                throw new QueryException("Invalid groupBy: \"" + name + "\"");
            }
            if (!groupBy.contains(g))
            {
                groupBy.add(g);
            }
        }

        final Set<String> environments = new LinkedHashSet<>(params.getOrDefault("environment", List.of()));
        final Set<String> releases = new LinkedHashSet<>();
        final Set<SessionStatusGroup> statuses = new LinkedHashSet<>();
        final Set<Long> projects = new LinkedHashSet<>();
        for (final String p : params.getOrDefault("project", List.of()))
        {
            projects.add(parseProject(p));
        }
        final String query = first(params, "query", "");
        parseSearch(query, environments, releases, statuses, projects);

        final boolean rate = fields.stream().anyMatch(SessionField::isRate);
        if (rate && (groupBy.contains(GroupBy.SESSION_STATUS) || !statuses.isEmpty()))
        {
            throw new QueryException("Cannot group or filter crash and ANR rate fields by session.status");
        }

        final List<Long> selected = new ArrayList<>();
        final boolean all = projects.isEmpty() || projects.contains(-1L);
        for (final long id : knownProjects)
        {
            if (all || projects.contains(id))
            {
                selected.add(id);
            }
        }
        if (selected.isEmpty())
        {
            throw new QueryException("No projects available");
        }

        final long intervalSec = parseInterval(first(params, "interval", "1h"), bucketWidthSec);
        long startSec;
        long endSec;
        final String start = first(params, "start", null);
        final String end = first(params, "end", null);
        final long nowSec = nowMs / 1000;
        if (start != null || end != null)
        {
            if (start == null || end == null)
            {
                throw new QueryException("start and end are both required");
            }
            startSec = parseTime("start", start);
            endSec = parseTime("end", end);
            if (endSec <= startSec)
            {
                throw new QueryException("start must be before end");
            }
        }
        else
        {
            endSec = nowSec;
            startSec = nowSec - parseDuration("statsPeriod", first(params, "statsPeriod", "24h"));
        }
        startSec = Math.min(startSec, nowSec); // a start in the future is clamped to now
        startSec = Math.floorDiv(startSec, intervalSec) * intervalSec;
        endSec = Math.max(endSec, startSec + 1);
        endSec = -Math.floorDiv(-endSec, intervalSec) * intervalSec;
        if ((endSec - startSec) / intervalSec > MAX_POINTS)
        {
            throw new QueryException(TOO_MANY);
        }

        SessionField orderBy = null;
        boolean descending = false;
        final String order = first(params, "orderBy", null);
        if (order != null && !order.isEmpty())
        {
            descending = order.startsWith("-");
            orderBy = SessionField.fromApiName(descending ? order.substring(1) : order);
            if (orderBy == null || !fields.contains(orderBy))
            {
                throw new QueryException("'orderBy' must be one of the provided 'fields'");
            }
        }
        final int limit = parsePerPage(first(params, "per_page", String.valueOf(MAX_GROUPS)));
        return new SessionsQuery(selected, environments, releases, statuses, startSec, endSec, intervalSec, fields,
            groupBy, orderBy, descending, limit, !"0".equals(first(params, "includeTotals", "1")),
            !"0".equals(first(params, "includeSeries", "1")));
    }

    /**
     * @param text a duration like {@code 24h}, {@code 14d}, {@code 30m}, {@code 90s}, {@code 2w}.
     * @return seconds.
     */
    public static long parseDuration(final String name, final String text)
    {
        if (text != null && text.length() >= 2)
        {
            final char unit = text.charAt(text.length() - 1);
            final long factor = switch (unit)
            {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86_400;
                case 'w' -> 604_800;
                default -> -1;
            };
            try
            {
                final long n = Long.parseLong(text.substring(0, text.length() - 1));
                if (factor > 0 && n > 0 && n < 100_000)
                {
                    return n * factor;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // reported below
            }
        }
        throw new QueryException("Invalid " + name + ": \"" + text + "\" (use a number and a unit: s, m, h, d, w)");
    }

    private static long parseInterval(final String text, final long bucketWidthSec)
    {
        final long interval = parseDuration("interval", text);
        if (interval < bucketWidthSec || interval % bucketWidthSec != 0)
        {
            throw new QueryException("The interval has to be a multiple of the minimum interval of " +
                bucketWidthSec + " seconds.");
        }
        if (interval > 86_400)
        {
            throw new QueryException("The interval has to be less than one day.");
        }
        if (86_400 % interval != 0)
        {
            throw new QueryException("The interval should divide one day without a remainder.");
        }
        return interval;
    }

    private static long parseTime(final String name, final String text)
    {
        try
        {
            return Instant.parse(text).getEpochSecond();
        }
        catch (final DateTimeParseException ex)
        {
            try
            {
                return OffsetDateTime.parse(text).toEpochSecond();
            }
            catch (final DateTimeParseException ex2)
            {
                try
                {
                    return Instant.parse(text + "Z").getEpochSecond(); // naive timestamps are UTC
                }
                catch (final DateTimeParseException ex3)
                {
                    throw new QueryException("Invalid " + name + ": \"" + text + "\" (use ISO 8601, e.g. " +
                        "2026-11-25T00:00:00Z)");
                }
            }
        }
    }

    private static long parseProject(final String text)
    {
        try
        {
            return Long.parseLong(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new QueryException("Invalid project parameter: \"" + text + "\"");
        }
    }

    private static int parsePerPage(final String text)
    {
        try
        {
            final int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_GROUPS)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new QueryException("Invalid per_page: \"" + text + "\" (1 to " + MAX_GROUPS + ")");
    }

    /**
     * Parses the {@code query} search string: space-separated {@code key:value} terms on {@code release},
     * {@code environment}, {@code project} and {@code session.status}, values optionally quoted or given as
     * {@code [a,b]} lists. Several terms on one key are alternatives.
     */
    static void parseSearch(final String query, final Set<String> environments, final Set<String> releases,
        final Set<SessionStatusGroup> statuses, final Set<Long> projects)
    {
        int i = 0;
        final int n = query.length();
        while (i < n)
        {
            while (i < n && query.charAt(i) == ' ')
            {
                i++;
            }
            if (i >= n)
            {
                break;
            }
            final int colon = query.indexOf(':', i);
            final int space = query.indexOf(' ', i);
            if (colon < 0 || (space >= 0 && space < colon))
            {
                throw new QueryException("Invalid query: free text search is not supported; use key:value");
            }
            final String key = query.substring(i, colon);
            i = colon + 1;
            final List<String> values = new ArrayList<>();
            if (i < n && query.charAt(i) == '[')
            {
                final int close = query.indexOf(']', i);
                if (close < 0)
                {
                    throw new QueryException("Invalid query: unclosed [ in \"" + query + "\"");
                }
                for (final String v : query.substring(i + 1, close).split(","))
                {
                    values.add(unquote(v.trim()));
                }
                i = close + 1;
            }
            else if (i < n && query.charAt(i) == '"')
            {
                final int close = query.indexOf('"', i + 1);
                if (close < 0)
                {
                    throw new QueryException("Invalid query: unclosed quote in \"" + query + "\"");
                }
                values.add(query.substring(i + 1, close));
                i = close + 1;
            }
            else
            {
                final int stop = query.indexOf(' ', i);
                values.add(query.substring(i, stop < 0 ? n : stop));
                i = stop < 0 ? n : stop;
            }
            for (final String value : values)
            {
                if (value.contains("*"))
                {
                    throw new QueryException("Invalid query: wildcard search is not supported");
                }
                switch (key)
                {
                    case "release" -> releases.add(value);
                    case "environment" -> environments.add(value);
                    case "project", "project_id" -> projects.add(parseProject(value));
                    case "session.status" ->
                    {
                        final SessionStatusGroup s = SessionStatusGroup.fromApiName(value);
                        if (s == null)
                        {
                            throw new QueryException("Invalid session.status: \"" + value + "\"");
                        }
                        statuses.add(s);
                    }
                    default -> throw new QueryException("Invalid query field: \"" + key + "\"");
                }
            }
        }
    }

    private static String unquote(final String v)
    {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static String first(final Map<String, List<String>> params, final String name, final String fallback)
    {
        final List<String> values = params.get(name);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }
}
