package io.crashfree.releases.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Predicate;

/**
 * The embedded registry database: one SQLite file in the node's data directory, in WAL mode with
 * {@code synchronous=FULL}, so a committed transaction is on disk before {@link #inTransaction} returns and survives
 * {@code kill -9} (and, with FULL, power loss too).
 * <p>
 * One connection, used by one transaction at a time: control-plane requests are few and short, and SQLite has a
 * single writer anyway. Readers and writers queue on this object's monitor (this is the control plane, never the
 * ingest path).
 */
public final class SqliteRegistryStore implements RegistryStore
{

    /** The database file's name inside the data directory. */
    public static final String FILE_NAME = "registry.sqlite";

    private final Connection connection;
    private final Path file;

    private SqliteRegistryStore(Connection connection, Path file)
    {
        this.connection = connection;
        this.file = file;
    }

    /**
     * Opens (creating when absent) the registry database in {@code dataDir} and applies pending migrations.
     *
     * @param dataDir the node's data directory
     * @param nowMs the time recorded beside applied migrations
     * @return the open store
     * @throws SQLException when the file cannot be opened or a migration fails
     */
    public static SqliteRegistryStore open(Path dataDir, long nowMs) throws SQLException
    {
        try
        {
            Files.createDirectories(dataDir);
        }
        catch (java.io.IOException e)
        {
            throw new SQLException("cannot create the registry's data directory: " + dataDir, e);
        }
        Path file = dataDir.resolve(FILE_NAME);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement())
        {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("PRAGMA synchronous=FULL");
            statement.execute("PRAGMA foreign_keys=ON");
            statement.execute("PRAGMA busy_timeout=5000");
            connection.setAutoCommit(false);
            SchemaMigrations.apply(connection, nowMs, SqlDialect.SQLITE);
        }
        catch (SQLException e)
        {
            connection.close();
            throw e;
        }
        return new SqliteRegistryStore(connection, file);
    }

    /**
     * The database file.
     *
     * @return its path
     */
    public Path file()
    {
        return file;
    }

    @Override
    public String location()
    {
        return file.toString();
    }

    @Override
    public synchronized <T> T inTransaction(Work<T> work, Predicate<T> shouldCommit) throws SQLException
    {
        T result;
        try
        {
            result = work.run(connection);
        }
        catch (SQLException | RuntimeException e)
        {
            connection.rollback();
            throw e;
        }
        if (shouldCommit.test(result))
        {
            connection.commit();
        }
        else
        {
            connection.rollback();
        }
        return result;
    }

    @Override
    public synchronized int schemaVersion() throws SQLException
    {
        int version = SchemaMigrations.currentVersion(connection);
        connection.rollback();
        return version;
    }

    @Override
    public synchronized void close()
    {
        try
        {
            connection.rollback();
            connection.close();
        }
        catch (SQLException ignored)
        {
            // closing: the last commit is already durable, nothing left to save
        }
    }
}
