package io.crashfree.releases.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The registry on PostgreSQL, shared by the nodes of a cluster ({@code registry.database.url}): the same schema and
 * migrations as the embedded SQLite file ({@link SchemaMigrations}, {@link SqlDialect#POSTGRESQL}), the same SQL, one
 * transaction per request.
 * <p>
 * <b>Isolation: serializable, retried.</b> The registry's writes read, then write: find a release and insert it when
 * absent, number a new issue {@code MAX(short_number) + 1}, merge a user into an issue's sketch bytes read a moment
 * before. Two nodes doing one of these at once under {@code READ COMMITTED} would either fail on a unique key (two
 * {@code releases new} of one version: an error instead of 201 and 208) or, worse, silently lose an update (a sketch
 * written over). Under {@code SERIALIZABLE} PostgreSQL lets them run and fails one with a serialization failure
 * ({@code 40001}); this store rolls it back and runs the work again, up to {@value #MAX_ATTEMPTS} times with a short
 * random pause, and the second run sees the first one's commit (the second creator answers 208). Deadlocks
 * ({@code 40P01}) and unique violations ({@code 23505}: a concurrent insert PostgreSQL reports as such rather than
 * as a serialization failure) are retried the same way; the registry's work checks before it inserts, so a unique
 * violation that persists across attempts is a real error and is thrown after the last one. The work only touches
 * the database (git reads at most), so running it again is safe; emails are sent after the commit.
 * <p>
 * <b>One connection, one transaction at a time</b>, as with SQLite: registry requests are few (a deploy, a
 * {@code releases new}, a sighting every few seconds, the adoption look every minute) and each is a few round trips
 * of well under a millisecond on a local network, so a pool would add settings and threads for nothing. Concurrency
 * that matters is between nodes, and PostgreSQL arbitrates it. Callers queue on this object's monitor (the control
 * plane, never the ingest path).
 * <p>
 * <b>Failures.</b> A connection that broke (PostgreSQL restarted, the network dropped: SQL states {@code 08…} and
 * {@code 57P…}, or a failed rollback) is closed and forgotten; the request it served fails with the error, and the
 * next request opens a new connection. A request is never retried on a new connection, since its commit may have
 * happened before the connection broke. Connecting waits at most {@value #CONNECT_TIMEOUT_SECONDS} s and a reply at
 * most {@value #SOCKET_TIMEOUT_SECONDS} s, so a vanished server fails requests instead of hanging them.
 */
public final class PostgresRegistryStore implements RegistryStore
{

    /** Runs of one request's work at most when the database asks for a retry. */
    static final int MAX_ATTEMPTS = 20;
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int SOCKET_TIMEOUT_SECONDS = 60;
    private static final long MAX_PAUSE_MS = 50;

    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private final String url;
    private final Properties properties;
    private Connection connection; // guarded by this; null until first use and after a failure broke it
    private long retries;
    private long reconnects;

    private PostgresRegistryStore(String url, Properties properties, Connection connection)
    {
        this.url = url;
        this.properties = properties;
        this.connection = connection;
    }

    /**
     * Connects to the database and applies pending migrations under an advisory lock, so that nodes starting at once
     * apply each migration once.
     *
     * @param url a {@code jdbc:postgresql://host[:port]/database[?…]} URL
     * @param user the user, or empty/{@code null} for the URL's or the driver's default
     * @param password the password, or empty/{@code null} for none
     * @param nowMs the time recorded beside applied migrations
     * @return the open store
     * @throws SQLException when the database cannot be reached or a migration fails
     */
    public static PostgresRegistryStore open(String url, String user, String password, long nowMs) throws SQLException
    {
        Properties properties = new Properties();
        if (user != null && !user.isEmpty())
        {
            properties.setProperty("user", user);
        }
        if (password != null && !password.isEmpty())
        {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "crashfree-registry");
        PostgresRegistryStore store = new PostgresRegistryStore(url, properties, null);
        Connection connection = store.connect();
        try
        {
            SchemaMigrations.apply(connection, nowMs, SqlDialect.POSTGRESQL);
            connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        }
        catch (SQLException e)
        {
            connection.close();
            throw e;
        }
        store.connection = connection;
        return store;
    }

    @Override
    public synchronized <T> T inTransaction(Work<T> work, Predicate<T> shouldCommit) throws SQLException
    {
        for (int attempt = 1; ; attempt++)
        {
            Connection c = connection();
            try
            {
                T result = work.run(c);
                if (shouldCommit.test(result))
                {
                    c.commit();
                }
                else
                {
                    c.rollback();
                }
                return result;
            }
            catch (SQLException e)
            {
                rollbackOrForget(c, e);
                if (attempt < MAX_ATTEMPTS && connection != null && isRetryable(e))
                {
                    retries++;
                    pause(attempt);
                    continue;
                }
                throw e;
            }
            catch (RuntimeException e)
            {
                rollbackOrForget(c, e);
                throw e;
            }
        }
    }

    @Override
    public int schemaVersion() throws SQLException
    {
        return inTransaction(SchemaMigrations::currentVersion, version -> false);
    }

    @Override
    public String location()
    {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /**
     * Transactions run again because the database asked for it (serialization failures, deadlocks, unique keys taken
     * by a concurrent transaction).
     *
     * @return the count since open
     */
    public synchronized long retries()
    {
        return retries;
    }

    /**
     * Connections opened after one broke.
     *
     * @return the count since open
     */
    public synchronized long reconnects()
    {
        return reconnects;
    }

    @Override
    public synchronized void close()
    {
        if (connection != null)
        {
            closeQuietly(connection);
            connection = null;
        }
    }

    private Connection connection() throws SQLException
    {
        if (connection == null)
        {
            Connection c = connect();
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            connection = c;
            reconnects++;
        }
        return connection;
    }

    private Connection connect() throws SQLException
    {
        Connection c = driver.connect(url, properties);
        if (c == null)
        {
            throw new SQLException("not a PostgreSQL JDBC URL: " + location(), "08001");
        }
        c.setAutoCommit(false);
        return c;
    }

    /** Rolls the failed transaction back; a connection that cannot, or whose failure says it broke, is dropped. */
    private void rollbackOrForget(Connection c, Exception failure)
    {
        boolean broken = failure instanceof SQLException e && isConnectionLost(e);
        if (!broken)
        {
            try
            {
                c.rollback();
            }
            catch (SQLException rollbackFailed)
            {
                broken = true;
            }
        }
        if (broken)
        {
            closeQuietly(c);
            connection = null;
        }
    }

    static boolean isRetryable(SQLException e)
    {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state) || "23505".equals(state);
    }

    static boolean isConnectionLost(SQLException e)
    {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private static void pause(int attempt)
    {
        long boundMs = Math.min(MAX_PAUSE_MS, 1L << Math.min(attempt, 6));
        try
        {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, boundMs + 1));
        }
        catch (InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection c)
    {
        try
        {
            c.close();
        }
        catch (SQLException ignored)
        {
            // the connection is being dropped: nothing uncommitted on it is kept either way
        }
    }
}
