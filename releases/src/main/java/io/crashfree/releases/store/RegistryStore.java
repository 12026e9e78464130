package io.crashfree.releases.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The registry's database: one interface over the JDBC database that holds the control-plane data, the embedded
 * SQLite file ({@link SqliteRegistryStore}) or, in cluster mode, a PostgreSQL database that the nodes share
 * ({@link PostgresRegistryStore}). The SQL the registry issues is plain SQL that both understand; the schema is one
 * list of migrations ({@link SchemaMigrations}).
 * <p>
 * Every request runs as one {@link #inTransaction transaction}: it commits when the work returns a result that says
 * so, and rolls back otherwise, so a rejected request changes nothing. The work may run more than once when the
 * database asks for a retry (PostgreSQL's serialization failures between nodes), so it must do nothing outside the
 * transaction that cannot be repeated (emails are sent after it, by the caller).
 */
public interface RegistryStore extends AutoCloseable
{

    /**
     * Work done inside one transaction.
     *
     * @param <T> the work's result
     */
    @FunctionalInterface
    interface Work<T>
    {
        /**
         * Does the work on the transaction's connection.
         *
         * @param connection the connection, auto-commit off
         * @return the result
         * @throws SQLException when the database fails
         */
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction. The transaction commits when {@code shouldCommit} accepts the result
     * and rolls back when it refuses it or when the work throws; a commit returns only once the write is durable.
     *
     * @param work the work
     * @param shouldCommit decides from the result whether to commit
     * @param <T> the result type
     * @return the work's result
     * @throws SQLException when the database fails (the transaction is rolled back)
     */
    <T> T inTransaction(Work<T> work, java.util.function.Predicate<T> shouldCommit) throws SQLException;

    /**
     * The schema version in force, after the migrations applied at open.
     *
     * @return the highest applied migration's version
     * @throws SQLException when the database fails
     */
    int schemaVersion() throws SQLException;

    /**
     * Where the database is, for messages: a file, or a JDBC URL without its password.
     *
     * @return the location
     */
    String location();

    /** Closes the database. */
    @Override
    void close();
}
