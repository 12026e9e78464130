package io.crashfree.releases.registry;

import io.crashfree.releases.model.ReleaseStatus;
import java.util.List;

/**
 * The body of a release create ({@code POST …/releases/}) or update ({@code PUT …/releases/{version}/}); every field
 * but {@code version} (on create) may be {@code null}, meaning "leave as it is".
 *
 * @param version the version; required on create, ignored on update
 * @param projects project slugs to link (added to the existing links), or {@code null}
 * @param dateStartedMs when it started, or {@code null}
 * @param dateReleasedMs when it was released (finalize), or {@code null}
 * @param url a link, or {@code null}
 * @param ref a VCS ref, or {@code null}
 * @param owner the owner, or {@code null}
 * @param status a new status, or {@code null}
 * @param commits commits that replace the release's commits (empty clears them), or {@code null}
 * @param refs commit ranges resolved by the node that replace the release's commits, or {@code null}
 */
public record ReleaseInput(String version, List<String> projects, Long dateStartedMs, Long dateReleasedMs, String url,
                           String ref, String owner, ReleaseStatus status, List<CommitInput> commits,
                           List<RefInput> refs)
{

    /**
     * A create request with only a version and projects.
     *
     * @param version the version
     * @param projects project slugs
     * @return the input
     */
    public static ReleaseInput of(String version, List<String> projects)
    {
        return new ReleaseInput(version, projects, null, null, null, null, null, null, null, null);
    }
}
