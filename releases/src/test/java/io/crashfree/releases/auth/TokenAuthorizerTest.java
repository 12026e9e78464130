package io.crashfree.releases.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crashfree.releases.registry.Outcome;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenAuthorizerTest
{

    private final TokenAuthorizer authorizer = new TokenAuthorizer(List.of(
            new TokenAuthorizer.Token("release-token", EnumSet.of(Scope.PROJECT_RELEASES, Scope.ORG_READ)),
            new TokenAuthorizer.Token("read-token", EnumSet.of(Scope.ORG_READ, Scope.PROJECT_READ)),
            new TokenAuthorizer.Token("events-token", EnumSet.of(Scope.EVENT_READ))));

    private record Row(String header, Access access, Outcome expected)
    {
    }

    @Test
    void shouldDecideEveryRequestByItsTokensScopes()
    {
        Row[] rows = {
                new Row("Bearer release-token", Access.WRITE, Outcome.OK),
                new Row("Bearer release-token", Access.READ, Outcome.OK),
                new Row("bearer release-token", Access.WRITE, Outcome.OK),
                new Row("Bearer read-token", Access.READ, Outcome.OK),
                new Row("Bearer read-token", Access.WRITE, Outcome.FORBIDDEN),
                new Row("Bearer events-token", Access.READ, Outcome.FORBIDDEN),
                new Row(null, Access.READ, Outcome.UNAUTHORIZED),
                new Row("", Access.WRITE, Outcome.UNAUTHORIZED),
                new Row("Bearer ", Access.READ, Outcome.UNAUTHORIZED),
                new Row("Bearer release-token-x", Access.WRITE, Outcome.UNAUTHORIZED),
                new Row("Basic cmVsZWFzZS10b2tlbg==", Access.READ, Outcome.UNAUTHORIZED),
                // an ingest key is not a token
                new Row("Sentry sentry_key=a1b2c3d4e5f60718293a4b5c6d7e8f90", Access.READ, Outcome.UNAUTHORIZED),
        };
        for (Row row : rows)
        {
            TokenAuthorizer.Decision decision = authorizer.authorize(row.header(), row.access());
            assertEquals(row.expected(), decision.outcome(), row.header() + " " + row.access());
            assertEquals(row.expected() == Outcome.OK, decision.detail() == null, "a refusal carries a detail");
        }
    }

    @Test
    void shouldReadScopesBySentrysNames()
    {
        assertEquals(Scope.PROJECT_RELEASES, Scope.fromWireName("project:releases"));
        assertEquals("org:read", Scope.ORG_READ.wireName());
        assertEquals(null, Scope.fromWireName("project:admin"));
    }
}
