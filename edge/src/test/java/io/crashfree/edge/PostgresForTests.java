package io.crashfree.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL that cluster-mode tests point {@code registry.database.url} at: {@code CRASHFREE_TEST_POSTGRES_URL}
 * when set ({@code .ci/run} starts one), else the server {@code bin/start-postgres} starts (installing Debian's
 * when missing). Skipped, saying why, only when the server cannot be installed (the script's exit status 3). The
 * releases module's tests have the same helper ({@code TestPostgres}); modules share no test code here.
 */
final class PostgresForTests
{
    private static String baseUrl;

    private PostgresForTests()
    {
    }

    /** @return the server's JDBC URL (user included), starting it through the project's script when needed. */
    static synchronized String url()
    {
        if (baseUrl == null)
        {
            final String given = System.getenv("CRASHFREE_TEST_POSTGRES_URL");
            baseUrl = given != null && !given.isBlank() ? given.trim() : startWithScript();
        }
        return baseUrl;
    }

    /** @return a URL whose connections work in a new, empty schema of their own. */
    static String freshSchema()
    {
        final String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        return url() + (url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** @param schemaUrl a {@link #freshSchema} URL whose schema is dropped with everything in it. */
    static void dropSchema(final String schemaUrl)
    {
        execute("DROP SCHEMA IF EXISTS " + schemaUrl.substring(schemaUrl.lastIndexOf('=') + 1) + " CASCADE");
    }

    /** @param sql one statement run on its own connection to the server's database (auto-commit). */
    static void execute(final String sql)
    {
        try (Connection c = new org.postgresql.Driver().connect(url(), new Properties());
             Statement s = c.createStatement())
        {
            s.execute(sql);
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String startWithScript()
    {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isExecutable(root.resolve("bin/start-postgres")))
        {
            root = root.getParent();
        }
        if (root == null)
        {
            throw new IllegalStateException("bin/start-postgres not found above " + Path.of("").toAbsolutePath());
        }
        try
        {
            final Path out = Files.createTempFile("start-postgres", ".out");
            final Path err = Files.createTempFile("start-postgres", ".err");
            try
            {
                final Process p = new ProcessBuilder(root.resolve("bin/start-postgres").toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES))
                {
                    p.destroyForcibly();
                    throw new IllegalStateException("bin/start-postgres did not finish in 10 minutes");
                }
                final String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
                final String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
                Assumptions.assumeTrue(p.exitValue() != 3,
                    "PostgreSQL's server cannot be installed on this machine, test skipped: " + stderr);
                if (p.exitValue() != 0 || !stdout.startsWith("jdbc:postgresql://"))
                {
                    throw new IllegalStateException("bin/start-postgres failed (exit " + p.exitValue() + "): " + stderr);
                }
                return stdout;
            }
            finally
            {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run bin/start-postgres", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting PostgreSQL", ex);
        }
    }
}
