package io.crashfree.releases.auth;

import io.crashfree.releases.registry.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether an {@code Authorization} header may do a registry request: plain bearer tokens, each with a set of
 * scopes. No or unknown token → {@link Outcome#UNAUTHORIZED}; a known token without the needed scope →
 * {@link Outcome#FORBIDDEN}. Ingest keys are not tokens here, so they never read or write.
 * <p>
 * Immutable and thread-safe; tokens are compared in constant time.
 */
public final class TokenAuthorizer
{

    /**
     * A configured token.
     *
     * @param secret the bearer token
     * @param scopes what it may do
     */
    public record Token(String secret, Set<Scope> scopes)
    {
    }

    /**
     * The decision on one request.
     *
     * @param outcome {@link Outcome#OK}, {@link Outcome#UNAUTHORIZED} or {@link Outcome#FORBIDDEN}
     * @param token the matched token, or {@code null}
     * @param detail the reason when refused, or {@code null}
     */
    public record Decision(Outcome outcome, Token token, String detail)
    {
        /**
         * Whether the request may go on.
         *
         * @return true when allowed
         */
        public boolean isAllowed()
        {
            return outcome == Outcome.OK;
        }
    }

    private static final String BEARER = "Bearer ";
    private static final Set<Scope> READ_SCOPES = EnumSet.of(Scope.ORG_READ, Scope.PROJECT_READ,
            Scope.PROJECT_RELEASES);

    private final List<Token> tokens;

    /**
     * An authorizer over these tokens.
     *
     * @param tokens the configured tokens
     */
    public TokenAuthorizer(List<Token> tokens)
    {
        this.tokens = List.copyOf(new ArrayList<>(tokens));
    }

    /**
     * Decides a request.
     *
     * @param authorizationHeader the header's value, or {@code null} when absent
     * @param access what the request does
     * @return the decision
     */
    public Decision authorize(String authorizationHeader, Access access)
    {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length()))
        {
            return new Decision(Outcome.UNAUTHORIZED, null, "Authentication credentials were not provided.");
        }
        Token token = find(authorizationHeader.substring(BEARER.length()).trim());
        if (token == null)
        {
            return new Decision(Outcome.UNAUTHORIZED, null, "Invalid token");
        }
        boolean allowed = access == Access.WRITE
                ? token.scopes().contains(Scope.PROJECT_RELEASES)
                : !java.util.Collections.disjoint(token.scopes(), READ_SCOPES);
        if (!allowed)
        {
            return new Decision(Outcome.FORBIDDEN, token, access == Access.WRITE
                    ? "You do not have permission to perform this action: this token lacks the project:releases scope"
                    : "You do not have permission to perform this action: this token lacks a read scope");
        }
        return new Decision(Outcome.OK, token, null);
    }

    /**
     * This authorizer with read-only tokens added ({@code org:read}, {@code project:read}, {@code event:read}): the
     * node's {@code query.tokens}, which read releases as they read sessions. A token already configured keeps its
     * scopes.
     *
     * @param secrets the read tokens
     * @return a new authorizer
     */
    public TokenAuthorizer withReadTokens(List<String> secrets)
    {
        List<Token> all = new ArrayList<>(tokens);
        for (String secret : secrets)
        {
            if (find(secret) == null)
            {
                all.add(new Token(secret, EnumSet.of(Scope.ORG_READ, Scope.PROJECT_READ, Scope.EVENT_READ)));
            }
        }
        return new TokenAuthorizer(all);
    }

    private Token find(String presented)
    {
        byte[] presentedBytes = presented.getBytes(StandardCharsets.UTF_8);
        Token found = null;
        for (Token token : tokens)
        {
            // every token is compared, and in constant time, so timing does not reveal which prefix matched
            if (MessageDigest.isEqual(presentedBytes, token.secret().getBytes(StandardCharsets.UTF_8)))
            {
                found = token;
            }
        }
        return found;
    }
}
