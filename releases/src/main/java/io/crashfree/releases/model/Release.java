package io.crashfree.releases.model;

import io.crashfree.releases.version.VersionInfo;
import java.util.List;

/**
 * A release as the registry answers it: its own fields, its projects and the summaries of its commits and deploys.
 *
 * @param id the release's registry id
 * @param version the version (the release's name, unique in its organization)
 * @param versionInfo the version parsed as Sentry shows it
 * @param dateCreatedMs when the registry first knew it
 * @param dateStartedMs when it started (the client says), or {@code null}
 * @param dateReleasedMs when it was finalized, or {@code null}
 * @param firstEventMs the first session or event seen for it, or {@code null}
 * @param lastEventMs the last session or event seen for it, or {@code null}
 * @param url a link to it, or {@code null}
 * @param ref a VCS ref (tag, sha), or {@code null}
 * @param status open or archived
 * @param owner the owner, or {@code null}
 * @param projects the projects it is linked to, by slug
 * @param commitCount how many commits are associated
 * @param lastCommit the newest associated commit, or {@code null}
 * @param authors the commits' authors, one per email
 * @param deployCount how many deploys
 * @param lastDeploy the latest deploy by finish time, or {@code null}
 */
public record Release(long id, String version, VersionInfo versionInfo, long dateCreatedMs, Long dateStartedMs,
                      Long dateReleasedMs, Long firstEventMs, Long lastEventMs, String url, String ref,
                      ReleaseStatus status, String owner, List<ProjectRef> projects, int commitCount,
                      Commit lastCommit, List<Author> authors, int deployCount, Deploy lastDeploy)
{
}
