package io.crashfree.releases.registry;

import io.crashfree.releases.model.Repository;
import io.crashfree.releases.notify.DeployNotifier;
import io.crashfree.releases.store.SqliteRegistryStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** A registry over a real SQLite file: organization {@code acme} with projects {@code default} and {@code web}. */
final class RegistryFixture implements AutoCloseable
{

    static final String ORG = "acme";
    static final long T0 = 1_790_000_000_000L;

    final SqliteRegistryStore store;
    final ReleaseRegistry registry;

    private RegistryFixture(SqliteRegistryStore store, ReleaseRegistry registry)
    {
        this.store = store;
        this.registry = registry;
    }

    static RegistryFixture open(Path dataDir) throws SQLException
    {
        return open(dataDir, List.of(), Set.of(), DeployNotifier.OFF);
    }

    static RegistryFixture open(Path dataDir, List<Repository> repositories, Set<String> users,
                                DeployNotifier notifier) throws SQLException
    {
        SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, T0);
        RegistryContext context = new RegistryContext(
                List.of(new RegistryContext.Organization(ORG, List.of("default", "web"), repositories)), users,
                notifier, dataDir.resolve("git-cache"));
        return new RegistryFixture(store, ReleaseRegistry.open(store, context));
    }

    long count(String table) throws SQLException
    {
        return store.inTransaction(c ->
        {
            try (var s = c.createStatement(); var rows = s.executeQuery("SELECT COUNT(*) FROM " + table))
            {
                rows.next();
                return rows.getLong(1);
            }
        }, r -> false);
    }

    @Override
    public void close()
    {
        store.close();
    }
}
