package io.crashfree.releases.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashfree.releases.model.Author;
import io.crashfree.releases.model.Commit;
import io.crashfree.releases.model.CommitFile;
import io.crashfree.releases.model.Deploy;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.ProjectRef;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.version.VersionInfo;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes the registry's values in Sentry's JSON shapes: release, commit, commit file, deploy, repository, and the
 * {@code {"detail": …}} error body. Field names are Sentry's (camelCase); times are ISO-8601 UTC.
 */
public final class ReleaseJsonWriter
{

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReleaseJsonWriter()
    {
    }

    /**
     * A release.
     *
     * @param release the release
     * @return its JSON
     */
    public static ObjectNode release(Release release)
    {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", release.id());
        json.put("version", release.version());
        json.put("shortVersion", release.versionInfo().shortVersion());
        json.set("versionInfo", versionInfo(release.versionInfo()));
        json.put("status", release.status().wireName());
        putString(json, "ref", release.ref());
        putString(json, "url", release.url());
        json.put("dateCreated", ReleaseJsonReader.iso(release.dateCreatedMs()));
        putDate(json, "dateStarted", release.dateStartedMs());
        putDate(json, "dateReleased", release.dateReleasedMs());
        putDate(json, "firstEvent", release.firstEventMs());
        putDate(json, "lastEvent", release.lastEventMs());
        putString(json, "owner", release.owner());
        json.putObject("data");
        json.put("newGroups", 0);
        json.put("commitCount", release.commitCount());
        if (release.lastCommit() == null)
        {
            json.putNull("lastCommit");
        }
        else
        {
            json.set("lastCommit", commit(release.lastCommit()));
        }
        json.put("deployCount", release.deployCount());
        if (release.lastDeploy() == null)
        {
            json.putNull("lastDeploy");
        }
        else
        {
            json.set("lastDeploy", deploy(release.lastDeploy()));
        }
        ArrayNode authors = json.putArray("authors");
        for (Author author : release.authors())
        {
            authors.add(author(author));
        }
        ArrayNode projects = json.putArray("projects");
        for (ProjectRef project : release.projects())
        {
            ObjectNode p = projects.addObject();
            p.put("id", project.id());
            p.put("slug", project.slug());
            p.put("name", project.slug());
            p.put("newGroups", 0);
        }
        return json;
    }

    /**
     * A list of releases.
     *
     * @param releases the releases
     * @return a JSON array
     */
    public static ArrayNode releases(List<Release> releases)
    {
        ArrayNode array = MAPPER.createArrayNode();
        for (Release release : releases)
        {
            array.add(release(release));
        }
        return array;
    }

    /**
     * The answer of {@code previous-with-commits}: exactly {@code {}} when there is none (sentry-cli rejects any
     * other field there), else the release.
     *
     * @param previous the previous release with commits, if any
     * @return the JSON object
     */
    public static ObjectNode previousWithCommits(Optional<Release> previous)
    {
        return previous.map(ReleaseJsonWriter::release).orElseGet(MAPPER::createObjectNode);
    }

    /**
     * Version info as Sentry exposes it.
     *
     * @param info the parsed version
     * @return {@code {package, version {raw, major, …}, description, buildHash}}
     */
    public static ObjectNode versionInfo(VersionInfo info)
    {
        ObjectNode json = MAPPER.createObjectNode();
        putString(json, "package", info.packageName());
        ObjectNode version = json.putObject("version");
        version.put("raw", info.raw());
        VersionInfo.Parsed parsed = info.parsed();
        if (parsed != null)
        {
            version.put("major", parsed.major());
            version.put("minor", parsed.minor());
            version.put("patch", parsed.patch());
            putString(version, "pre", parsed.pre());
            putString(version, "buildCode", parsed.buildCode());
            version.put("components", parsed.components());
        }
        json.put("description", info.description());
        putString(json, "buildHash", info.buildHash());
        return json;
    }

    /**
     * A commit.
     *
     * @param commit the commit
     * @return its JSON
     */
    public static ObjectNode commit(Commit commit)
    {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", commit.id());
        putString(json, "message", commit.message());
        putDate(json, "dateCreated", commit.timestampMs());
        json.putObject("repository").put("name", commit.repository());
        if (commit.author() == null)
        {
            json.putNull("author");
        }
        else
        {
            json.set("author", author(commit.author()));
        }
        ArrayNode files = json.putArray("patch_set");
        for (FileChange file : commit.patchSet())
        {
            files.addObject().put("path", file.path()).put("type", file.type().name());
        }
        return json;
    }

    /**
     * A list of commits.
     *
     * @param commits the commits
     * @return a JSON array
     */
    public static ArrayNode commits(List<Commit> commits)
    {
        ArrayNode array = MAPPER.createArrayNode();
        for (Commit commit : commits)
        {
            array.add(commit(commit));
        }
        return array;
    }

    /**
     * A release's files changed, as Sentry's {@code commitfiles} endpoint lists them.
     *
     * @param files the files
     * @return a JSON array of {@code {filename, type, commitMessage, author, repository, commitId}}
     */
    public static ArrayNode commitFiles(List<CommitFile> files)
    {
        ArrayNode array = MAPPER.createArrayNode();
        for (CommitFile file : files)
        {
            ObjectNode json = array.addObject();
            json.put("filename", file.path());
            json.put("type", file.type().name());
            putString(json, "commitMessage", file.commitMessage());
            json.put("commitId", file.commitId());
            json.put("repository", file.repository());
            if (file.author() == null)
            {
                json.putNull("author");
            }
            else
            {
                json.set("author", author(file.author()));
            }
        }
        return array;
    }

    /**
     * A deploy.
     *
     * @param deploy the deploy
     * @return its JSON
     */
    public static ObjectNode deploy(Deploy deploy)
    {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", Long.toString(deploy.id()));
        json.put("environment", deploy.environment());
        putString(json, "name", deploy.name());
        putString(json, "url", deploy.url());
        putDate(json, "dateStarted", deploy.dateStartedMs());
        json.put("dateFinished", ReleaseJsonReader.iso(deploy.dateFinishedMs()));
        return json;
    }

    /**
     * A list of deploys.
     *
     * @param deploys the deploys
     * @return a JSON array
     */
    public static ArrayNode deploys(List<Deploy> deploys)
    {
        ArrayNode array = MAPPER.createArrayNode();
        for (Deploy deploy : deploys)
        {
            array.add(deploy(deploy));
        }
        return array;
    }

    /**
     * The organization's repositories, each with a provider sentry-cli accepts for {@code set-commits --auto}:
     * {@code integrations:github} / {@code integrations:gitlab} for URLs on those hosts, {@code git} otherwise.
     *
     * @param repositories the repositories
     * @return a JSON array of {@code {id, name, url, provider {id, name}, status}}
     */
    public static ArrayNode repositories(List<Repository> repositories)
    {
        ArrayNode array = MAPPER.createArrayNode();
        for (Repository repository : repositories)
        {
            ObjectNode json = array.addObject();
            json.put("id", repository.id());
            json.put("name", repository.name());
            json.put("url", repository.url());
            json.put("status", "active");
            String host = host(repository.url());
            ObjectNode provider = json.putObject("provider");
            if (host.endsWith("github.com"))
            {
                provider.put("id", "integrations:github").put("name", "GitHub");
            }
            else if (host.endsWith("gitlab.com"))
            {
                provider.put("id", "integrations:gitlab").put("name", "GitLab");
            }
            else
            {
                provider.put("id", "git").put("name", "Git");
            }
        }
        return array;
    }

    /**
     * The error body every failure carries.
     *
     * @param detail the problem
     * @return {@code {"detail": …}}
     */
    public static ObjectNode error(String detail)
    {
        return MAPPER.createObjectNode().put("detail", detail);
    }

    /**
     * Serializes a JSON value.
     *
     * @param json the value
     * @return UTF-8 bytes
     */
    public static byte[] toBytes(com.fasterxml.jackson.databind.JsonNode json)
    {
        try
        {
            return MAPPER.writeValueAsBytes(json);
        }
        catch (JsonProcessingException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode author(Author author)
    {
        return MAPPER.createObjectNode().put("name", author.name()).put("email", author.email());
    }

    private static String host(String url)
    {
        if (url.startsWith("git@"))
        {
            int colon = url.indexOf(':');
            return (colon < 0 ? url.substring(4) : url.substring(4, colon)).toLowerCase(Locale.ROOT);
        }
        try
        {
            String host = URI.create(url).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        }
        catch (IllegalArgumentException notAUri)
        {
            return "";
        }
    }

    private static void putString(ObjectNode json, String field, String value)
    {
        if (value == null)
        {
            json.putNull(field);
        }
        else
        {
            json.put(field, value);
        }
    }

    private static void putDate(ObjectNode json, String field, Long ms)
    {
        if (ms == null)
        {
            json.putNull(field);
        }
        else
        {
            json.put(field, ReleaseJsonReader.iso(ms));
        }
    }
}
