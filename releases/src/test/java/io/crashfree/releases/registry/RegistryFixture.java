package io.crashfree.releases.registry;

import io.crashfree.releases.model.Repository;
import io.crashfree.releases.notify.DeployNotifier;
import io.crashfree.releases.store.PostgresRegistryStore;
import io.crashfree.releases.store.RegistryStore;
import io.crashfree.releases.store.SqliteRegistryStore;
import io.crashfree.releases.store.TestPostgres;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * A registry over a real database, a SQLite file or a schema of its own in the test PostgreSQL ({@link TestPostgres}):
 * organization {@code acme} with projects {@code default} and {@code web}.
 */
final class RegistryFixture implements AutoCloseable
{

    static final String ORG = "acme";
    static final long T0 = 1_790_000_000_000L;

    /** The database a test runs on; a test class runs on SQLite, its {@code …OnPostgresTest} twin on PostgreSQL. */
    enum Backend
    {
        SQLITE, POSTGRESQL
    }

    final RegistryStore store;
    final ReleaseRegistry registry;
    private final String schemaUrl; // PostgreSQL: the schema dropped at close

    private RegistryFixture(RegistryStore store, ReleaseRegistry registry, String schemaUrl)
    {
        this.store = store;
        this.registry = registry;
        this.schemaUrl = schemaUrl;
    }

    static RegistryFixture open(Path dataDir) throws SQLException
    {
        return open(Backend.SQLITE, dataDir);
    }

    static RegistryFixture open(Backend backend, Path dataDir) throws SQLException
    {
        return open(backend, dataDir, List.of(), Set.of(), DeployNotifier.OFF);
    }

    static RegistryFixture open(Backend backend, Path dataDir, List<Repository> repositories, Set<String> users,
                                DeployNotifier notifier) throws SQLException
    {
        String schemaUrl = backend == Backend.POSTGRESQL ? TestPostgres.freshSchema() : null;
        RegistryStore store = schemaUrl == null ? SqliteRegistryStore.open(dataDir, T0)
                : PostgresRegistryStore.open(schemaUrl, null, null, T0);
        RegistryContext context = new RegistryContext(
                List.of(new RegistryContext.Organization(ORG, List.of("default", "web"), repositories)), users,
                notifier, dataDir.resolve("git-cache"));
        try
        {
            return new RegistryFixture(store, ReleaseRegistry.open(store, context), schemaUrl);
        }
        catch (SQLException | RuntimeException e)
        {
            store.close();
            throw e;
        }
    }

    /**
     * Another node's registry on this fixture's PostgreSQL schema (its own store and connection), closed by the
     * caller; the schema stays until this fixture closes.
     *
     * @param dataDir the other node's directory (for its git cache)
     * @return the other fixture
     * @throws SQLException when the database fails
     */
    RegistryFixture otherNode(Path dataDir) throws SQLException
    {
        if (schemaUrl == null)
        {
            throw new IllegalStateException("only a PostgreSQL registry is shared by nodes");
        }
        RegistryStore other = PostgresRegistryStore.open(schemaUrl, null, null, T0);
        RegistryContext context = new RegistryContext(
                List.of(new RegistryContext.Organization(ORG, List.of("default", "web"), List.of())), Set.of(),
                DeployNotifier.OFF, dataDir.resolve("git-cache"));
        return new RegistryFixture(other, ReleaseRegistry.open(other, context), null);
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
        if (schemaUrl != null)
        {
            TestPostgres.dropSchema(schemaUrl);
        }
    }
}
