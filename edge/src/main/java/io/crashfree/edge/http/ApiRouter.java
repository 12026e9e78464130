package io.crashfree.edge.http;

/**
 * The one place that decides which API area a request path belongs to; each area has one handler:
 * <pre>
 *   /health                                   ops: HealthRoute (event loop)
 *   /metrics                                  ops: NodeMetrics (query threads)
 *   /api/{id}/envelope/                       ingest: IngestWorker (event loop)
 *   /api/0/organizations/{org}/sessions/      sessions: QueryService (query threads)
 *   /api/0/organizations/{org}/dashboard/     dashboard settings: DashboardRoute (event loop; configuration only)
 *   /api/0/…  (everything else)               releases, repositories, projects: RegistryService (query threads;
 *                                             a query token's GET …/releases/ is the health index of QueryService)
 * </pre>
 * Runs on the event loop: compares characters, allocates nothing.
 */
final class ApiRouter
{
    /** Not an API path (envelopes, {@code /health}, {@code /metrics} are decided by the handler first). */
    static final int NONE = 0;
    /** Sentry's sessions query. */
    static final int SESSIONS = 1;
    /** The releases registry's routes. */
    static final int REGISTRY = 2;
    /** The dashboard's settings (projects, thresholds, DSNs). */
    static final int DASHBOARD = 3;

    private static final String API_0 = "/api/0/";
    private static final String ORGANIZATIONS = "/api/0/organizations/";
    private static final String SESSIONS_SUFFIX = "/sessions";

    private ApiRouter()
    {
    }

    /**
     * @param path the request path, without the query string.
     * @return {@link #SESSIONS}, {@link #DASHBOARD}, {@link #REGISTRY} or {@link #NONE}.
     */
    static int areaOf(final String path)
    {
        if (!path.startsWith(API_0))
        {
            return NONE;
        }
        if (path.startsWith(ORGANIZATIONS))
        {
            final int orgEnd = path.indexOf('/', ORGANIZATIONS.length());
            if (orgEnd > ORGANIZATIONS.length() && path.startsWith(SESSIONS_SUFFIX, orgEnd))
            {
                final int end = orgEnd + SESSIONS_SUFFIX.length();
                if (end == path.length() || (end == path.length() - 1 && path.charAt(end) == '/'))
                {
                    return SESSIONS;
                }
            }
            if (io.crashfree.edge.dashboard.DashboardSettings.isSettingsPath(path))
            {
                return DASHBOARD;
            }
        }
        return REGISTRY;
    }
}
