package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The registry's routes as {@code sentry-cli} calls them, over one real socket to a node: bearer token, JSON bodies,
 * Sentry's {@code {"detail": …}} errors, and a snapshot of everything the registry holds for an organization (what a
 * refused request must leave unchanged).
 */
final class RegistryClient implements AutoCloseable
{
    /** The organization the test nodes have ({@code registry.organization} unset). */
    static final String ORG = "/api/0/organizations/crashfree";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private RawHttp http;

    /**
     * @param port the node's port.
     */
    RegistryClient(final int port) throws IOException
    {
        this.port = port;
        this.http = new RawHttp(port);
    }

    /**
     * One request on the client's connection (reconnecting once when the node closed it).
     *
     * @param method HTTP method.
     * @param path   path and query.
     * @param token  the bearer token, or null for no {@code Authorization} header.
     * @param body   the JSON body, or null.
     * @return the response.
     */
    RawHttp.Response call(final String method, final String path, final String token, final String body)
        throws IOException
    {
        return callWith(method, path, token == null ? null : "Bearer " + token, body);
    }

    /**
     * One request with a raw {@code Authorization} header value (e.g. {@code Sentry sentry_key=…}), or none.
     *
     * @return the response.
     */
    RawHttp.Response callWith(final String method, final String path, final String authorization, final String body)
        throws IOException
    {
        final String[] headers = authorization == null ? new String[] { "Content-Type: application/json" } :
            new String[] { "Authorization: " + authorization, "Content-Type: application/json" };
        final byte[] request = RawHttp.request(method, path, headers,
            body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        try
        {
            return http.exchange(request);
        }
        catch (final IOException ex)
        {
            http.close();
            http = new RawHttp(port);
            return http.exchange(request);
        }
    }

    /**
     * A GET that must answer 200.
     *
     * @return the parsed body.
     */
    JsonNode get(final String path, final String token) throws IOException
    {
        final RawHttp.Response r = call("GET", path, token, null);
        if (r.status() != 200)
        {
            throw new AssertionError("GET " + path + " answered " + r.status() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /**
     * Everything the registry holds for the organization, as its routes answer it: the release list, and per
     * release the release itself, its commits, files changed and deploys, plus the project-scoped lists.
     *
     * @param token a token with {@code org:read}.
     * @return one text to compare before and after a request.
     */
    String snapshot(final String token) throws IOException
    {
        final StringBuilder all = new StringBuilder();
        final JsonNode releases = get(ORG + "/releases/", token);
        all.append("releases ").append(releases).append('\n');
        for (final JsonNode release : releases)
        {
            final String path = ORG + "/releases/" + encode(release.get("version").asText()) + '/';
            all.append(path).append(' ').append(get(path, token)).append('\n');
            for (final String part : new String[] { "commits/", "commitfiles/", "deploys/" })
            {
                all.append(path).append(part).append(' ').append(get(path + part, token)).append('\n');
            }
        }
        for (final JsonNode project : get(ORG + "/projects/", token))
        {
            final String path = "/api/0/projects/crashfree/" + project.get("slug").asText() + "/releases/";
            all.append(path).append(' ').append(get(path, token)).append('\n');
        }
        return all.toString();
    }

    /**
     * @param version a release version.
     * @return the version as one path segment (percent-encoded UTF-8).
     */
    static String encode(final String version)
    {
        return URLEncoder.encode(version, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * @param r an error response.
     * @return its {@code detail}.
     */
    static String detail(final RawHttp.Response r) throws IOException
    {
        final JsonNode json = JSON.readTree(r.body());
        if (json == null || !json.hasNonNull("detail"))
        {
            throw new AssertionError("no JSON detail in " + r.status() + ": " + r.body());
        }
        return json.get("detail").asText();
    }

    /**
     * @param r a response.
     * @return its body as JSON.
     */
    static JsonNode json(final RawHttp.Response r) throws IOException
    {
        return JSON.readTree(r.body());
    }

    @Override
    public void close() throws IOException
    {
        http.close();
    }
}
