package io.crashfree.edge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashfree.aggregation.query.ReleaseHealthEngine;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.edge.query.QueryService;
import io.crashfree.releases.auth.Access;
import io.crashfree.releases.auth.Scope;
import io.crashfree.releases.auth.TokenAuthorizer;
import io.crashfree.releases.json.IssueJsonWriter;
import io.crashfree.releases.json.ReleaseJsonReader;
import io.crashfree.releases.json.ReleaseJsonWriter;
import io.crashfree.releases.model.ProjectRef;
import io.crashfree.releases.registry.DeployInput;
import io.crashfree.releases.registry.Outcome;
import io.crashfree.releases.registry.RegistryResult;
import io.crashfree.releases.registry.ReleaseInput;
import io.crashfree.releases.registry.ReleaseRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry's routes, one request at a time: authorizes the bearer token for the route's access, parses the body,
 * calls {@link ReleaseRegistry} and writes Sentry's JSON and status ({@code 201} created, {@code 208} already there,
 * {@code 204} deleted, errors as {@code {"detail": …}}).
 * <pre>
 *   GET    /api/0/                                                 who the token is (sentry-cli info)
 *   GET    /api/0/organizations/{org}/projects/
 *   GET    /api/0/organizations/{org}/repos/
 *   GET    /api/0/organizations/{org}/releases/                    with health, sorted and paged ({@link ReleaseList})
 *   POST   /api/0/organizations/{org}/releases/                    201 created, 208 existed
 *   GET    /api/0/projects/{org}/{project}/releases/   POST too, the project linked
 *   GET|PUT|DELETE  …/releases/{version}/                          (GET with its health)
 *   GET    …/releases/{version}/commits/ | commitfiles/ | previous-with-commits/
 *   GET|POST …/releases/{version}/deploys/
 *   GET    /api/0/projects/{org}/{project}/issues/?query=           a project's issues, paged
 *   GET    /api/0/organizations/{org}/issues/?project=&query=      the projects' issues, paged
 *   GET    /api/0/organizations/{org}/issues/{id or short id}/      one issue, per release, suspect commits
 * </pre>
 * Runs on the query threads. Thread-safe: the registry serializes its transactions.
 */
public final class RegistryService
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ReleaseRegistry registry;
    private final TokenAuthorizer authorizer;
    private final ReleaseList releases;
    private final List<ProjectConfig> projects;
    private final java.util.Set<String> ingestKeys;
    private final String configuredAt;

    /**
     * @param registry     the registry.
     * @param authorizer   the API tokens ({@code auth.token.*}).
     * @param health       the sessions side's health index, or null when the node has no aggregation side.
     * @param projects     the configured projects (their ids are the API's project ids).
     * @param queryTokens  the read tokens of {@code query.tokens}, which read here as {@code org:read} tokens.
     * @param ingestKeys   the projects' public keys, which never read or write here.
     * @param configuredMs when the node read its configuration (the repositories' {@code dateCreated}).
     * @param healthCacheMs how long the release list serves a health read before refreshing it
     *                      ({@code registry.health.cache.seconds}; 0 = no cache, see {@link ReleaseHealthCache}).
     * @param clock        the clock of the cache's refreshes.
     */
    public RegistryService(final ReleaseRegistry registry, final TokenAuthorizer authorizer,
        final ReleaseHealthEngine health, final List<ProjectConfig> projects, final List<String> queryTokens,
        final java.util.Set<String> ingestKeys, final long configuredMs, final long healthCacheMs,
        final java.time.Clock clock)
    {
        this.configuredAt = java.time.Instant.ofEpochMilli(configuredMs).toString();
        this.ingestKeys = java.util.Set.copyOf(ingestKeys);
        this.registry = registry;
        this.authorizer = authorizer.withReadTokens(queryTokens);
        this.releases = new ReleaseList(registry, health, projects, new ReleaseHealthCache(healthCacheMs, clock::millis,
            refresher()));
        this.projects = List.copyOf(projects);
    }

    /**
     * One daemon thread at most, gone when idle for 30 s: a refresh at a time, and nothing left behind by a node
     * that stops (the service has no close).
     */
    private static java.util.concurrent.Executor refresher()
    {
        final java.util.concurrent.ThreadPoolExecutor executor = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r ->
            {
                final Thread t = new Thread(r, "crashfree-release-health-refresh");
                t.setDaemon(true);
                return t;
            });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * @param method        the HTTP method.
     * @param uri           the request URI.
     * @param authorization the {@code Authorization} header, or null.
     * @param body          the request body (empty for none).
     * @param nowMs         now.
     * @return the answer; an empty JSON string means no body ({@code 204}).
     */
    public QueryService.Response handle(final String method, final String uri, final String authorization,
        final byte[] body, final long nowMs)
    {
        if (isIngestKey(authorization))
        {
            return error(403, "ingest keys cannot read or write releases; use a token of auth.token.<id>.value");
        }
        final boolean write = !method.equals("GET") && !method.equals("HEAD");
        final TokenAuthorizer.Decision decision = authorizer.authorize(authorization,
            write ? Access.WRITE : Access.READ);
        if (!decision.isAllowed())
        {
            return error(decision.outcome().httpStatus(), decision.detail());
        }
        final String badEscape = QueryService.badPercentEscape(uri);
        if (badEscape != null)
        {
            return QueryService.error(400, badEscape);
        }
        final QueryStringDecoder decoder = new QueryStringDecoder(uri);
        final String path = decoder.path();
        final String[] raw = decoder.rawPath().substring(1).split("/");
        final String[] parts = new String[raw.length];
        for (int i = 0; i < raw.length; i++)
        {
            // the raw path, decoded once after splitting: a version with an encoded '/' stays one segment, and '+'
            // is a plus in a path (package@version+build, which sentry-cli sends unencoded), not a space
            parts[i] = QueryStringDecoder.decodeComponent(raw[i].replace("+", "%2B"));
        }
        try
        {
            return route(method, path, parts, decoder.parameters(), body, decision.token(), nowMs);
        }
        catch (final SQLException ex)
        {
            throw new IllegalStateException("releases registry: " + ex.getMessage(), ex);
        }
    }

    private boolean isIngestKey(final String authorization)
    {
        if (authorization == null)
        {
            return false;
        }
        final String value = authorization.trim();
        if (value.regionMatches(true, 0, "sentry ", 0, 7))
        {
            return true;
        }
        return value.regionMatches(true, 0, "bearer ", 0, 7) &&
            ingestKeys.contains(value.substring(7).trim().toLowerCase(java.util.Locale.ROOT));
    }

    private QueryService.Response route(final String method, final String path, final String[] parts,
        final Map<String, List<String>> params, final byte[] body, final TokenAuthorizer.Token token,
        final long nowMs) throws SQLException
    {
        final int n = parts.length;
        if (n == 2)
        {
            return method.equals("GET") ? info(token) : notAllowed(method, path);
        }
        final String org;
        final String project;
        final int rest;
        if (parts[2].equals("organizations") && n >= 5)
        {
            org = parts[3];
            project = null;
            rest = 4;
            if (n == 5 && parts[4].equals("projects"))
            {
                return method.equals("GET") ? projects(org) : notAllowed(method, path);
            }
            if (n == 5 && parts[4].equals("repos"))
            {
                return method.equals("GET") ? repositories(org) : notAllowed(method, path);
            }
            if (n == 6 && parts[4].equals("issues"))
            {
                return method.equals("GET") ? issue(org, parts[5]) : notAllowed(method, path);
            }
            if (n == 5 && parts[4].equals("issues"))
            {
                return method.equals("GET") ? organizationIssues(org, path, params) : notAllowed(method, path);
            }
        }
        else if (parts[2].equals("projects") && n == 6 && parts[5].equals("issues"))
        {
            return method.equals("GET") ? issues(parts[3], parts[4], path, params) : notAllowed(method, path);
        }
        else if (parts[2].equals("projects") && n >= 6)
        {
            org = parts[3];
            project = parts[4];
            rest = 5;
        }
        else
        {
            return error(404, "not found: " + path);
        }
        if (!parts[rest].equals("releases"))
        {
            return error(404, "not found: " + path);
        }
        if (n == rest + 1)
        {
            return switch (method)
            {
                case "GET" -> releases.list(org, project, path, params, nowMs);
                case "POST" -> project != null && projectId(project) == null ?
                    error(404, "unknown project: \"" + project + '"') : create(org, project, body, nowMs);
                default -> notAllowed(method, path);
            };
        }
        final String version = parts[rest + 1];
        if (n == rest + 2)
        {
            return switch (method)
            {
                case "GET" -> releases.one(org, version, params, nowMs);
                case "PUT" -> update(org, version, body);
                case "DELETE" -> answer(registry.deleteRelease(org, version), v -> null);
                default -> notAllowed(method, path);
            };
        }
        if (n == rest + 3)
        {
            final boolean get = method.equals("GET");
            switch (parts[rest + 2])
            {
                case "commits":
                    return get ? answer(registry.commits(org, version), ReleaseJsonWriter::commits) :
                        notAllowed(method, path);
                case "commitfiles":
                    return get ? answer(registry.commitFiles(org, version), ReleaseJsonWriter::commitFiles) :
                        notAllowed(method, path);
                case "previous-with-commits":
                    return get ? answer(registry.previousWithCommits(org, version),
                        ReleaseJsonWriter::previousWithCommits) : notAllowed(method, path);
                case "deploys":
                    if (get)
                    {
                        return answer(registry.deploys(org, version), ReleaseJsonWriter::deploys);
                    }
                    return method.equals("POST") ? deploy(org, version, body, nowMs) : notAllowed(method, path);
                default:
                    break;
            }
        }
        return error(404, "not found: " + path);
    }

    private QueryService.Response info(final TokenAuthorizer.Token token)
    {
        final ObjectNode json = MAPPER.createObjectNode();
        json.put("version", "0");
        final ArrayNode scopes = json.putObject("auth").putArray("scopes");
        for (final Scope scope : Scope.values())
        {
            if (token.scopes().contains(scope))
            {
                scopes.add(scope.wireName());
            }
        }
        final ObjectNode user = json.putObject("user");
        user.put("id", "1");
        user.put("name", "crashfree");
        user.put("username", "crashfree");
        user.put("email", "crashfree@localhost");
        return ok(200, json);
    }

    /** A project's issues ({@code query}: Sentry's search terms), paged like the release list. */
    private QueryService.Response issues(final String org, final String project, final String path,
        final Map<String, List<String>> params) throws SQLException
    {
        final String query = params.getOrDefault("query", List.of("")).get(0);
        final RegistryResult<List<io.crashfree.releases.model.Issue>> found = registry.issues().issues(org, project,
            query);
        if (!found.isSuccess())
        {
            return failure(found);
        }
        final ReleaseList.Page page;
        try
        {
            page = ReleaseList.Page.of(params, found.value().size());
        }
        catch (final io.crashfree.aggregation.query.QueryException ex)
        {
            return error(400, ex.getMessage());
        }
        final ArrayNode json = IssueJsonWriter.issues(found.value().subList(page.from(), page.to()),
            projectId(project));
        return new QueryService.Response(200, new String(ReleaseJsonWriter.toBytes(json), StandardCharsets.UTF_8),
            page.link(path, params));
    }

    /**
     * Sentry's organization issues: the issues of the {@code project} ids asked for (all projects without one), most
     * recently seen first, paged.
     */
    private QueryService.Response organizationIssues(final String org, final String path,
        final Map<String, List<String>> params) throws SQLException
    {
        final List<String> requested = params.getOrDefault("project", List.of());
        final List<ProjectConfig> selected = new java.util.ArrayList<>();
        for (final String id : requested)
        {
            final ProjectConfig p = projects.stream().filter(c -> String.valueOf(c.id()).equals(id.trim()))
                .findFirst().orElse(null);
            if (p == null && !id.trim().equals("-1"))
            {
                return error(400, "unknown project: " + id);
            }
            if (p != null)
            {
                selected.add(p);
            }
        }
        final String query = params.getOrDefault("query", List.of("")).get(0);
        final List<io.crashfree.releases.model.Issue> all = new java.util.ArrayList<>();
        for (final ProjectConfig p : selected.isEmpty() ? projects : selected)
        {
            final RegistryResult<List<io.crashfree.releases.model.Issue>> found = registry.issues().issues(org,
                p.name(), query);
            if (!found.isSuccess())
            {
                return failure(found);
            }
            all.addAll(found.value());
        }
        all.sort(java.util.Comparator.comparingLong(io.crashfree.releases.model.Issue::lastSeenMs).reversed()
            .thenComparing(java.util.Comparator.comparingLong(io.crashfree.releases.model.Issue::id).reversed()));
        final ReleaseList.Page page;
        try
        {
            page = ReleaseList.Page.of(params, all.size());
        }
        catch (final io.crashfree.aggregation.query.QueryException ex)
        {
            return error(400, ex.getMessage());
        }
        final ArrayNode json = MAPPER.createArrayNode();
        for (final io.crashfree.releases.model.Issue issue : all.subList(page.from(), page.to()))
        {
            json.add(IssueJsonWriter.issue(issue, projectId(issue.project())));
        }
        return new QueryService.Response(200, new String(ReleaseJsonWriter.toBytes(json), StandardCharsets.UTF_8),
            page.link(path, params));
    }

    /** One issue (by id or short id) with its events per release, suspect commits and suggested assignee. */
    private QueryService.Response issue(final String org, final String id) throws SQLException
    {
        final RegistryResult<io.crashfree.releases.model.IssueDetails> found = registry.issues().issue(org, id);
        return answer(found, details -> IssueJsonWriter.details(details, projectId(details.issue().project())));
    }

    private Long projectId(final String slug)
    {
        return releases.idOf(slug);
    }

    private QueryService.Response projects(final String org) throws SQLException
    {
        return answer(registry.projects(org), list ->
        {
            final ArrayNode json = MAPPER.createArrayNode();
            for (final ProjectRef p : list)
            {
                final ObjectNode o = json.addObject();
                o.put("id", String.valueOf(p.id()));
                o.put("slug", p.slug());
                o.put("name", p.slug());
                o.putObject("organization").put("slug", org).put("name", org);
            }
            return json;
        });
    }

    private QueryService.Response repositories(final String org) throws SQLException
    {
        return answer(registry.repositories(org), list ->
        {
            final ArrayNode json = ReleaseJsonWriter.repositories(list);
            for (final JsonNode repository : json)
            {
                // sentry-cli requires dateCreated; a repository exists here from the configuration the node read
                ((ObjectNode)repository).put("dateCreated", configuredAt);
            }
            return json;
        });
    }

    private QueryService.Response create(final String org, final String project, final byte[] body,
        final long nowMs) throws SQLException
    {
        final RegistryResult<ReleaseInput> read = ReleaseJsonReader.readRelease(body);
        if (!read.isSuccess())
        {
            return failure(read);
        }
        ReleaseInput input = read.value();
        if (input.version() == null)
        {
            return error(400, "version is required");
        }
        if (project != null && (input.projects() == null || !input.projects().contains(project)))
        {
            final List<String> projects = new java.util.ArrayList<>(
                input.projects() == null ? List.of() : input.projects());
            projects.add(project);
            input = new ReleaseInput(input.version(), List.copyOf(projects), input.dateStartedMs(),
                input.dateReleasedMs(), input.url(), input.ref(), input.owner(), input.status(), input.commits(),
                input.refs());
        }
        return answer(registry.createRelease(org, input, nowMs), ReleaseJsonWriter::release);
    }

    private QueryService.Response update(final String org, final String version, final byte[] body)
        throws SQLException
    {
        final RegistryResult<ReleaseInput> read = ReleaseJsonReader.readRelease(body);
        if (!read.isSuccess())
        {
            return failure(read);
        }
        return answer(registry.updateRelease(org, version, read.value()), ReleaseJsonWriter::release);
    }

    private QueryService.Response deploy(final String org, final String version, final byte[] body,
        final long nowMs) throws SQLException
    {
        final RegistryResult<DeployInput> read = ReleaseJsonReader.readDeploy(body);
        if (!read.isSuccess())
        {
            return failure(read);
        }
        return answer(registry.createDeploy(org, version, read.value(), nowMs),
            recorded -> ReleaseJsonWriter.deploy(recorded.deploy()));
    }

    private static <T> QueryService.Response answer(final RegistryResult<T> result,
        final Function<T, ? extends JsonNode> writer)
    {
        if (!result.isSuccess())
        {
            return failure(result);
        }
        if (result.outcome() == Outcome.NO_CONTENT)
        {
            return new QueryService.Response(204, "");
        }
        return ok(result.status(), writer.apply(result.value()));
    }

    private static QueryService.Response ok(final int status, final JsonNode json)
    {
        return new QueryService.Response(status, new String(ReleaseJsonWriter.toBytes(json), StandardCharsets.UTF_8));
    }

    private static QueryService.Response failure(final RegistryResult<?> result)
    {
        return error(result.status(), result.detail());
    }

    private static QueryService.Response notAllowed(final String method, final String path)
    {
        return error(405, "method " + method + " not allowed on " + path);
    }

    private static QueryService.Response error(final int status, final String detail)
    {
        return QueryService.error(status, detail);
    }
}
