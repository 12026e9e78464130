package io.crashfree.releases.model;

/**
 * An issue's events in one release.
 *
 * @param version     the release
 * @param firstSeenMs its first event there
 * @param lastSeenMs  its latest event there
 * @param events      events there
 * @param users       users there (a sketch's estimate)
 */
public record IssueInRelease(String version, long firstSeenMs, long lastSeenMs, long events, long users)
{
}
