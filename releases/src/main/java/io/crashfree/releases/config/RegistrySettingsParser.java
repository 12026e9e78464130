package io.crashfree.releases.config;

import io.crashfree.releases.auth.Scope;
import io.crashfree.releases.auth.TokenAuthorizer;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.notify.SmtpDeployNotifier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses the registry's keys of the node's configuration into {@link RegistrySettings}. Every key and value is
 * checked; the first problem stops the parse with a {@link RegistryConfigException} naming the key and the value.
 * The edge routes keys here with {@link #isOwnKey(String)}.
 * <pre>
 *   registry.organization=crashfree              the organization's slug (SENTRY_ORG)
 *   registry.adoption.interval.seconds=60        how often adoption stages are looked at (Sentry: every minute)
 *   registry.database.url=                       empty: the embedded SQLite file; jdbc:postgresql://host:port/db
 *   registry.database.user= / registry.database.password=   PostgreSQL's login (only with a PostgreSQL URL)
 *   registry.health.cache.seconds=0              the release list's health read is served this long, then
 *                                                refreshed off the request (0 = read on every request)
 *   repository.&lt;id&gt;.name=acme/app              a repository's name in refs and set-commits --commit
 *   repository.&lt;id&gt;.url=/srv/git/app           a local path the node reads, or a git URL it clones
 *   notify.users=dev@example.com, ops@example.com known users: deploy emails go to those among the commit authors
 *   notify.smtp.host=smtp.example.com             deploy emails are off without it
 *   notify.smtp.port=25
 *   notify.smtp.from=crashfree@example.com        required with a host
 *   notify.smtp.username= / notify.smtp.password= optional login
 *   notify.smtp.timeout.ms=10000
 *   auth.token.&lt;id&gt;.value=SECRET               a plain bearer token (at least 16 characters)
 *   auth.token.&lt;id&gt;.scopes=org:read, project:releases
 * </pre>
 */
public final class RegistrySettingsParser
{
    /** The organization's slug. */
    public static final String ORGANIZATION_KEY = "registry.organization";
    /** The organization when none is configured. */
    public static final String DEFAULT_ORGANIZATION = "crashfree";
    /** How often adoption is looked at. */
    public static final String ADOPTION_INTERVAL_KEY = "registry.adoption.interval.seconds";
    /** The registry's database: empty for the embedded SQLite file, else a PostgreSQL JDBC URL. */
    public static final String DATABASE_URL_KEY = "registry.database.url";
    /** PostgreSQL's user. */
    public static final String DATABASE_USER_KEY = "registry.database.user";
    /** PostgreSQL's password. */
    public static final String DATABASE_PASSWORD_KEY = "registry.database.password";
    /** How long the release list serves a health read before refreshing it. */
    public static final String HEALTH_CACHE_KEY = "registry.health.cache.seconds";
    /** Shortest token accepted. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final String REPOSITORY_PREFIX = "repository.";
    private static final String TOKEN_PREFIX = "auth.token.";
    private static final String SMTP_PREFIX = "notify.smtp.";
    private static final String USERS_KEY = "notify.users";

    private RegistrySettingsParser()
    {
    }

    /**
     * Whether the registry owns a key.
     *
     * @param key a configuration key
     * @return true for {@code registry.*}, {@code repository.*}, {@code notify.*} and {@code auth.token.*}
     */
    public static boolean isOwnKey(String key)
    {
        return key.startsWith("registry.") || key.startsWith(REPOSITORY_PREFIX) || key.startsWith("notify.")
                || key.startsWith(TOKEN_PREFIX);
    }

    /**
     * Parses the settings.
     *
     * @param values the keys this module owns and their values; missing keys take defaults
     * @return the settings
     * @throws RegistryConfigException naming the key and the value of the first problem
     */
    public static RegistrySettings parse(Map<String, String> values)
    {
        String organization = DEFAULT_ORGANIZATION;
        Map<String, String[]> repositories = new TreeMap<>();
        Map<String, String[]> tokens = new TreeMap<>();
        Map<String, String> smtp = new TreeMap<>();
        Set<String> users = new LinkedHashSet<>();
        int adoptionIntervalSec = 60;
        String databaseUrl = "";
        String databaseUser = "";
        String databasePassword = "";
        int healthCacheSec = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet())
        {
            String key = e.getKey();
            String value = e.getValue().trim();
            if (key.equals(ORGANIZATION_KEY))
            {
                if (!value.matches("[a-z0-9][a-z0-9_-]{0,49}"))
                {
                    throw bad(key, value, "organization slug must be lower-case letters, digits, '-' or '_'");
                }
                organization = value;
            }
            else if (key.equals(ADOPTION_INTERVAL_KEY))
            {
                adoptionIntervalSec = integer(key, value, 1, 3600);
            }
            else if (key.equals(DATABASE_URL_KEY))
            {
                databaseUrl = value;
            }
            else if (key.equals(DATABASE_USER_KEY))
            {
                databaseUser = value;
            }
            else if (key.equals(DATABASE_PASSWORD_KEY))
            {
                databasePassword = e.getValue(); // a password may begin or end with a space
            }
            else if (key.equals(HEALTH_CACHE_KEY))
            {
                healthCacheSec = integer(key, value, 0, 3600);
            }
            else if (key.equals(USERS_KEY))
            {
                for (String email : value.split(","))
                {
                    String trimmed = email.trim();
                    if (trimmed.isEmpty())
                    {
                        continue;
                    }
                    if (trimmed.indexOf('@') <= 0)
                    {
                        throw bad(key, value, "not an email address: " + trimmed);
                    }
                    users.add(trimmed);
                }
            }
            else if (key.startsWith(SMTP_PREFIX))
            {
                smtp.put(key.substring(SMTP_PREFIX.length()), value);
            }
            else if (key.startsWith(REPOSITORY_PREFIX))
            {
                pair(repositories, key, value, REPOSITORY_PREFIX, "name", "url");
            }
            else if (key.startsWith(TOKEN_PREFIX))
            {
                pair(tokens, key, value, TOKEN_PREFIX, "value", "scopes");
            }
            else
            {
                throw bad(key, value, "unknown registry setting");
            }
        }
        return new RegistrySettings(organization, repositories(repositories), Set.copyOf(users), smtp(smtp),
                tokens(tokens), adoptionIntervalSec, database(databaseUrl, databaseUser, databasePassword),
                healthCacheSec);
    }

    /**
     * The database settings: no URL is the embedded SQLite file (then a user or password is a mistake worth naming);
     * a URL must be PostgreSQL's, {@code jdbc:postgresql://host[:port]/database[?parameters]}.
     */
    private static RegistrySettings.Database database(String url, String user, String password)
    {
        if (url.isEmpty())
        {
            if (!user.isEmpty())
            {
                throw bad(DATABASE_USER_KEY, user, "a database user needs " + DATABASE_URL_KEY
                        + " (without it the registry is the embedded SQLite file)");
            }
            if (!password.isEmpty())
            {
                throw new RegistryConfigException(DATABASE_PASSWORD_KEY, "a database password needs "
                        + DATABASE_URL_KEY + " (without it the registry is the embedded SQLite file): "
                        + DATABASE_PASSWORD_KEY + "=<" + password.length() + " characters>");
            }
            return RegistrySettings.Database.EMBEDDED;
        }
        if (!url.matches("jdbc:postgresql://[^/?#\\s]+/[^/?#\\s]+(\\?\\S*)?"))
        {
            throw bad(DATABASE_URL_KEY, url, "must be empty (the embedded SQLite file) or"
                    + " jdbc:postgresql://host:port/database");
        }
        String portText = url.substring("jdbc:postgresql://".length(), url.indexOf('/', "jdbc:postgresql://".length()));
        int colon = portText.lastIndexOf(':');
        if (colon >= 0 && !portText.endsWith("]"))
        {
            String port = portText.substring(colon + 1);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535)
            {
                throw bad(DATABASE_URL_KEY, url, "the port must be an integer between 1 and 65535");
            }
        }
        return new RegistrySettings.Database(url, user, password);
    }

    private static void pair(Map<String, String[]> into, String key, String value, String prefix, String first,
                             String second)
    {
        String rest = key.substring(prefix.length());
        int dot = rest.lastIndexOf('.');
        String id = dot <= 0 ? "" : rest.substring(0, dot);
        String field = dot <= 0 ? rest : rest.substring(dot + 1);
        if (id.isEmpty() || id.contains(".") || !(field.equals(first) || field.equals(second)))
        {
            throw bad(key, value, "expected " + prefix + "<id>." + first + " or " + prefix + "<id>." + second);
        }
        if (value.isEmpty())
        {
            throw bad(key, value, "must not be empty");
        }
        into.computeIfAbsent(id, x -> new String[2])[field.equals(first) ? 0 : 1] = value;
    }

    private static List<Repository> repositories(Map<String, String[]> pairs)
    {
        List<Repository> repositories = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, String[]> e : pairs.entrySet())
        {
            String id = e.getKey();
            String[] nameAndUrl = e.getValue();
            if (nameAndUrl[0] == null || nameAndUrl[1] == null)
            {
                String missing = REPOSITORY_PREFIX + id + (nameAndUrl[0] == null ? ".name" : ".url");
                throw new RegistryConfigException(missing, "repository " + id + " needs both name and url: "
                        + missing + " is missing");
            }
            if (!names.add(nameAndUrl[0]))
            {
                throw bad(REPOSITORY_PREFIX + id + ".name", nameAndUrl[0], "another repository has this name");
            }
            repositories.add(new Repository(id, nameAndUrl[0], nameAndUrl[1]));
        }
        return List.copyOf(repositories);
    }

    private static List<TokenAuthorizer.Token> tokens(Map<String, String[]> pairs)
    {
        List<TokenAuthorizer.Token> tokens = new ArrayList<>();
        for (Map.Entry<String, String[]> e : pairs.entrySet())
        {
            String id = e.getKey();
            String secret = e.getValue()[0];
            String scopesText = e.getValue()[1];
            String valueKey = TOKEN_PREFIX + id + ".value";
            String scopesKey = TOKEN_PREFIX + id + ".scopes";
            if (secret == null || scopesText == null)
            {
                String missing = secret == null ? valueKey : scopesKey;
                throw new RegistryConfigException(missing, "token " + id + " needs both value and scopes: "
                        + missing + " is missing");
            }
            if (secret.length() < MIN_TOKEN_LENGTH || secret.startsWith("sntrys_"))
            {
                // an sntrys_ token carries its own URL and org, which sentry-cli prefers over SENTRY_URL
                throw new RegistryConfigException(valueKey, "a token must be plain and at least " + MIN_TOKEN_LENGTH
                        + " characters: " + valueKey + "=<" + secret.length() + " characters>");
            }
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String name : scopesText.split(","))
            {
                Scope scope = Scope.fromWireName(name.trim());
                if (scope == null)
                {
                    throw bad(scopesKey, scopesText, "unknown scope '" + name.trim() + "'");
                }
                scopes.add(scope);
            }
            tokens.add(new TokenAuthorizer.Token(secret, Set.copyOf(scopes)));
        }
        return List.copyOf(tokens);
    }

    private static SmtpDeployNotifier.SmtpSettings smtp(Map<String, String> smtp)
    {
        for (String key : smtp.keySet())
        {
            if (!List.of("host", "port", "from", "username", "password", "timeout.ms").contains(key))
            {
                throw bad(SMTP_PREFIX + key, smtp.get(key), "unknown SMTP setting");
            }
        }
        String host = smtp.get("host");
        if (host == null || host.isEmpty())
        {
            if (!smtp.isEmpty())
            {
                throw new RegistryConfigException(SMTP_PREFIX + "host",
                        "SMTP settings without notify.smtp.host: deploy emails need a host");
            }
            return null;
        }
        String from = smtp.get("from");
        if (from == null || from.indexOf('@') <= 0)
        {
            throw bad(SMTP_PREFIX + "from", String.valueOf(from), "deploy emails need a sender address");
        }
        int port = integer(SMTP_PREFIX + "port", smtp.getOrDefault("port", "25"), 1, 65_535);
        int timeoutMs = integer(SMTP_PREFIX + "timeout.ms", smtp.getOrDefault("timeout.ms", "10000"), 100, 600_000);
        String username = smtp.get("username");
        return new SmtpDeployNotifier.SmtpSettings(host, port, from,
                username == null || username.isEmpty() ? null : username, smtp.get("password"), timeoutMs);
    }

    private static int integer(String key, String value, int min, int max)
    {
        try
        {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (NumberFormatException ignored)
        {
            // answered below with the key and the range
        }
        throw bad(key, value, "must be an integer between " + min + " and " + max);
    }

    private static RegistryConfigException bad(String key, String value, String problem)
    {
        return new RegistryConfigException(key, problem + ": " + key + "=" + value);
    }
}
