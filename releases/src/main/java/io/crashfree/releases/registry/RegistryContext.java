package io.crashfree.releases.registry;

import io.crashfree.releases.model.Repository;
import io.crashfree.releases.notify.DeployNotifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registry's settings and collaborators, validated once at start-up: the organizations with their projects and
 * repositories (written into the database at open, so the registry's tables always know them), the known users who
 * get deploy emails ({@code notify.users}), the notifier, and where remote repositories are cloned.
 *
 * @param organizations the organizations
 * @param notifyUsers emails of the node's known users (compared case-insensitively)
 * @param notifier the deploy notifier ({@link DeployNotifier#OFF} when no SMTP server is configured)
 * @param gitCacheDir where remote repositories are cloned
 */
public record RegistryContext(List<Organization> organizations, Set<String> notifyUsers, DeployNotifier notifier,
                              Path gitCacheDir)
{

    /**
     * One organization.
     *
     * @param slug its slug ({@code SENTRY_ORG})
     * @param projects its projects' slugs
     * @param repositories its repositories ({@code repository.<id>.name}, {@code repository.<id>.url})
     */
    public record Organization(String slug, List<String> projects, List<Repository> repositories)
    {
    }

    /**
     * Validates and normalizes the settings.
     *
     * @param organizations the organizations
     * @param notifyUsers emails of known users
     * @param notifier the notifier
     * @param gitCacheDir where remote repositories are cloned
     */
    public RegistryContext
    {
        organizations = List.copyOf(organizations);
        notifyUsers = notifyUsers.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        for (Organization organization : organizations)
        {
            if (organization.slug() == null || organization.slug().isBlank())
            {
                throw new IllegalArgumentException("organization slug must not be empty");
            }
            for (Repository repository : organization.repositories())
            {
                if (repository.name() == null || repository.name().isBlank())
                {
                    throw new IllegalArgumentException("repository." + repository.id() + ".name must not be empty");
                }
                if (repository.url() == null || repository.url().isBlank())
                {
                    throw new IllegalArgumentException("repository." + repository.id() + ".url must not be empty");
                }
            }
        }
    }
}
