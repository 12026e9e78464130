package io.crashfree.edge.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.crashfree.aggregation.Aggregation;
import io.crashfree.aggregation.query.QueryException;
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
 * Sentry's sessions endpoint, the read API dashboards poll, behind bearer-token auth ({@code query.tokens}). The
 * edge's {@code ApiRouter} sends it the sessions path (the release list with health is the registry's service's).
 * Runs on the query threads, never on an event loop.
 */
public final class QueryService
{
    private static final String SESSIONS_SUFFIX = "/sessions/";
    private static final String RELEASES = "/releases/";
    private static final JsonFactory JSON = new JsonFactory();

    private final NodeConfig config;
    private final SessionsEngine sessions;
    private final List<Long> projectIds = new ArrayList<>();

    /**
     * An answer: status, JSON body and, for a page of a list, Sentry's {@code Link} header (else null).
     *
     * @param status the HTTP status.
     * @param json   the body.
     * @param link   the {@code Link} header, or null.
     */
    public record Response(int status, String json, String link)
    {
        /**
         * @param status the HTTP status.
         * @param json   the body.
         */
        public Response(final int status, final String json)
        {
            this(status, json, null);
        }
    }

    /**
     * @param config      tokens, projects.
     * @param aggregation the aggregation side to read.
     */
    public QueryService(final NodeConfig config, final Aggregation aggregation)
    {
        this.config = config;
        this.sessions = new SessionsEngine(aggregation.view(), aggregation.settings(), config.queryCacheBytes());
        for (final ProjectConfig p : config.projects())
        {
            projectIds.add(p.id());
        }
    }

    /** @return the sessions engine (the release index shares its reads and stored-part cache). */
    public SessionsEngine sessionsEngine()
    {
        return sessions;
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

    private Response handleAuthorized(final String uri, final long nowMs)
    {
        final String badEscape = badPercentEscape(uri);
        if (badEscape != null)
        {
            return error(400, badEscape);
        }
        final QueryStringDecoder decoder = new QueryStringDecoder(uri);
        final String path = decoder.path();
        final String[] parts = path.split("/");
        // "", "api", "0", "organizations", "{org}", "sessions"
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
