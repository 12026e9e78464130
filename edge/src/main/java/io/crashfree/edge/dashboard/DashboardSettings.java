package io.crashfree.edge.dashboard;

import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.releases.auth.Access;
import io.crashfree.releases.auth.TokenAuthorizer;

import java.util.Locale;

/**
 * {@code GET /api/0/organizations/{org}/dashboard/}: what the dashboard needs besides Sentry's own API, per project
 * its id, slug, name, the crash-free thresholds the pages colour against ({@code project.<id>.dashboard.*}) and a DSN
 * for the empty state ("no sessions yet: point an SDK at …"):
 * <pre>
 *   {"organization": "crashfree",
 *    "projects": [{"id": 1, "slug": "default", "name": "default", "dsn": "http://KEY@HOST/1",
 *                  "thresholds": {"crashFreeUsers": 99.5, "crashFreeSessions": 98.0}}]}
 * </pre>
 * Readable with any read token: one of {@code query.tokens}, or an API token ({@code auth.token.<id>}) with a read
 * scope; no token {@code 401}, an ingest key {@code 403}. The DSN's host is the one the browser asked (its
 * {@code Host} header), else the node's own address. Answered on the event loop: it reads only the configuration.
 */
public final class DashboardSettings
{
    /** An answer: status and JSON body. */
    public record Answer(int status, String json)
    {
    }

    private final NodeConfig config;
    private final TokenAuthorizer authorizer;

    /**
     * @param config the node's configuration (projects, tokens).
     */
    public DashboardSettings(final NodeConfig config)
    {
        this.config = config;
        this.authorizer = config.registry().authorizer();
    }

    /**
     * @param path a request path (no query string).
     * @return whether it is this endpoint's ({@code /api/0/organizations/{org}/dashboard[/]}).
     */
    public static boolean isSettingsPath(final String path)
    {
        final String prefix = "/api/0/organizations/";
        if (!path.startsWith(prefix))
        {
            return false;
        }
        final int orgEnd = path.indexOf('/', prefix.length());
        if (orgEnd <= prefix.length())
        {
            return false;
        }
        final String rest = path.substring(orgEnd);
        return rest.equals("/dashboard") || rest.equals("/dashboard/");
    }

    /**
     * @param authorization the {@code Authorization} header, or null.
     * @param host          the {@code Host} header, or null.
     * @param port          the port the node listens on (for a request without {@code Host}).
     * @return the answer.
     */
    public Answer answer(final String authorization, final String host, final int port)
    {
        final String refused = refusal(authorization);
        if (refused != null)
        {
            return new Answer(refused.startsWith("ingest") ? 403 : 401, "{\"detail\":" + json(refused) + "}");
        }
        final String address = host != null && !host.isBlank() ? host.trim() : config.httpHost() + ":" + port;
        final StringBuilder sb = new StringBuilder(256).append("{\"organization\":")
            .append(json(config.registry().organization())).append(",\"projects\":[");
        boolean first = true;
        for (final ProjectConfig p : config.projects())
        {
            sb.append(first ? "" : ",").append("{\"id\":").append(p.id())
                .append(",\"slug\":").append(json(p.name()))
                .append(",\"name\":").append(json(p.name()))
                .append(",\"dsn\":").append(p.publicKeys().isEmpty() ? "null" :
                    json("http://" + p.publicKeys().get(0) + "@" + address + "/" + p.id()))
                .append(",\"thresholds\":{\"crashFreeUsers\":").append(p.crashFreeUsersThreshold())
                .append(",\"crashFreeSessions\":").append(p.crashFreeSessionsThreshold()).append("}}");
            first = false;
        }
        return new Answer(200, sb.append("]}").toString());
    }

    /** @return why the header may not read, or null when it may. */
    private String refusal(final String authorization)
    {
        if (authorization == null || authorization.isBlank())
        {
            return "Authentication credentials were not provided: send Authorization: Bearer <token> with a read " +
                "token";
        }
        final String value = authorization.trim();
        if (value.regionMatches(true, 0, "sentry ", 0, 7))
        {
            return "ingest keys cannot read; use a read token from query.tokens";
        }
        if (!value.regionMatches(true, 0, "bearer ", 0, 7))
        {
            return "Invalid authorization header: expected Bearer <token>";
        }
        final String token = value.substring(7).trim();
        for (final ProjectConfig p : config.projects())
        {
            if (p.hasKey(token.toLowerCase(Locale.ROOT)))
            {
                return "ingest keys cannot read; use a read token from query.tokens";
            }
        }
        if (config.queryTokens().contains(token) || authorizer.authorize("Bearer " + token, Access.READ).isAllowed())
        {
            return null;
        }
        return "Invalid token";
    }

    private static String json(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
