package io.crashfree.releases.model;

import java.util.List;

/**
 * What a release list needs of every release before it pages: enough to filter, sort and find the page, read in two
 * queries however many releases there are. The page's releases are then loaded in full.
 *
 * @param version the version
 * @param dateCreatedMs when the registry first knew it
 * @param dateReleasedMs when it was finalized, or {@code null}
 * @param status open or archived
 * @param projects the slugs of the projects it is linked to
 */
public record ReleaseSummary(String version, long dateCreatedMs, Long dateReleasedMs, ReleaseStatus status,
                             List<String> projects)
{
    /**
     * The release order's key: finalized releases by {@code dateReleased}, the others by {@code dateCreated}.
     *
     * @return epoch milliseconds
     */
    public long orderKeyMs()
    {
        return dateReleasedMs != null ? dateReleasedMs : dateCreatedMs;
    }
}
