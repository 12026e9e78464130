package io.crashfree.releases.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRegistryStoreTest
{

    @TempDir
    Path dataDir;

    private static long count(RegistryStore store, String sql) throws SQLException
    {
        return store.inTransaction(c ->
        {
            try (var s = c.createStatement(); var rows = s.executeQuery(sql))
            {
                rows.next();
                return rows.getLong(1);
            }
        }, r -> false);
    }

    private static String pragma(RegistryStore store, String name) throws SQLException
    {
        return store.inTransaction(c ->
        {
            try (var s = c.createStatement(); var rows = s.executeQuery("PRAGMA " + name))
            {
                rows.next();
                return rows.getString(1);
            }
        }, r -> false);
    }

    @Test
    void shouldApplyEachMigrationOnceAcrossOpens() throws Exception
    {
        int latest = SchemaMigrations.MIGRATIONS.get(SchemaMigrations.MIGRATIONS.size() - 1).version();
        for (int open = 0; open < 3; open++)
        {
            try (SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, 1_000L + open))
            {
                assertEquals(latest, store.schemaVersion());
                assertEquals(SchemaMigrations.MIGRATIONS.size(), count(store, "SELECT COUNT(*) FROM schema_migrations"));
                assertEquals(1_000L, count(store, "SELECT MIN(applied_ms) FROM schema_migrations"),
                        "applied at the first open only");
            }
        }
        assertTrue(Files.exists(dataDir.resolve(SqliteRegistryStore.FILE_NAME)), "one file in the data directory");
    }

    @Test
    void shouldUseWalWithFullSyncAndForeignKeys() throws Exception
    {
        try (SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, 1L))
        {
            assertEquals("wal", pragma(store, "journal_mode"));
            assertEquals("2", pragma(store, "synchronous"), "FULL: a commit is on disk when it returns");
            assertEquals("1", pragma(store, "foreign_keys"));
        }
    }

    @Test
    void shouldRollBackWhenTheResultSaysSoOrTheWorkThrows() throws Exception
    {
        try (SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, 1L))
        {
            store.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO organizations (slug) VALUES ('a')"),
                    n -> false);
            assertThrows(SQLException.class, () -> store.inTransaction(c ->
            {
                c.createStatement().executeUpdate("INSERT INTO organizations (slug) VALUES ('b')");
                return c.createStatement().executeUpdate("INSERT INTO organizations (slug) VALUES ('b')");
            }, n -> true));
            store.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO organizations (slug) VALUES ('c')"),
                    n -> true);
            assertEquals(1, count(store, "SELECT COUNT(*) FROM organizations"));
        }
    }

    @Test
    void shouldApplyOnlyTheMigrationsANewerVersionAdds() throws Exception
    {
        try (SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, 1L))
        {
            store.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO organizations (slug) VALUES ('a')"),
                    n -> true);
        }
        List<SchemaMigrations.Migration> newer = new ArrayList<>(SchemaMigrations.MIGRATIONS);
        newer.add(new SchemaMigrations.Migration(SchemaMigrations.MIGRATIONS.size() + 1, "organization names",
                List.of("ALTER TABLE organizations ADD COLUMN name TEXT")));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteRegistryStore.FILE_NAME)))
        {
            c.setAutoCommit(false);
            assertEquals(newer.size(), SchemaMigrations.apply(c, 2L, SqlDialect.SQLITE, newer));
            assertEquals(newer.size(), SchemaMigrations.apply(c, 3L, SqlDialect.SQLITE, newer), "applying again changes nothing");
            try (var s = c.createStatement();
                 var rows = s.executeQuery("SELECT slug, name FROM organizations"))
            {
                rows.next();
                assertEquals("a", rows.getString(1), "the data of the older schema is kept");
            }
            try (var s = c.createStatement();
                 var rows = s.executeQuery("SELECT COUNT(*) FROM schema_migrations WHERE applied_ms = 2"))
            {
                rows.next();
                assertEquals(1, rows.getInt(1), "only the new migration was applied");
            }
        }
    }
}
