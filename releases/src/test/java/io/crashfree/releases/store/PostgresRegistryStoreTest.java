package io.crashfree.releases.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store against a real server: the same migrations as SQLite, applied once when nodes start at once;
 * the SQLite spelling of the migrations unchanged; a broken connection fails one request and the next works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresRegistryStoreTest
{
    /**
     * SHA-256 of the released migrations 1..3 as SQLite ran them (version, description, then each statement, each
     * followed by a newline), taken before the migrations learned their PostgreSQL spelling.
     */
    private static final String RELEASED_SQLITE_MIGRATIONS_SHA256 =
            "79690648933112adb728f800084f44170245a9425cd4a580952cab06b37f3446";

    @TempDir
    Path dataDir;
    private String url;

    @BeforeEach
    void schema()
    {
        url = TestPostgres.freshSchema();
    }

    @AfterEach
    void drop()
    {
        TestPostgres.dropSchema(url);
    }

    @Test
    void shouldSpellTheReleasedMigrationsForSqliteExactlyAsTheyRan() throws Exception
    {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (SchemaMigrations.Migration m : SchemaMigrations.MIGRATIONS.subList(0, 3))
        {
            digest.update((m.version() + "\n").getBytes("UTF-8"));
            digest.update((m.description() + "\n").getBytes("UTF-8"));
            for (String statement : m.statements())
            {
                digest.update((SqlDialect.SQLITE.render(statement) + "\n").getBytes("UTF-8"));
            }
        }
        assertEquals(RELEASED_SQLITE_MIGRATIONS_SHA256, HexFormat.of().formatHex(digest.digest()),
                "a released migration's SQLite text changed: existing databases would differ from new ones");
    }

    @Test
    void shouldApplyMigrationsOnceWhenFourNodesOpenAtOnce() throws Exception
    {
        int nodes = 4;
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try
        {
            List<Future<Integer>> opened = new ArrayList<>();
            for (int i = 0; i < nodes; i++)
            {
                long nowMs = 1_000L + i;
                opened.add(pool.submit(() ->
                {
                    start.await(30, TimeUnit.SECONDS);
                    try (PostgresRegistryStore store = PostgresRegistryStore.open(url, null, null, nowMs))
                    {
                        return store.schemaVersion();
                    }
                }));
            }
            for (Future<Integer> f : opened)
            {
                assertEquals(3, f.get(60, TimeUnit.SECONDS));
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        try (PostgresRegistryStore store = PostgresRegistryStore.open(url, null, null, 9_000L))
        {
            List<String> history = store.inTransaction(c -> rows(c,
                    "SELECT version, description FROM schema_migrations ORDER BY version"), r -> false);
            try (SqliteRegistryStore sqlite = SqliteRegistryStore.open(dataDir, 1L))
            {
                assertEquals(sqlite.inTransaction(c -> rows(c,
                        "SELECT version, description FROM schema_migrations ORDER BY version"), r -> false), history,
                        "the same migration history as SQLite's, each version once");
            }
            assertEquals(1L, (long) store.inTransaction(c -> count(c,
                    "SELECT COUNT(DISTINCT applied_ms) FROM schema_migrations"), r -> false), "one node applied them");
        }
    }

    @Test
    void shouldHaveTheSameTablesAndColumnsAsSqlite() throws Exception
    {
        Map<String, List<String>> postgres;
        try (PostgresRegistryStore store = PostgresRegistryStore.open(url, null, null, 1L))
        {
            postgres = store.inTransaction(c ->
            {
                Map<String, List<String>> columns = new TreeMap<>();
                try (var s = c.prepareStatement("SELECT table_name, column_name FROM information_schema.columns"
                        + " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position");
                     ResultSet r = s.executeQuery())
                {
                    while (r.next())
                    {
                        columns.computeIfAbsent(r.getString(1), t -> new ArrayList<>()).add(r.getString(2));
                    }
                }
                return columns;
            }, r -> false);
        }
        Map<String, List<String>> sqlite = new TreeMap<>();
        try (SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, 1L))
        {
            store.inTransaction(c ->
            {
                for (String table : rows(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
                {
                    sqlite.put(table, rows(c, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid"));
                }
                return null;
            }, r -> false);
        }
        assertEquals(sqlite, postgres);
    }

    @Test
    void shouldGenerateIdsAndRollBackRefusedWork() throws Exception
    {
        try (PostgresRegistryStore store = PostgresRegistryStore.open(url, null, null, 1L))
        {
            store.inTransaction(c -> exec(c, "INSERT INTO organizations (slug) VALUES ('kept')"), r -> true);
            store.inTransaction(c -> exec(c, "INSERT INTO organizations (slug) VALUES ('refused')"), r -> false);
            assertThrows(SQLException.class, () -> store.inTransaction(c ->
            {
                exec(c, "INSERT INTO organizations (slug) VALUES ('failed')");
                return exec(c, "INSERT INTO organizations (slug) VALUES ('kept')"); // unique: the whole work fails
            }, r -> true));
            assertEquals(List.of("kept"), store.inTransaction(c -> rows(c, "SELECT slug FROM organizations"),
                    r -> false));
        }
    }

    @Test
    void shouldFailTheRequestOnABrokenConnectionAndServeTheNext() throws Exception
    {
        try (PostgresRegistryStore store = PostgresRegistryStore.open(url, null, null, 1L))
        {
            long pid = store.inTransaction(c -> count(c, "SELECT pg_backend_pid()"), r -> false);
            // what a PostgreSQL restart does to a connection: the server ends it (57P01)
            TestPostgres.execute(TestPostgres.url(), "SELECT pg_terminate_backend(" + pid + ")");
            assertThrows(SQLException.class, () -> store.schemaVersion(), "the request on the ended connection");
            assertEquals(3, store.schemaVersion(), "the next request, on a new connection");
            assertEquals(1, store.reconnects());
        }
    }

    @Test
    void shouldServeAgainAfterARealRestart(@TempDir Path clusterDir) throws Exception
    {
        String ownUrl = TestPostgres.startWithScript(clusterDir);
        try (PostgresRegistryStore store = PostgresRegistryStore.open(ownUrl, null, null, 1L))
        {
            store.inTransaction(c -> exec(c, "INSERT INTO organizations (slug) VALUES ('before')"), r -> true);
            TestPostgres.stopWithScript(clusterDir, false);
            assertThrows(SQLException.class, () -> store.schemaVersion(), "the server is down");
            long startNs = System.nanoTime();
            assertEquals(ownUrl, TestPostgres.startWithScript(clusterDir), "the same port again");
            long restartMs = (System.nanoTime() - startNs) / 1_000_000;
            assertEquals(List.of("before"), store.inTransaction(c -> rows(c, "SELECT slug FROM organizations"),
                    r -> false), "the next request, on a new connection");
            System.out.println("PostgreSQL restart by bin/start-postgres: " + restartMs + " ms");
        }
        finally
        {
            TestPostgres.stopWithScript(clusterDir, true);
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException
    {
        List<String> rows = new ArrayList<>();
        try (var s = c.createStatement(); ResultSet r = s.executeQuery(sql))
        {
            int columns = r.getMetaData().getColumnCount();
            while (r.next())
            {
                StringBuilder row = new StringBuilder(r.getString(1));
                for (int i = 2; i <= columns; i++)
                {
                    row.append(" | ").append(r.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static long count(Connection c, String sql) throws SQLException
    {
        try (var s = c.createStatement(); ResultSet r = s.executeQuery(sql))
        {
            r.next();
            return r.getLong(1);
        }
    }

    private static Boolean exec(Connection c, String sql) throws SQLException
    {
        try (var s = c.createStatement())
        {
            s.execute(sql);
            return Boolean.TRUE;
        }
    }
}
