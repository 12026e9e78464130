package io.crashfree.edge.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which API area each path belongs to: one row per case. */
class ApiRouterTest
{
    @Test
    void shouldSendEachPathToItsArea()
    {
        final Object[][] rows = {
            { "/api/0/organizations/acme/sessions/", ApiRouter.SESSIONS },
            { "/api/0/organizations/acme/sessions", ApiRouter.SESSIONS },
            { "/api/0/organizations/acme/sessionsx/", ApiRouter.REGISTRY },
            { "/api/0/organizations/acme/sessions/x/", ApiRouter.REGISTRY },
            { "/api/0/organizations//sessions/", ApiRouter.REGISTRY },
            { "/api/0/organizations/acme/releases/", ApiRouter.REGISTRY },
            { "/api/0/organizations/acme/releases/app@1.0/deploys/", ApiRouter.REGISTRY },
            { "/api/0/projects/acme/default/releases/", ApiRouter.REGISTRY },
            { "/api/0/", ApiRouter.REGISTRY },
            { "/api/0/organizations/acme/dashboard/", ApiRouter.DASHBOARD },
            { "/api/0/organizations/acme/dashboard", ApiRouter.DASHBOARD },
            { "/api/0/organizations/acme/dashboard/x/", ApiRouter.REGISTRY },
            { "/", ApiRouter.NONE },
            { "/releases/app@1.0", ApiRouter.NONE },
            { "/api/0", ApiRouter.NONE },
            { "/api/1/envelope/", ApiRouter.NONE },
            { "/metrics", ApiRouter.NONE },
        };
        for (final Object[] row : rows)
        {
            assertEquals(row[1], ApiRouter.areaOf((String)row[0]), (String)row[0]);
        }
    }
}
