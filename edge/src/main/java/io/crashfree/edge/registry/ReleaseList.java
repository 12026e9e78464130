package io.crashfree.edge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashfree.aggregation.query.QueryException;
import io.crashfree.aggregation.query.ReleaseHealthEngine;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.edge.query.QueryService;
import io.crashfree.edge.query.SessionsParams;
import io.crashfree.releases.json.ReleaseJsonReader;
import io.crashfree.releases.json.ReleaseJsonWriter;
import io.crashfree.releases.model.AdoptionStage;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.model.ReleaseStatus;
import io.crashfree.releases.model.ReleaseSummary;
import io.crashfree.releases.registry.RegistryResult;
import io.crashfree.releases.registry.ReleaseRegistry;
import io.crashfree.releases.version.SemverOrder;
import io.crashfree.releases.version.VersionInfoParser;
import io.netty.handler.codec.http.QueryStringEncoder;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Sentry's release list and release read with health ({@code GET …/releases/} and {@code …/releases/{version}/}): the
 * registry's releases joined with the health index of the sessions side, filtered, sorted and paged.
 * <p>
 * The list reads every matching release light (two queries) and the health of the selected projects (one read of the
 * hourly roll-ups per project), sorts, and only then loads the page's releases in full and writes them, so an
 * organization with thousands of releases answers a page of 25 without loading the rest. A release that sessions
 * named but that the registry has not recorded yet ({@link ReleaseSightings} runs every few seconds) is listed from
 * the health index alone, so the list never lags the sessions API.
 * <p>
 * Parameters, as Sentry's: {@code project} (the configured numeric ids; {@code -1} = all), {@code environment},
 * {@code query} (text the version contains, any case), {@code status} ({@code open} by default, {@code archived}),
 * {@code sort} ({@link Sort}), {@code per_page} (1..100, default 100), {@code cursor} (from the {@code Link} header:
 * {@code per_page:page:is_prev}), {@code health=1}, {@code summaryStatsPeriod} (default 14d), {@code healthStatsPeriod}
 * ({@code 24h} or {@code 14d}), {@code adoptionStages=1}. Control plane: runs on the query threads.
 */
final class ReleaseList
{
    /** Sentry's largest page. */
    static final int MAX_PER_PAGE = 100;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The orders of {@code sort}; every order is descending (largest first), releases without a value last. */
    enum Sort
    {
        /** The release order: {@code dateReleased}, else {@code dateCreated}. */
        DATE("date"),
        /** Sessions over the summary period. */
        SESSIONS("sessions"),
        /** Users over the summary period. */
        USERS("users"),
        /** Crash-free sessions over the summary period. */
        CRASH_FREE_SESSIONS("crash_free_sessions"),
        /** Crash-free users over the summary period. */
        CRASH_FREE_USERS("crash_free_users"),
        /** Share of the project's users in the last 24 hours. */
        ADOPTION("adoption"),
        /** Sessions in the last 24 hours. */
        SESSIONS_24H("sessions_24h"),
        /** Users in the last 24 hours. */
        USERS_24H("users_24h"),
        /** Semantic version, highest first (a release that is not semver last). */
        SEMVER("semver");

        private final String wireName;

        Sort(final String wireName)
        {
            this.wireName = wireName;
        }

        static Sort of(final String text)
        {
            for (final Sort sort : values())
            {
                if (sort.wireName.equals(text))
                {
                    return sort;
                }
            }
            return null;
        }
    }

    /** A row before paging: the registry's summary (or one made from the health index) and its health. */
    private record Row(ReleaseSummary summary, boolean registered, ReleaseHealthEngine.Release health)
    {
    }

    private final ReleaseRegistry registry;
    private final ReleaseHealthEngine engine;
    private final List<ProjectConfig> projects;
    private final ReleaseHealthCache cache;

    /**
     * @param registry the registry.
     * @param engine   the health index, or null when the node has no aggregation side.
     * @param projects the configured projects (their ids are the API's project ids).
     * @param cache    the list's health reads (not the single release's: {@link #one} always reads).
     */
    ReleaseList(final ReleaseRegistry registry, final ReleaseHealthEngine engine, final List<ProjectConfig> projects,
        final ReleaseHealthCache cache)
    {
        this.registry = registry;
        this.engine = engine;
        this.projects = List.copyOf(projects);
        this.cache = cache;
    }

    /**
     * @param org         the organization.
     * @param pathProject the project slug of {@code /projects/{org}/{project}/releases/}, or null.
     * @param path        the request path (for the {@code Link} header).
     * @param params      the query parameters.
     * @param nowMs       now.
     * @return the page, with its {@code Link} header.
     * @throws SQLException when the registry fails.
     */
    QueryService.Response list(final String org, final String pathProject, final String path,
        final Map<String, List<String>> params, final long nowMs) throws SQLException
    {
        final Request request;
        try
        {
            request = Request.parse(params, pathProject, projects);
        }
        catch (final QueryException ex)
        {
            return QueryService.error(400, ex.getMessage());
        }
        final RegistryResult<List<ReleaseSummary>> summaries = registry.listSummaries(org, pathProject,
            request.status, request.versionContains);
        if (!summaries.isSuccess())
        {
            return QueryService.error(summaries.status(), summaries.detail());
        }
        // read even without health=1: the releases that sessions named and the registry has not recorded yet
        final Map<String, ReleaseHealthEngine.Release> health = health(request, null, nowMs);

        final List<Row> rows = new ArrayList<>();
        final Set<String> listed = new LinkedHashSet<>();
        final Set<String> slugs = request.slugs();
        for (final ReleaseSummary summary : summaries.value())
        {
            listed.add(summary.version());
            final ReleaseHealthEngine.Release h = health.get(summary.version());
            if (!request.environments.isEmpty() && !hasSessions(h))
            {
                continue; // no sessions in those environments
            }
            if (request.projectFiltered && h == null && java.util.Collections.disjoint(summary.projects(), slugs))
            {
                continue;
            }
            rows.add(new Row(summary, true, h));
        }
        for (final ReleaseHealthEngine.Release h : health.values())
        {
            if (!listed.contains(h.version()) && request.status != ReleaseStatus.ARCHIVED &&
                request.matches(h.version()) && (request.environments.isEmpty() || hasSessions(h)))
            {
                rows.add(new Row(new ReleaseSummary(h.version(), h.firstSeenMs(), null, ReleaseStatus.OPEN,
                    slugsOf(h)), false, h)); // named by sessions, not recorded by the registry yet
            }
        }
        rows.sort(comparator(request));

        final Page paging = new Page(request.perPage, request.page, rows.size());
        final List<Row> page = rows.subList(paging.from(), paging.to());
        final ArrayNode json = write(org, page, request, nowMs);
        final String link = paging.link(path, params);
        return new QueryService.Response(200, new String(ReleaseJsonWriter.toBytes(json), StandardCharsets.UTF_8),
            link);
    }

    /**
     * One release with its health always in ({@code GET …/releases/{version}/}).
     *
     * @param org     the organization.
     * @param version the release.
     * @param params  the query parameters (periods, environment, adoptionStages).
     * @param nowMs   now.
     * @return the release, or 404.
     * @throws SQLException when the registry fails.
     */
    QueryService.Response one(final String org, final String version, final Map<String, List<String>> params,
        final long nowMs) throws SQLException
    {
        final Request request;
        try
        {
            request = Request.parse(params, null, projects);
        }
        catch (final QueryException ex)
        {
            return QueryService.error(400, ex.getMessage());
        }
        final RegistryResult<Release> found = registry.release(org, version);
        final Map<String, ReleaseHealthEngine.Release> health = health(request, version, nowMs);
        final ReleaseHealthEngine.Release h = health.get(version);
        final Row row;
        if (found.isSuccess())
        {
            final Release r = found.value();
            row = new Row(new ReleaseSummary(version, r.dateCreatedMs(), r.dateReleasedMs(), r.status(),
                r.projects().stream().map(p -> p.slug()).toList()), true, h);
        }
        else if (h != null && found.status() == 404 && found.detail().startsWith("unknown release"))
        {
            row = new Row(new ReleaseSummary(version, h.firstSeenMs(), null, ReleaseStatus.OPEN, slugsOf(h)), false,
                h);
        }
        else
        {
            return QueryService.error(found.status(), found.detail());
        }
        final Request withHealth = request.withHealth();
        final ArrayNode json = write(org, List.of(row), withHealth, nowMs);
        return new QueryService.Response(200, new String(ReleaseJsonWriter.toBytes(json.get(0)),
            StandardCharsets.UTF_8));
    }

    private Map<String, ReleaseHealthEngine.Release> health(final Request request, final String version,
        final long nowMs)
    {
        if (engine == null)
        {
            return Map.of();
        }
        final Map<String, ReleaseHealthEngine.Release> byVersion = new HashMap<>();
        final List<ReleaseHealthEngine.Release> releases = version != null ?
            engine.releases(request.projectIds, request.environments, version, request.summarySec, request.daily,
                nowMs) :
            cache.get(request.projectIds, request.environments, request.summarySec, request.daily, nowMs,
                at -> engine.releases(request.projectIds, request.environments, null, request.summarySec,
                    request.daily, at));
        for (final ReleaseHealthEngine.Release r : releases)
        {
            byVersion.put(r.version(), r);
        }
        return byVersion;
    }

    /** Whether the health index counted sessions of a release in the periods it read. */
    private static boolean hasSessions(final ReleaseHealthEngine.Release h)
    {
        if (h == null)
        {
            return false;
        }
        for (final ReleaseHealthEngine.Health p : h.projects())
        {
            if (p.totalSessions() > 0 || p.totalSessions24h() > 0)
            {
                return true;
            }
            for (final long[] point : p.stats())
            {
                if (point[1] > 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private List<String> slugsOf(final ReleaseHealthEngine.Release h)
    {
        final List<String> slugs = new ArrayList<>();
        for (final ReleaseHealthEngine.Health p : h.projects())
        {
            slugs.add(slugOf(p.project()));
        }
        return slugs;
    }

    private String slugOf(final long projectId)
    {
        for (final ProjectConfig p : projects)
        {
            if (p.id() == projectId)
            {
                return p.name();
            }
        }
        return String.valueOf(projectId);
    }

    /**
     * @param slug a project's slug.
     * @return its API id (the configured id, the DSN's number), or null for a project the node does not have.
     */
    Long idOf(final String slug)
    {
        for (final ProjectConfig p : projects)
        {
            if (p.name().equals(slug))
            {
                return p.id();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- order

    private static Comparator<Row> comparator(final Request request)
    {
        final Comparator<Row> byDate = Comparator.comparingLong((Row r) -> r.summary.orderKeyMs()).reversed()
            .thenComparing(r -> r.summary.version());
        return switch (request.sort)
        {
            case DATE -> byDate;
            case SEMVER -> Comparator.<Row, String>comparing(r -> r.summary.version(), SemverOrder.HIGHEST_FIRST)
                .thenComparing(byDate);
            case SESSIONS -> byHealth(h -> h.totalSessions(), byDate);
            case USERS -> byHealth(h -> h.totalUsers(), byDate);
            case CRASH_FREE_SESSIONS -> byHealth(ReleaseHealthEngine.Health::crashFreeSessions, byDate);
            case CRASH_FREE_USERS -> byHealth(ReleaseHealthEngine.Health::crashFreeUsers, byDate);
            case ADOPTION -> byHealth(ReleaseHealthEngine.Health::adoption, byDate);
            case SESSIONS_24H -> byHealth(h -> h.totalSessions24h(), byDate);
            case USERS_24H -> byHealth(h -> h.totalUsers24h(), byDate);
        };
    }

    /**
     * Largest first by a health figure: over several projects, the largest of theirs; a release without the figure
     * (no sessions in the period) after every release with it.
     */
    private static Comparator<Row> byHealth(final ToDoubleFunction<ReleaseHealthEngine.Health> figure,
        final Comparator<Row> then)
    {
        return (a, b) ->
        {
            final double x = valueOf(a, figure);
            final double y = valueOf(b, figure);
            if (Double.isNaN(x) || Double.isNaN(y))
            {
                return Double.isNaN(x) == Double.isNaN(y) ? then.compare(a, b) : Double.isNaN(x) ? 1 : -1;
            }
            final int c = Double.compare(y, x);
            return c != 0 ? c : then.compare(a, b);
        };
    }

    private static double valueOf(final Row row, final ToDoubleFunction<ReleaseHealthEngine.Health> figure)
    {
        double best = Double.NaN;
        if (row.health != null)
        {
            for (final ReleaseHealthEngine.Health h : row.health.projects())
            {
                if (!h.hasHealthData())
                {
                    continue;
                }
                final double v = figure.applyAsDouble(h);
                if (!Double.isNaN(v) && (Double.isNaN(best) || v > best))
                {
                    best = v;
                }
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- writing

    private ArrayNode write(final String org, final List<Row> page, final Request request, final long nowMs)
        throws SQLException
    {
        final List<String> registered = new ArrayList<>();
        for (final Row row : page)
        {
            if (row.registered)
            {
                registered.add(row.summary.version());
            }
        }
        final Map<String, Release> loaded = new HashMap<>();
        final RegistryResult<List<Release>> releases = registry.releases(org, registered);
        if (releases.isSuccess())
        {
            for (final Release r : releases.value())
            {
                loaded.put(r.version(), r);
            }
        }
        final Map<String, List<AdoptionStage>> adoption = request.adoptionStages ?
            registry.adoption(org, registered).value() : Map.of();
        final Map<String, Map<String, Long>> newIssues = registry.issues().newIssues(org, registered);

        final ArrayNode json = JSON.arrayNode();
        for (final Row row : page)
        {
            final Release release = loaded.get(row.summary.version());
            final ObjectNode o = release != null ? ReleaseJsonWriter.release(release) : seenOnly(row);
            projects(o, row, request);
            newGroups(o, newIssues.getOrDefault(row.summary.version(), Map.of()));
            if (request.adoptionStages)
            {
                adoptionStages(o, adoption.getOrDefault(row.summary.version(), List.of()), request);
            }
            json.add(o);
        }
        return json;
    }

    /** Sentry's {@code newGroups}: issues first seen in the release, in all and per project. */
    private static void newGroups(final ObjectNode o, final Map<String, Long> perProject)
    {
        long total = 0;
        for (final JsonNode p : o.path("projects"))
        {
            final long n = perProject.getOrDefault(p.path("slug").asText(), 0L);
            ((ObjectNode)p).put("newGroups", n);
            total += n;
        }
        o.put("newGroups", total);
    }

    /** A release known only from sessions so far: what the health index knows of it. */
    private static ObjectNode seenOnly(final Row row)
    {
        final ObjectNode o = JSON.objectNode();
        o.putNull("id");
        o.put("version", row.summary.version());
        o.put("shortVersion", VersionInfoParser.parse(row.summary.version()).shortVersion());
        o.set("versionInfo", ReleaseJsonWriter.versionInfo(VersionInfoParser.parse(row.summary.version())));
        o.put("status", ReleaseStatus.OPEN.wireName());
        o.putNull("ref");
        o.putNull("url");
        o.put("dateCreated", ReleaseJsonReader.iso(row.health.firstSeenMs()));
        o.putNull("dateStarted");
        o.putNull("dateReleased");
        o.put("firstEvent", ReleaseJsonReader.iso(row.health.firstSeenMs()));
        o.put("lastEvent", ReleaseJsonReader.iso(row.health.lastSeenMs()));
        o.putNull("owner");
        o.putObject("data");
        o.put("newGroups", 0);
        o.put("commitCount", 0);
        o.putNull("lastCommit");
        o.put("deployCount", 0);
        o.putNull("lastDeploy");
        o.putArray("authors");
        o.putArray("projects");
        return o;
    }

    /**
     * The release's projects with the API's ids (the configured ids, the numbers in the DSN) and, per project, its
     * health; first and last event from the sessions when the registry has none.
     */
    private void projects(final ObjectNode o, final Row row, final Request request)
    {
        final Map<String, ReleaseHealthEngine.Health> bySlug = new LinkedHashMap<>();
        if (row.health != null)
        {
            for (final ReleaseHealthEngine.Health h : row.health.projects())
            {
                bySlug.put(slugOf(h.project()), h);
            }
            if (o.path("firstEvent").isNull())
            {
                o.put("firstEvent", ReleaseJsonReader.iso(row.health.firstSeenMs()));
            }
            if (o.path("lastEvent").isNull() || o.path("lastEvent").isMissingNode())
            {
                o.put("lastEvent", ReleaseJsonReader.iso(row.health.lastSeenMs()));
            }
        }
        final Set<String> slugs = new LinkedHashSet<>(row.summary.projects());
        slugs.addAll(bySlug.keySet());
        final ArrayNode out = o.putArray("projects");
        for (final String slug : slugs)
        {
            final Long id = idOf(slug);
            final ObjectNode p = out.addObject();
            if (id == null)
            {
                p.putNull("id");
            }
            else
            {
                p.put("id", id);
            }
            p.put("slug", slug);
            p.put("name", slug);
            p.put("newGroups", 0);
            final ReleaseHealthEngine.Health h = bySlug.get(slug);
            p.put("hasHealthData", h != null && h.hasHealthData());
            if (request.health && h != null)
            {
                p.set("healthData", healthData(h));
            }
            else
            {
                p.putNull("healthData");
            }
        }
    }

    private static ObjectNode healthData(final ReleaseHealthEngine.Health h)
    {
        final ObjectNode d = JSON.objectNode();
        number(d, "crashFreeUsers", h.crashFreeUsers());
        number(d, "crashFreeSessions", h.crashFreeSessions());
        d.put("totalUsers", h.totalUsers());
        d.put("totalSessions", h.totalSessions());
        d.put("totalUsers24h", h.totalUsers24h());
        d.put("totalSessions24h", h.totalSessions24h());
        d.put("totalProjectUsers24h", h.totalProjectUsers24h());
        d.put("totalProjectSessions24h", h.totalProjectSessions24h());
        number(d, "adoption", h.adoption());
        number(d, "sessionsAdoption", h.sessionsAdoption());
        d.put("sessionsCrashed", h.sessionsCrashed());
        d.put("sessionsErrored", h.sessionsErrored());
        number(d, "durationP50", h.durationP50Seconds());
        number(d, "durationP90", h.durationP90Seconds());
        d.put("hasHealthData", h.hasHealthData());
        final ArrayNode points = d.putObject("stats").putArray(h.statsPeriod());
        for (final long[] point : h.stats())
        {
            points.addArray().add(point[0]).add(point[1]);
        }
        return d;
    }

    private static void number(final ObjectNode o, final String name, final double v)
    {
        if (Double.isNaN(v))
        {
            o.putNull(name);
        }
        else
        {
            o.put(name, v);
        }
    }

    /**
     * Sentry's {@code adoptionStages}: per project, the stage in the requested environment; without one (or with
     * several), the most advanced stage over the environments (adopted anywhere → adopted, from its earliest
     * adoption; else replaced, at its latest fall).
     */
    private static void adoptionStages(final ObjectNode o, final List<AdoptionStage> records, final Request request)
    {
        final ObjectNode stages = o.putObject("adoptionStages");
        for (final JsonNode p : o.path("projects"))
        {
            final String slug = p.path("slug").asText();
            Long adopted = null;
            Long unadopted = null;
            boolean adoptedNow = false;
            for (final AdoptionStage r : records)
            {
                if (!r.project().equals(slug) || r.adoptedMs() == null || (!request.environments.isEmpty() &&
                    !request.environments.contains(r.environment())))
                {
                    continue;
                }
                if (r.unadoptedMs() == null)
                {
                    adopted = adoptedNow ? Math.min(adopted, r.adoptedMs()) : r.adoptedMs();
                    unadopted = null;
                    adoptedNow = true;
                }
                else if (!adoptedNow)
                {
                    adopted = adopted == null ? r.adoptedMs() : Math.min(adopted, r.adoptedMs());
                    unadopted = unadopted == null ? r.unadoptedMs() : Math.max(unadopted, r.unadoptedMs());
                }
            }
            final ObjectNode stage = stages.putObject(slug);
            stage.put("stage", new AdoptionStage(slug, "", adopted, unadopted).stage());
            putDate(stage, "adopted", adopted);
            putDate(stage, "unadopted", unadopted);
        }
    }

    private static void putDate(final ObjectNode o, final String name, final Long ms)
    {
        if (ms == null)
        {
            o.putNull(name);
        }
        else
        {
            o.put(name, ReleaseJsonReader.iso(ms));
        }
    }

    // ---------------------------------------------------------------- paging

    private static String linkPart(final String path, final Map<String, List<String>> params, final String cursor,
        final String rel, final boolean results)
    {
        final QueryStringEncoder uri = new QueryStringEncoder(path);
        for (final Map.Entry<String, List<String>> e : params.entrySet())
        {
            if (!e.getKey().equals("cursor"))
            {
                for (final String value : e.getValue())
                {
                    uri.addParam(e.getKey(), value);
                }
            }
        }
        uri.addParam("cursor", cursor);
        return "<" + uri + ">; rel=\"" + rel + "\"; results=\"" + results + "\"; cursor=\"" + cursor + "\"";
    }

    /**
     * One page of a list: Sentry's offset cursor ({@code per_page:page:is_prev}) and its {@code Link} header.
     *
     * @param perPage the page size.
     * @param page    the page, from 0.
     * @param total   the list's length.
     */
    record Page(int perPage, int page, int total)
    {
        /**
         * @param params the request's {@code per_page} and {@code cursor}.
         * @param total  the list's length.
         * @return the page asked for.
         * @throws QueryException naming a bad parameter.
         */
        static Page of(final Map<String, List<String>> params, final int total)
        {
            final String cursor = Request.first(params, "cursor", "");
            return new Page(Request.integer(params, "per_page", MAX_PER_PAGE, 1, MAX_PER_PAGE),
                cursor.isEmpty() ? 0 : Request.pageOf(cursor), total);
        }

        int from()
        {
            return (int)Math.min(total, (long)page * perPage);
        }

        int to()
        {
            return Math.min(total, from() + perPage);
        }

        /**
         * Sentry's {@code Link} header: a previous and a next cursor, each saying whether it has results; the URL
         * keeps every other parameter of the request.
         */
        String link(final String path, final Map<String, List<String>> params)
        {
            final String previous = perPage + ":" + Math.max(0, page - 1) + ":1";
            final String next = perPage + ":" + (page + 1) + ":0";
            return linkPart(path, params, previous, "previous", from() > 0) + ", " +
                linkPart(path, params, next, "next", to() < total);
        }
    }

    // ---------------------------------------------------------------- parameters

    /** A list request's parameters, checked. */
    private static final class Request
    {
        ReleaseStatus status = ReleaseStatus.OPEN;
        String versionContains;
        Sort sort = Sort.DATE;
        int perPage = MAX_PER_PAGE;
        int page;
        boolean health;
        boolean adoptionStages;
        boolean daily;
        boolean projectFiltered;
        long summarySec;
        List<Long> projectIds = new ArrayList<>();
        final Set<String> environments = new LinkedHashSet<>();
        final List<ProjectConfig> selected = new ArrayList<>();

        static Request parse(final Map<String, List<String>> params, final String pathProject,
            final List<ProjectConfig> projects)
        {
            final Request r = new Request();
            final String status = first(params, "status", "open");
            if (status.equals("archived"))
            {
                r.status = ReleaseStatus.ARCHIVED;
            }
            else if (!status.equals("open"))
            {
                throw new QueryException("status must be \"open\" or \"archived\": \"" + status + '"');
            }
            final String query = first(params, "query", "").trim();
            r.versionContains = query.isEmpty() ? null : query;
            final String sort = first(params, "sort", "date");
            r.sort = Sort.of(sort);
            if (r.sort == null)
            {
                throw new QueryException("sort must be one of date, sessions, users, crash_free_sessions, " +
                    "crash_free_users, adoption, sessions_24h, users_24h, semver: \"" + sort + '"');
            }
            r.perPage = integer(params, "per_page", MAX_PER_PAGE, 1, MAX_PER_PAGE);
            final String cursor = first(params, "cursor", "");
            if (!cursor.isEmpty())
            {
                r.page = pageOf(cursor);
            }
            r.health = flag(params, "health");
            r.adoptionStages = flag(params, "adoptionStages");
            r.summarySec = SessionsParams.parseDuration("summaryStatsPeriod", first(params, "summaryStatsPeriod",
                "14d"));
            final String stats = first(params, "healthStatsPeriod", "24h");
            if (!stats.equals("24h") && !stats.equals("14d"))
            {
                throw new QueryException("healthStatsPeriod must be \"24h\" or \"14d\": \"" + stats + '"');
            }
            r.daily = stats.equals("14d");
            r.environments.addAll(params.getOrDefault("environment", List.of()));
            final Set<Long> requested = new LinkedHashSet<>();
            for (final String p : params.getOrDefault("project", List.of()))
            {
                try
                {
                    requested.add(Long.parseLong(p.trim()));
                }
                catch (final NumberFormatException ex)
                {
                    throw new QueryException("project must be a project id (a number, -1 for all): \"" + p + '"');
                }
            }
            r.projectFiltered = !requested.isEmpty() && !requested.contains(-1L);
            for (final long id : requested)
            {
                if (id != -1 && projects.stream().noneMatch(p -> p.id() == id))
                {
                    throw new QueryException("unknown project: " + id);
                }
            }
            for (final ProjectConfig p : projects)
            {
                if ((!r.projectFiltered || requested.contains(p.id())) &&
                    (pathProject == null || pathProject.equals(p.name())))
                {
                    r.selected.add(p);
                    r.projectIds.add(p.id());
                }
            }
            r.projectFiltered |= pathProject != null;
            return r;
        }

        Set<String> slugs()
        {
            final Set<String> slugs = new LinkedHashSet<>();
            for (final ProjectConfig p : selected)
            {
                slugs.add(p.name());
            }
            return slugs;
        }

        boolean matches(final String version)
        {
            return versionContains == null || version.toLowerCase(java.util.Locale.ROOT).contains(
                versionContains.toLowerCase(java.util.Locale.ROOT));
        }

        Request withHealth()
        {
            health = true;
            return this;
        }

        private static int pageOf(final String cursor)
        {
            final String[] parts = cursor.split(":");
            try
            {
                if (parts.length == 3)
                {
                    final int page = Integer.parseInt(parts[1]);
                    if (page >= 0 && page <= 1_000_000)
                    {
                        return page;
                    }
                }
            }
            catch (final NumberFormatException ignored)
            {
                // answered below
            }
            throw new QueryException("cursor must be the one a Link header gave (per_page:page:is_prev): \"" +
                cursor + '"');
        }

        private static String first(final Map<String, List<String>> params, final String name,
            final String otherwise)
        {
            final List<String> values = params.get(name);
            return values == null || values.isEmpty() || values.get(0).isEmpty() ? otherwise : values.get(0);
        }

        private static boolean flag(final Map<String, List<String>> params, final String name)
        {
            final String value = first(params, name, "0");
            return !value.equals("0") && !value.equalsIgnoreCase("false");
        }

        private static int integer(final Map<String, List<String>> params, final String name, final int otherwise,
            final int min, final int max)
        {
            final String text = first(params, name, null);
            if (text == null)
            {
                return otherwise;
            }
            try
            {
                final int value = Integer.parseInt(text.trim());
                if (value >= min && value <= max)
                {
                    return value;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // answered below
            }
            throw new QueryException(name + " must be a whole number from " + min + " to " + max + ": \"" + text +
                '"');
        }
    }
}
