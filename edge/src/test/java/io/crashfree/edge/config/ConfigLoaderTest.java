package io.crashfree.edge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configuration: the shipped defaults load, and every wrong or unknown key stops start-up with a message naming it.
 */
class ConfigLoaderTest
{
    private static final String KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    @Test
    void shouldLoadTheShippedDefaults()
    {
        Path conf = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(conf.resolve("conf/crashfree.properties")))
        {
            conf = conf.getParent();
        }
        final NodeConfig config = ConfigLoader.load(conf.resolve("conf/crashfree.properties"), Map.of());
        assertEquals("127.0.0.1", config.httpHost());
        assertEquals(9400, config.httpPort());
        assertEquals(100, config.maxSessionItems());
        assertEquals(1, config.projects().size());
        assertEquals(KEY, config.project(1).publicKeys().get(0));
        assertEquals(new ConnectionLimits(10, 20, 500, 10_000, 1000, 256L << 20), config.connectionLimits());
        assertEquals(new OpsSettings("", "127.0.0.1", OpsSettings.NO_SEPARATE_PORT), config.ops());
        assertEquals("crashfree", config.registry().organization());
        assertEquals(DevelopmentDefaults.RELEASE_TOKEN, config.registry().tokens().get(0).secret());
    }

    @Test
    void shouldEmbedTheDevelopmentReleaseTokenOnlyWhenNoTokenIsConfigured()
    {
        assertEquals(DevelopmentDefaults.RELEASE_TOKEN,
            ConfigLoader.fromMap(Map.of("project.1.keys", KEY)).registry().tokens().get(0).secret());
        final NodeConfig own = ConfigLoader.fromMap(Map.of("project.1.keys", KEY,
            "auth.token.ci.value", "ci-token-0123456789abc", "auth.token.ci.scopes", "project:releases"));
        assertEquals(1, own.registry().tokens().size());
        assertEquals("ci-token-0123456789abc", own.registry().tokens().get(0).secret());
    }

    @Test
    void shouldLetOverridesWinOverTheFile(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("c.properties");
        Files.writeString(file, "edge.http.port=1234\nproject.3.keys=" + KEY + "\n");
        final NodeConfig config = ConfigLoader.load(file, Map.of("edge.http.port", "0"));
        assertEquals(0, config.httpPort());
        assertEquals("project-3", config.project(3).name());
    }

    @Test
    void shouldNameTheKeyOfEveryBadSetting()
    {
        final String[][] rows = {
            { "edge.http.prot", "9400", "unknown configuration key: edge.http.prot" },
            { "edge.http.port", "http", "edge.http.port must be an integer between 0 and 65535: edge.http.port=http" },
            { "edge.http.port", "70000", "edge.http.port=70000" },
            { "limits.envelope.session.items", "0", "limits.envelope.session.items=0" },
            { "limits.body.compressed.max.bytes", "-1", "limits.body.compressed.max.bytes=-1" },
            { "project.x.keys", KEY, "project id must be a positive integer: project.x.keys" },
            { "project.2.keys", "short", "public keys must be 32 hex characters: project.2.keys=short" },
            { "project.2.name", "orphan", "project 2 has no keys: set project.2.keys" },
            { "project.2.keys", KEY + ",", "configured for projects 1 and 2" },
            { "node.data.dir", " ", "node.data.dir must not be empty" },
            { "edge.http.host", "local host", "edge.http.host must be a host name or IP address" },
            { "edge.http.header.timeout.seconds", "0",
                "edge.http.header.timeout.seconds must be an integer between 1 and 86400" },
            { "edge.http.body.timeout.seconds", "", "edge.http.body.timeout.seconds=" },
            { "edge.http.body.min.bytes.per.second", "fast", "edge.http.body.min.bytes.per.second=fast" },
            { "edge.http.max.connections", "0", "edge.http.max.connections=0" },
            { "edge.http.max.connections.per.ip", "20000",
                "edge.http.max.connections.per.ip must be an integer between 1 and 10000" },
            { "edge.http.body.buffer.megabytes", "0", "edge.http.body.buffer.megabytes=0" },
            { "ops.metrics.token", "short", "ops.metrics.token=short" },
            { "ops.metrics.token", KEY, "the metrics token must not be an ingest key" },
            { "ops.metrics.port", "x", "ops.metrics.port must be an integer between 0 and 65535: ops.metrics.port=x" },
            { "ops.metrics.host", "0.0.0.0", "ops.metrics.host needs ops.metrics.port" },
            { "registry.organisation", "acme", "unknown registry setting: registry.organisation=acme" },
            { "registry.organization", "Acme Inc", "registry.organization=Acme Inc" },
            { "repository.app.name", "acme/app", "repository.app.url is missing" },
            { "repository.app.branch", "main", "repository.app.branch" },
            { "auth.token.ci.value", "short", "auth.token.ci" },
            { "auth.token.ci.value", KEY, "an API token must not be an ingest key: auth.token.ci.value" },
            { "notify.users", "nobody", "notify.users=nobody" },
            { "notify.smtp.port", "25", "notify.smtp.host" },
            { "project.1.upstream.dsn", "glitchtip.example/3", "project.1.upstream.dsn=glitchtip.example/3" },
            { "project.1.upstream.dsn", "ftp://k@host/3", "(the scheme must be http or https): project.1.upstream.dsn=ftp" },
            { "project.1.upstream.dsn", "https://host/3", "it has no public key" },
            { "project.1.upstream.dsn", "https://k@host/", "the path must end with the numeric project id" },
            { "project.1.upstream.dsn", "https://k@host/x", "project.1.upstream.dsn=https://k@host/x" },
            { "project.2.upstream.dsn", "https://k@host/3", "project 2 has no keys: set project.2.keys" },
            { "forward.spool.max.megabytes", "2", "forward.spool.max.megabytes must be an integer between 4" },
            { "forward.upstream.timeout.seconds", "x", "forward.upstream.timeout.seconds=x" },
            { "forward.retry.max.seconds", "0", "forward.retry.max.seconds=0" },
        };
        for (final String[] row : rows)
        {
            final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.fromMap(
                Map.of("project.1.keys", KEY, row[0], row[1])), row[0]);
            assertTrue(ex.getMessage().contains(row[2]), row[0] + ": " + ex.getMessage());
        }
    }

    @Test
    void shouldReadAnUpstreamDsnAsTheSdksDo()
    {
        final NodeConfig config = ConfigLoader.fromMap(Map.of("project.1.keys", KEY,
            "project.1.upstream.dsn", "https://abc123:s3cret@errors.example.com:8443/sentry/17"));
        final var dsn = config.forward().upstreams().get(1L);
        assertEquals("https://errors.example.com:8443/sentry/api/17/envelope/", dsn.envelopeUri().toString());
        assertEquals("abc123", dsn.publicKey());
        assertEquals("s3cret", dsn.secret());
        assertEquals(1024L << 20, config.forward().spoolMaxBytes());
        assertTrue(config.forward().forwards(1));
        assertTrue(!ConfigLoader.fromMap(Map.of("project.1.keys", KEY)).forward().enabled());
    }

    @Test
    void shouldRejectAMissingFile(@TempDir final Path dir)
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> ConfigLoader.load(dir.resolve("nope.properties"), Map.of()));
        assertTrue(ex.getMessage().contains("nope.properties"));
    }
}
