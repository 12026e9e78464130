package io.crashfree.edge.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.query.QueryException;
import io.crashfree.aggregation.query.ReleaseHealthEngine;
import io.crashfree.aggregation.query.SessionField;
import io.crashfree.aggregation.query.SessionsEngine;
import io.crashfree.aggregation.query.SessionsQuery;
import io.crashfree.aggregation.query.SessionsResult;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.config.ProjectConfig;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The read API dashboards poll: Sentry's sessions endpoint and the release index with health, behind bearer-token
 * auth ({@code query.tokens}). The edge's {@code ApiRouter} sends it the sessions path; the releases registry's
 * service hands it a query token's {@code GET …/releases/}. Runs on the query threads, never on an event loop.
 */
public final class QueryService
{
    private static final String SESSIONS_SUFFIX = "/sessions/";
    private static final String RELEASES = "/releases/";
    private static final JsonFactory JSON = new JsonFactory();

    private final NodeConfig config;
    private final SessionsEngine sessions;
    private final ReleaseHealthEngine releases;
    private final List<Long> projectIds = new ArrayList<>();

    /** An answer: status and JSON body. */
    public record Response(int status, String json)
    {
    }

    /**
     * @param config      tokens, projects.
     * @param aggregation the aggregation side to read.
     */
    public QueryService(final NodeConfig config, final Aggregation aggregation)
    {
        this.config = config;
        this.sessions = new SessionsEngine(aggregation.view(), aggregation.settings(), config.queryCacheBytes());
        this.releases = new ReleaseHealthEngine(aggregation.view());
        for (final ProjectConfig p : config.projects())
        {
            projectIds.add(p.id());
        }
    }

    /** @return the sessions query cache's hits, misses, entries and bytes held. */
    public long[] cacheStats()
    {
        return sessions.cacheStats();
    }

    /**
     * @param uri           the request URI.
     * @param authorization the {@code Authorization} header, or null.
     * @param nowMs         now.
     * @return the answer.
     */
    public Response handle(final String uri, final String authorization, final long nowMs)
    {
        final Response denied = authorize(authorization);
        if (denied != null)
        {
            return denied;
        }
        return handleAuthorized(uri, nowMs);
    }

    /**
     * Answers a request whose caller has authorized it itself: the releases registry's service, which merges the
     * health index into its releases for its own tokens.
     *
     * @param uri   the request URI.
     * @param nowMs now.
     * @return the answer.
     */
    public Response handleAuthorized(final String uri, final long nowMs)
    {
        final String badEscape = badPercentEscape(uri);
        if (badEscape != null)
        {
            return error(400, badEscape);
        }
        final QueryStringDecoder decoder = new QueryStringDecoder(uri);
        final String path = decoder.path();
        final String[] parts = path.split("/");
        // "", "api", "0", "organizations", "{org}", "sessions" | "releases" [, "{version}"]
        if (parts.length < 6 || !parts[3].equals("organizations"))
        {
            return error(404, "not found: " + path);
        }
        try
        {
            if (parts.length == 6 && parts[5].equals("sessions"))
            {
                final SessionsQuery query = SessionsParams.parse(decoder.parameters(), projectIds,
                    config.aggregation().bucketWidthSec(), nowMs);
                final String search = decoder.parameters().getOrDefault("query", List.of("")).get(0);
                return new Response(200, sessionsJson(sessions.run(query, nowMs), query, search));
            }
            if (parts[5].equals("releases") && (parts.length == 6 || parts.length == 7))
            {
                final String version = parts.length == 7 ?
                    QueryStringDecoder.decodeComponent(parts[6]) : null;
                return releasesResponse(decoder.parameters(), version, nowMs);
            }
            return error(404, "not found: " + path);
        }
        catch (final QueryException ex)
        {
            return error(400, ex.getMessage());
        }
    }

    /**
     * Finds a {@code %} that is not followed by two hex digits (which the decoder would throw on).
     *
     * @param uri the request target.
     * @return the problem, named with its place, or null when every escape is well formed.
     */
    public static String badPercentEscape(final String uri)
    {
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1))
        {
            if (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2)))
            {
                final String escape = uri.substring(i, Math.min(uri.length(), i + 3));
                return "malformed percent-encoding in the " + (i < pathEndOf(uri) ? "path" : "query string") +
                    ": '" + escape + "' at character " + i + " (a '%' must be followed by two hex digits; " +
                    "send '%25' for a literal '%')";
            }
        }
        return null;
    }

    private static int pathEndOf(final String uri)
    {
        final int q = uri.indexOf('?');
        return q < 0 ? uri.length() : q;
    }

    private static boolean isHex(final char c)
    {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private Response authorize(final String authorization)
    {
        if (authorization == null || authorization.isBlank())
        {
            return error(401, "Authentication credentials were not provided: send Authorization: Bearer <token> " +
                "with a read token from query.tokens");
        }
        final String value = authorization.trim();
        if (value.regionMatches(true, 0, "sentry ", 0, 7))
        {
            return error(403, "ingest keys cannot read; use a read token from query.tokens");
        }
        if (!value.regionMatches(true, 0, "bearer ", 0, 7))
        {
            return error(401, "Invalid authorization header: expected Bearer <token>");
        }
        final String token = value.substring(7).trim();
        if (config.queryTokens().contains(token))
        {
            return null;
        }
        for (final ProjectConfig p : config.projects())
        {
            if (p.hasKey(token.toLowerCase(Locale.ROOT)))
            {
                return error(403, "ingest keys cannot read; use a read token from query.tokens");
            }
        }
        return error(401, "Invalid token");
    }

    private Response releasesResponse(final Map<String, List<String>> params, final String version, final long nowMs)
    {
        final Set<Long> requested = new LinkedHashSet<>();
        for (final String p : params.getOrDefault("project", List.of()))
        {
            try
            {
                requested.add(Long.parseLong(p.trim()));
            }
            catch (final NumberFormatException ex)
            {
                throw new QueryException("Invalid project parameter: \"" + p + "\"");
            }
        }
        final List<Long> selected = new ArrayList<>();
        for (final long id : projectIds)
        {
            if (requested.isEmpty() || requested.contains(-1L) || requested.contains(id))
            {
                selected.add(id);
            }
        }
        if (selected.isEmpty())
        {
            throw new QueryException("No projects available");
        }
        final long summarySec = SessionsParams.parseDuration("summaryStatsPeriod",
            params.getOrDefault("summaryStatsPeriod", List.of("14d")).get(0));
        final String statsPeriod = params.getOrDefault("healthStatsPeriod", List.of("24h")).get(0);
        if (!statsPeriod.equals("24h") && !statsPeriod.equals("14d"))
        {
            throw new QueryException("Invalid healthStatsPeriod: \"" + statsPeriod + "\" (24h or 14d)");
        }
        final boolean health = !"0".equals(params.getOrDefault("health", List.of("0")).get(0)) || version != null;
        final Set<String> environments = new LinkedHashSet<>(params.getOrDefault("environment", List.of()));
        final List<ReleaseHealthEngine.Release> list = releases.releases(selected, environments, version, summarySec,
            statsPeriod.equals("14d"), nowMs);
        if (version != null)
        {
            if (list.isEmpty())
            {
                return error(404, "release not found: " + version);
            }
            return new Response(200, write(g -> writeRelease(g, list.get(0), true)));
        }
        return new Response(200, write(g ->
        {
            g.writeStartArray();
            for (final ReleaseHealthEngine.Release r : list)
            {
                writeRelease(g, r, health);
            }
            g.writeEndArray();
        }));
    }

    private void writeRelease(final JsonGenerator g, final ReleaseHealthEngine.Release r, final boolean health)
        throws IOException
    {
        g.writeStartObject();
        g.writeStringField("version", r.version());
        g.writeStringField("shortVersion", r.version());
        g.writeStringField("dateCreated", iso(r.firstSeenMs() / 1000));
        g.writeNullField("dateReleased");
        g.writeStringField("firstEvent", iso(r.firstSeenMs() / 1000));
        g.writeStringField("lastEvent", iso(r.lastSeenMs() / 1000));
        g.writeArrayFieldStart("projects");
        for (final ReleaseHealthEngine.Health h : r.projects())
        {
            final ProjectConfig project = config.project(h.project());
            g.writeStartObject();
            g.writeNumberField("id", h.project());
            g.writeStringField("slug", project == null ? String.valueOf(h.project()) : project.name());
            g.writeStringField("name", project == null ? String.valueOf(h.project()) : project.name());
            g.writeBooleanField("hasHealthData", h.hasHealthData());
            if (health)
            {
                g.writeObjectFieldStart("healthData");
                number(g, "crashFreeUsers", h.crashFreeUsers());
                number(g, "crashFreeSessions", h.crashFreeSessions());
                g.writeNumberField("totalUsers", h.totalUsers());
                g.writeNumberField("totalSessions", h.totalSessions());
                g.writeNumberField("totalUsers24h", h.totalUsers24h());
                g.writeNumberField("totalSessions24h", h.totalSessions24h());
                g.writeNumberField("totalProjectUsers24h", h.totalProjectUsers24h());
                g.writeNumberField("totalProjectSessions24h", h.totalProjectSessions24h());
                number(g, "adoption", h.adoption());
                number(g, "sessionsAdoption", h.sessionsAdoption());
                g.writeNumberField("sessionsCrashed", h.sessionsCrashed());
                g.writeNumberField("sessionsErrored", h.sessionsErrored());
                number(g, "durationP50", h.durationP50Seconds());
                number(g, "durationP90", h.durationP90Seconds());
                g.writeBooleanField("hasHealthData", h.hasHealthData());
                g.writeObjectFieldStart("stats");
                g.writeArrayFieldStart(h.statsPeriod());
                for (final long[] point : h.stats())
                {
                    g.writeStartArray();
                    g.writeNumber(point[0]);
                    g.writeNumber(point[1]);
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndObject();
            }
            else
            {
                g.writeNullField("healthData");
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static String sessionsJson(final SessionsResult result, final SessionsQuery query, final String search)
    {
        return write(g ->
        {
            g.writeStartObject();
            g.writeStringField("start", iso(result.startSec()));
            g.writeStringField("end", iso(result.endSec()));
            g.writeArrayFieldStart("intervals");
            for (final long start : result.intervals())
            {
                g.writeString(iso(start));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("groups");
            for (final SessionsResult.Group group : result.groups())
            {
                g.writeStartObject();
                g.writeObjectFieldStart("by");
                for (final Map.Entry<String, Object> by : group.by().entrySet())
                {
                    if (by.getValue() instanceof Long id)
                    {
                        g.writeNumberField(by.getKey(), id);
                    }
                    else if (by.getValue() == null)
                    {
                        g.writeNullField(by.getKey());
                    }
                    else
                    {
                        g.writeStringField(by.getKey(), by.getValue().toString());
                    }
                }
                g.writeEndObject();
                if (query.includeTotals())
                {
                    g.writeObjectFieldStart("totals");
                    for (final SessionField f : query.fields())
                    {
                        value(g, f, group.totals().get(f));
                    }
                    g.writeEndObject();
                }
                if (query.includeSeries())
                {
                    g.writeObjectFieldStart("series");
                    for (final SessionField f : query.fields())
                    {
                        g.writeArrayFieldStart(f.apiName());
                        for (final double v : group.series().get(f))
                        {
                            rawValue(g, f, v);
                        }
                        g.writeEndArray();
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("query", search);
            g.writeEndObject();
        });
    }

    private static void value(final JsonGenerator g, final SessionField f, final Double v) throws IOException
    {
        g.writeFieldName(f.apiName());
        rawValue(g, f, v == null ? Double.NaN : v);
    }

    private static void rawValue(final JsonGenerator g, final SessionField f, final double v) throws IOException
    {
        if (Double.isNaN(v))
        {
            g.writeNull();
        }
        else if (f.isCount())
        {
            g.writeNumber((long)v);
        }
        else
        {
            g.writeNumber(v);
        }
    }

    private static void number(final JsonGenerator g, final String name, final double v) throws IOException
    {
        if (Double.isNaN(v))
        {
            g.writeNullField(name);
        }
        else
        {
            g.writeNumberField(name, v);
        }
    }

    /** Writes JSON with a generator. */
    @FunctionalInterface
    private interface JsonBody
    {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(final JsonBody body)
    {
        final StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out))
        {
            body.write(g);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }

    /**
     * @param status HTTP status.
     * @param detail what is wrong.
     * @return an error answer with {@code {"detail": …}}.
     */
    public static Response error(final int status, final String detail)
    {
        return new Response(status, write(g ->
        {
            g.writeStartObject();
            g.writeStringField("detail", detail);
            g.writeEndObject();
        }));
    }

    private static String iso(final long epochSec)
    {
        return Instant.ofEpochSecond(epochSec).toString();
    }
}
