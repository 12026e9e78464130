package io.crashfree.releases.config;

import io.crashfree.releases.auth.TokenAuthorizer;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.notify.DeployNotifier;
import io.crashfree.releases.notify.SmtpDeployNotifier;
import io.crashfree.releases.registry.RegistryContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The registry's settings as parsed from the node's configuration by {@link RegistrySettingsParser}.
 *
 * @param organization the organization's slug ({@code registry.organization})
 * @param repositories the repositories ({@code repository.<id>.name}, {@code repository.<id>.url})
 * @param notifyUsers the known users' emails ({@code notify.users})
 * @param smtp the SMTP server, or {@code null} when deploy emails are off ({@code notify.smtp.*})
 * @param tokens the API tokens ({@code auth.token.<id>.value}, {@code auth.token.<id>.scopes})
 * @param adoptionIntervalSec how often adoption stages are looked at ({@code registry.adoption.interval.seconds})
 * @param database where the registry's database is ({@code registry.database.*})
 * @param healthCacheSec how long the release list serves a health read before refreshing it, 0 = never cached
 *                       ({@code registry.health.cache.seconds})
 */
public record RegistrySettings(String organization, List<Repository> repositories, Set<String> notifyUsers,
                               SmtpDeployNotifier.SmtpSettings smtp, List<TokenAuthorizer.Token> tokens,
                               int adoptionIntervalSec, Database database, int healthCacheSec)
{
    /**
     * The registry's database.
     *
     * @param url empty for the embedded SQLite file in the data directory, else a {@code jdbc:postgresql://} URL
     *            ({@code registry.database.url})
     * @param user PostgreSQL's user, or empty ({@code registry.database.user})
     * @param password PostgreSQL's password, or empty ({@code registry.database.password})
     */
    public record Database(String url, String user, String password)
    {
        /** The embedded default: one SQLite file in the node's data directory. */
        public static final Database EMBEDDED = new Database("", "", "");

        /**
         * Whether the registry is the embedded SQLite file.
         *
         * @return true without a URL
         */
        public boolean embedded()
        {
            return url.isEmpty();
        }

        /** Keeps the password out of logs and messages. */
        @Override
        public String toString()
        {
            return embedded() ? "embedded SQLite" : url + (user.isEmpty() ? "" : " as " + user);
        }
    }

    /**
     * The registry's context for these settings.
     *
     * @param projects the node's project slugs ({@code project.<id>.name}, owned by the edge)
     * @param dataDir the node's data directory (remote repositories are cloned under {@code git/})
     * @return the context
     */
    public RegistryContext toContext(List<String> projects, Path dataDir)
    {
        DeployNotifier notifier = smtp == null ? DeployNotifier.OFF : new SmtpDeployNotifier(smtp);
        return new RegistryContext(List.of(new RegistryContext.Organization(organization, projects, repositories)),
                notifyUsers, notifier, dataDir.resolve("git"));
    }

    /**
     * The token authorizer for these settings.
     *
     * @return the authorizer
     */
    public TokenAuthorizer authorizer()
    {
        return new TokenAuthorizer(tokens);
    }
}
