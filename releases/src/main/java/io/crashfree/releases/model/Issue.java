package io.crashfree.releases.model;

import java.util.List;

/**
 * An issue: the events of one group in one project.
 *
 * @param id                 the issue's id
 * @param shortId            {@code <PROJECT>-<n>}, e.g. {@code CAPTURES-12}
 * @param project            the project's slug
 * @param title              the title
 * @param culprit            where it happens, or {@code null}
 * @param level              the latest event's level
 * @param status             {@code unresolved} or {@code resolved}
 * @param firstSeenMs        its first event
 * @param lastSeenMs         its latest event
 * @param events             how many events
 * @param users              how many users (a sketch's estimate; exact while small)
 * @param firstRelease       the release of its first event with one, or {@code null}
 * @param lastRelease        the release of its latest event with one, or {@code null}
 * @param resolvedInRelease  the release it was resolved in, or {@code null}
 * @param resolvedByCommit   the commit that resolved it ({@code Fixes <shortId>}), or {@code null}
 * @param regressedInRelease the release where it came back after being resolved, or {@code null}
 * @param inAppFiles         the files of its events' in-app frames
 */
public record Issue(long id, String shortId, String project, String title, String culprit, String level,
                    String status, long firstSeenMs, long lastSeenMs, long events, long users, String firstRelease,
                    String lastRelease, String resolvedInRelease, String resolvedByCommit, String regressedInRelease,
                    List<String> inAppFiles)
{
    /** @return whether it came back after being resolved and is unresolved again. */
    public boolean isRegressed()
    {
        return regressedInRelease != null && status.equals("unresolved");
    }
}
