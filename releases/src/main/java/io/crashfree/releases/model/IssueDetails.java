package io.crashfree.releases.model;

import java.util.List;

/**
 * An issue with its events per release and its suspect commits.
 *
 * @param issue    the issue
 * @param releases its events per release, newest release first
 * @param suspects the commits of its first release that touched its in-app frames' files, newest first
 */
public record IssueDetails(Issue issue, List<IssueInRelease> releases, List<SuspectCommit> suspects)
{
}
