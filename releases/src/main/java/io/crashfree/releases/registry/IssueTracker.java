package io.crashfree.releases.registry;

import io.crashfree.releases.model.Issue;
import io.crashfree.releases.model.IssueDetails;
import io.crashfree.releases.model.IssueEvent;
import io.crashfree.releases.store.RegistryStore;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issues per release (DESIGN §11): records grouped error events as issues of a project, with their events and users
 * per release, resolves issues from commit messages ({@code Fixes <SHORT-ID>}, applied by the registry when commits
 * are associated with a release), reopens a resolved issue as a regression when an event comes from a later release,
 * and names suspect commits. Same database and transactions as the {@link ReleaseRegistry}; thread-safe.
 */
public final class IssueTracker
{
    private final RegistryStore store;

    /** @param store the registry's open store. */
    public IssueTracker(RegistryStore store)
    {
        this.store = store;
    }

    /**
     * Records a batch of events of one project in one transaction; an event id seen before (for
     * {@value IssueSql#EVENT_ID_RETENTION_MS} ms) is not counted again.
     *
     * @param org     the organization's slug
     * @param project the project's slug
     * @param events  the events
     * @param nowMs   now
     * @return how many events were counted
     * @throws SQLException when the database fails
     */
    public RegistryResult<Integer> record(String org, String project, List<IssueEvent> events, long nowMs)
        throws SQLException
    {
        return store.inTransaction(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            long projectId = orgId < 0 ? -1 : ReleaseSql.projectId(c, orgId, project);
            if (projectId < 0)
            {
                return RegistryResult.<Integer>failed(Outcome.NOT_FOUND, "unknown project: " + project);
            }
            int counted = 0;
            for (IssueEvent event : events)
            {
                if (IssueSql.record(c, orgId, projectId, event))
                {
                    counted++;
                }
            }
            IssueSql.forgetOldEventIds(c, nowMs);
            return RegistryResult.of(Outcome.OK, counted);
        }, RegistryResult::isSuccess);
    }

    /**
     * A project's issues, most recently seen first, filtered by Sentry's search terms: {@code is:unresolved},
     * {@code is:resolved}, {@code is:regressed}, {@code release:V}, {@code firstRelease:V} (values may be quoted).
     *
     * @param org     the organization's slug
     * @param project the project's slug
     * @param query   the search, or null
     * @return the issues, {@code 400} naming an unsupported term, or {@code 404} for an unknown project
     * @throws SQLException when the database fails
     */
    public RegistryResult<List<Issue>> issues(String org, String project, String query) throws SQLException
    {
        RegistryResult<IssueSql.IssueFilter> filter = parse(query);
        if (!filter.isSuccess())
        {
            return filter.asFailure();
        }
        return store.inTransaction(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            long projectId = orgId < 0 ? -1 : ReleaseSql.projectId(c, orgId, project);
            if (projectId < 0)
            {
                return RegistryResult.<List<Issue>>failed(Outcome.NOT_FOUND, "unknown project: \"" + project + '"');
            }
            return RegistryResult.of(Outcome.OK, IssueSql.issues(c, projectId, filter.value()));
        }, result -> false);
    }

    /**
     * One issue with its events per release and its suspect commits.
     *
     * @param org     the organization's slug
     * @param issueId the issue's id, or its short id ({@code CAPTURES-12})
     * @return the issue, or {@code 404}
     * @throws SQLException when the database fails
     */
    public RegistryResult<IssueDetails> issue(String org, String issueId) throws SQLException
    {
        return store.inTransaction(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            if (orgId < 0)
            {
                return RegistryResult.<IssueDetails>failed(Outcome.NOT_FOUND, "unknown organization: \"" + org + '"');
            }
            long id;
            try
            {
                id = Long.parseLong(issueId);
            }
            catch (NumberFormatException ex)
            {
                id = IssueSql.issueByShortId(c, orgId, issueId.toUpperCase(java.util.Locale.ROOT));
            }
            Issue issue = id < 0 ? null : IssueSql.issue(c, orgId, id);
            if (issue == null)
            {
                return RegistryResult.<IssueDetails>failed(Outcome.NOT_FOUND, "unknown issue: \"" + issueId + '"');
            }
            return RegistryResult.of(Outcome.OK, new IssueDetails(issue, IssueSql.perRelease(c, issue.id()),
                IssueSql.suspects(c, issue, orgId)));
        }, result -> false);
    }

    /**
     * Issues first seen in each release (Sentry's {@code newGroups}), per project.
     *
     * @param org      the organization's slug
     * @param versions the releases
     * @return counts by version, then project slug (a release without new issues is absent)
     * @throws SQLException when the database fails
     */
    public Map<String, Map<String, Long>> newIssues(String org, List<String> versions) throws SQLException
    {
        return store.inTransaction(c ->
        {
            long orgId = ReleaseSql.organizationId(c, org);
            return orgId < 0 ? Map.<String, Map<String, Long>>of() : IssueSql.newIssues(c, orgId, versions);
        }, result -> false);
    }

    static RegistryResult<IssueSql.IssueFilter> parse(String query)
    {
        String status = null;
        boolean regressed = false;
        String release = null;
        String firstRelease = null;
        for (String term : terms(query == null ? "" : query))
        {
            switch (term)
            {
                case "is:unresolved" -> status = "unresolved";
                case "is:resolved" -> status = "resolved";
                case "is:regressed" -> regressed = true;
                default ->
                {
                    if (term.startsWith("release:"))
                    {
                        release = unquote(term.substring(8));
                    }
                    else if (term.startsWith("firstRelease:") || term.startsWith("first_release:"))
                    {
                        firstRelease = unquote(term.substring(term.indexOf(':') + 1));
                    }
                    else
                    {
                        return RegistryResult.failed(Outcome.BAD_REQUEST, "unsupported search term: \"" + term +
                            "\" (is:unresolved, is:resolved, is:regressed, release:V, firstRelease:V)");
                    }
                }
            }
        }
        return RegistryResult.of(Outcome.OK, new IssueSql.IssueFilter(status, regressed, release, firstRelease));
    }

    /** Splits on spaces outside double quotes. */
    private static List<String> terms(String query)
    {
        List<String> terms = new ArrayList<>();
        StringBuilder term = new StringBuilder();
        boolean quoted = false;
        for (char ch : query.toCharArray())
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            if (ch == ' ' && !quoted)
            {
                if (term.length() > 0)
                {
                    terms.add(term.toString());
                    term.setLength(0);
                }
            }
            else
            {
                term.append(ch);
            }
        }
        if (term.length() > 0)
        {
            terms.add(term.toString());
        }
        return terms;
    }

    private static String unquote(String value)
    {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ?
            value.substring(1, value.length() - 1) : value;
    }
}
