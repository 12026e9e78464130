package io.crashfree.edge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashfree.edge.query.QueryService;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the health index (the sessions side's {@code healthData} per release and project) into the registry's release
 * JSON, so a registry token's release reads carry health as Sentry's do. Runs on the query threads.
 */
final class ReleaseHealthMerge
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final QueryService healthIndex;

    /** @param healthIndex the sessions read API, or null when the node has no aggregation side. */
    ReleaseHealthMerge(final QueryService healthIndex)
    {
        this.healthIndex = healthIndex;
    }

    /**
     * @param release the registry's release JSON, changed in place.
     * @param org     the organization.
     * @param version the release.
     * @param params  the request's parameters (health periods, environment).
     * @param nowMs   now.
     * @return the release.
     */
    ObjectNode merge(final ObjectNode release, final String org, final String version,
        final Map<String, List<String>> params, final long nowMs)
    {
        return merge(release, read(uri(org, version, params), nowMs));
    }

    /**
     * One read of the whole index, matched by version.
     *
     * @param releases the registry's releases JSON, changed in place.
     * @param org      the organization.
     * @param params   the request's parameters.
     * @param nowMs    now.
     */
    void mergeAll(final ArrayNode releases, final String org, final Map<String, List<String>> params,
        final long nowMs)
    {
        final Map<String, JsonNode> byVersion = new HashMap<>();
        for (final JsonNode seen : read(uri(org, null, params), nowMs))
        {
            byVersion.put(seen.path("version").asText(), seen);
        }
        for (final JsonNode release : releases)
        {
            merge((ObjectNode)release, byVersion.get(release.get("version").asText()));
        }
    }

    /** The health index's request for one release (or all, with health), with the caller's health parameters. */
    private static String uri(final String org, final String version, final Map<String, List<String>> params)
    {
        final String segment = version == null ? "" :
            java.net.URLEncoder.encode(version, StandardCharsets.UTF_8).replace("+", "%20") + "/";
        final io.netty.handler.codec.http.QueryStringEncoder uri = new io.netty.handler.codec.http.QueryStringEncoder(
            "/api/0/organizations/" + org + "/releases/" + segment);
        if (version == null)
        {
            uri.addParam("health", "1");
        }
        for (final String name : List.of("summaryStatsPeriod", "healthStatsPeriod", "environment"))
        {
            for (final String value : params.getOrDefault(name, List.of()))
            {
                uri.addParam(name, value);
            }
        }
        return uri.toString();
    }

    /**
     * What the health index holds for a request: its JSON, or a missing node when it has nothing (no aggregation
     * side, or no session named the release: 404).
     */
    private JsonNode read(final String uri, final long nowMs)
    {
        if (healthIndex == null)
        {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        final QueryService.Response index = healthIndex.handleAuthorized(uri, nowMs);
        if (index.status() != 200)
        {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try
        {
            return MAPPER.readTree(index.json());
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /**
     * Merges the health index's per-project {@code healthData} (and first/last event) into a registry release, for
     * the projects both know by slug; a project without sessions for it has {@code healthData: null}.
     */
    private static ObjectNode merge(final ObjectNode release, final JsonNode health)
    {
        final ArrayNode projects = (ArrayNode)release.get("projects");
        for (final JsonNode p : projects)
        {
            ((ObjectNode)p).put("hasHealthData", false);
            ((ObjectNode)p).putNull("healthData");
        }
        if (health == null || health.isMissingNode())
        {
            return release;
        }
        for (final String field : List.of("firstEvent", "lastEvent"))
        {
            if (release.path(field).isNull() && health.hasNonNull(field))
            {
                release.put(field, health.get(field).asText());
            }
        }
        for (final JsonNode seen : health.path("projects"))
        {
            for (final JsonNode p : projects)
            {
                if (p.path("slug").asText().equals(seen.path("slug").asText()))
                {
                    ((ObjectNode)p).put("hasHealthData", seen.path("hasHealthData").asBoolean());
                    ((ObjectNode)p).set("healthData", seen.get("healthData"));
                }
            }
        }
        return release;
    }
}
