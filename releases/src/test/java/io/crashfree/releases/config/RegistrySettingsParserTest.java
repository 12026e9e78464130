package io.crashfree.releases.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashfree.releases.auth.Access;
import io.crashfree.releases.auth.Scope;
import io.crashfree.releases.model.Repository;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistrySettingsParserTest
{
    @Test
    void shouldParseAFullConfiguration()
    {
        RegistrySettings settings = RegistrySettingsParser.parse(Map.of(
                "registry.organization", "acme",
                "repository.app.name", "acme/app",
                "repository.app.url", "https://github.com/acme/app.git",
                "notify.users", "dev@example.com, ops@example.com",
                "notify.smtp.host", "127.0.0.1",
                "notify.smtp.port", "2525",
                "notify.smtp.from", "crashfree@example.com",
                "auth.token.ci.value", "ci-token-0123456789abcdef",
                "auth.token.ci.scopes", "org:read, project:releases"));
        assertEquals("acme", settings.organization());
        assertEquals(List.of(new Repository("app", "acme/app", "https://github.com/acme/app.git")),
                settings.repositories());
        assertEquals(Set.of("dev@example.com", "ops@example.com"), settings.notifyUsers());
        assertEquals(2525, settings.smtp().port());
        assertEquals(10_000, settings.smtp().timeoutMs());
        assertNull(settings.smtp().username());
        assertEquals(Set.of(Scope.ORG_READ, Scope.PROJECT_RELEASES), settings.tokens().get(0).scopes());
        assertTrue(settings.authorizer().authorize("Bearer ci-token-0123456789abcdef", Access.WRITE).isAllowed());
    }

    @Test
    void shouldDefaultToNoMailNoRepositoriesNoTokens()
    {
        RegistrySettings settings = RegistrySettingsParser.parse(Map.of());
        assertEquals(RegistrySettingsParser.DEFAULT_ORGANIZATION, settings.organization());
        assertNull(settings.smtp(), "deploy emails are off without an SMTP host");
        assertTrue(settings.repositories().isEmpty());
        assertTrue(settings.tokens().isEmpty());
    }

    @Test
    void shouldRefuseEveryBadSettingNamingTheKeyAndValue()
    {
        String[][] rows = {
                {"registry.organization", "Acme Corp", "organization slug must be lower-case letters, digits, '-' or"
                        + " '_': registry.organization=Acme Corp"},
                {"repository.app.name", "acme/app", "repository app needs both name and url: repository.app.url is"
                        + " missing"},
                {"repository.app.branch", "main", "expected repository.<id>.name or repository.<id>.url:"
                        + " repository.app.branch=main"},
                {"notify.users", "dev", "not an email address: dev: notify.users=dev"},
                {"notify.smtp.port", "25", "SMTP settings without notify.smtp.host: deploy emails need a host"},
                {"notify.smtp.tls", "on", "unknown SMTP setting: notify.smtp.tls=on"},
                {"auth.token.ci.value", "short", "token ci needs both value and scopes: auth.token.ci.scopes is"
                        + " missing"},
                {"registry.colour", "blue", "unknown registry setting: registry.colour=blue"},
                {"registry.database.url", "jdbc:mysql://db/crashfree", "must be empty (the embedded SQLite file) or"
                        + " jdbc:postgresql://host:port/database: registry.database.url=jdbc:mysql://db/crashfree"},
                {"registry.database.url", "jdbc:postgresql://db:5432", "must be empty (the embedded SQLite file) or"
                        + " jdbc:postgresql://host:port/database: registry.database.url=jdbc:postgresql://db:5432"},
                {"registry.database.url", "jdbc:postgresql://db:99999/crashfree", "the port must be an integer"
                        + " between 1 and 65535: registry.database.url=jdbc:postgresql://db:99999/crashfree"},
                {"registry.database.user", "crashfree", "a database user needs registry.database.url (without it"
                        + " the registry is the embedded SQLite file): registry.database.user=crashfree"},
                {"registry.database.password", "secret", "a database password needs registry.database.url (without"
                        + " it the registry is the embedded SQLite file): registry.database.password=<6 characters>"},
        };
        for (String[] row : rows)
        {
            RegistryConfigException e = assertThrows(RegistryConfigException.class,
                    () -> RegistrySettingsParser.parse(Map.of(row[0], row[1])), row[0]);
            assertEquals(row[2], e.getMessage(), row[0]);
        }
        RegistryConfigException scope = assertThrows(RegistryConfigException.class, () -> RegistrySettingsParser.parse(
                Map.of("auth.token.ci.value", "ci-token-0123456789abcdef", "auth.token.ci.scopes", "project:admin")));
        assertEquals("unknown scope 'project:admin': auth.token.ci.scopes=project:admin", scope.getMessage());
        RegistryConfigException org = assertThrows(RegistryConfigException.class, () -> RegistrySettingsParser.parse(
                Map.of("auth.token.ci.value", "sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_abc", "auth.token.ci.scopes", "org:read")));
        assertEquals("auth.token.ci.value", org.key(), "organization tokens carry their own URL: refused");
        RegistryConfigException port = assertThrows(RegistryConfigException.class, () -> RegistrySettingsParser.parse(
                Map.of("notify.smtp.host", "h", "notify.smtp.from", "a@b", "notify.smtp.port", "0")));
        assertEquals("must be an integer between 1 and 65535: notify.smtp.port=0", port.getMessage());
    }

    @Test
    void shouldPointTheRegistryAtPostgresqlOrTheEmbeddedFile()
    {
        assertTrue(RegistrySettingsParser.parse(Map.of()).database().embedded(), "no URL: the embedded SQLite file");
        assertTrue(RegistrySettingsParser.parse(Map.of("registry.database.url", " ")).database().embedded());
        RegistrySettings.Database database = RegistrySettingsParser.parse(Map.of(
                "registry.database.url", "jdbc:postgresql://10.0.0.5:5432/crashfree?sslmode=require",
                "registry.database.user", "crashfree",
                "registry.database.password", "s3cret")).database();
        assertEquals("jdbc:postgresql://10.0.0.5:5432/crashfree?sslmode=require", database.url());
        assertEquals("crashfree", database.user());
        assertEquals("s3cret", database.password());
        assertEquals(false, database.toString().contains("s3cret"), "the password stays out of messages");
        assertEquals("jdbc:postgresql://db/registry", RegistrySettingsParser.parse(Map.of(
                "registry.database.url", "jdbc:postgresql://db/registry")).database().url(), "the default port");
    }

    @Test
    void shouldOwnOnlyItsKeys()
    {
        assertTrue(RegistrySettingsParser.isOwnKey("repository.app.url"));
        assertTrue(RegistrySettingsParser.isOwnKey("notify.smtp.host"));
        assertTrue(RegistrySettingsParser.isOwnKey("auth.token.ci.scopes"));
        assertEquals(false, RegistrySettingsParser.isOwnKey("project.1.name"));
        assertEquals(false, RegistrySettingsParser.isOwnKey("query.tokens"));
    }
}
