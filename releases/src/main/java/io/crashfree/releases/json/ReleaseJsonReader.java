package io.crashfree.releases.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashfree.releases.model.ChangeType;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.ReleaseStatus;
import io.crashfree.releases.registry.CommitInput;
import io.crashfree.releases.registry.DeployInput;
import io.crashfree.releases.registry.Outcome;
import io.crashfree.releases.registry.RefInput;
import io.crashfree.releases.registry.RegistryResult;
import io.crashfree.releases.registry.ReleaseInput;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the request bodies sentry-cli sends (release create/update, deploy) into the registry's request records.
 * Malformed JSON, a wrong type or a bad value is a {@link Outcome#BAD_REQUEST} result whose detail names the field and
 * the value; nothing throws. Unknown fields are ignored, as Sentry does.
 */
public final class ReleaseJsonReader
{

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReleaseJsonReader()
    {
    }

    /** A field that could not be read; caught in this class only and turned into a result. */
    private static final class BadField extends Exception
    {
        private static final long serialVersionUID = 1L;

        BadField(String message)
        {
            super(message, null, false, false);
        }
    }

    /**
     * Reads a release create or update body.
     *
     * @param body the JSON body
     * @return the input, or a bad request naming the problem
     */
    public static RegistryResult<ReleaseInput> readRelease(byte[] body)
    {
        RegistryResult<JsonNode> root = parseObject(body);
        if (!root.isSuccess())
        {
            return root.asFailure();
        }
        JsonNode json = root.value();
        try
        {
            String status = text(json, "status");
            ReleaseStatus parsedStatus = null;
            if (status != null)
            {
                parsedStatus = ReleaseStatus.fromWireName(status);
                if (parsedStatus == null)
                {
                    throw new BadField("status must be \"open\" or \"archived\": \"" + status + '"');
                }
            }
            return RegistryResult.of(Outcome.OK, new ReleaseInput(text(json, "version"), strings(json, "projects"),
                    date(json, "dateStarted"), date(json, "dateReleased"), text(json, "url"), text(json, "ref"),
                    text(json, "owner"), parsedStatus, commits(json), refs(json)));
        }
        catch (BadField e)
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * Reads a deploy body.
     *
     * @param body the JSON body
     * @return the input, or a bad request naming the problem
     */
    public static RegistryResult<DeployInput> readDeploy(byte[] body)
    {
        RegistryResult<JsonNode> root = parseObject(body);
        if (!root.isSuccess())
        {
            return root.asFailure();
        }
        JsonNode json = root.value();
        try
        {
            return RegistryResult.of(Outcome.OK, new DeployInput(text(json, "environment"), text(json, "name"),
                    text(json, "url"), date(json, "dateStarted"), date(json, "dateFinished")));
        }
        catch (BadField e)
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * Parses a Sentry timestamp: ISO-8601 with {@code Z} or an offset, or without one (then UTC).
     *
     * @param text the timestamp
     * @return epoch milliseconds, or {@code null} when it is not a timestamp
     */
    public static Long parseTimestamp(String text)
    {
        try
        {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
        catch (DateTimeParseException notOffset)
        {
            try
            {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            catch (DateTimeParseException notLocal)
            {
                return null;
            }
        }
    }

    private static RegistryResult<JsonNode> parseObject(byte[] body)
    {
        JsonNode json;
        try
        {
            json = MAPPER.readTree(body);
        }
        catch (JsonProcessingException e)
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
        }
        catch (IOException e)
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, "malformed JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject())
        {
            return RegistryResult.failed(Outcome.BAD_REQUEST, "the body must be a JSON object");
        }
        return RegistryResult.of(Outcome.OK, json);
    }

    private static List<CommitInput> commits(JsonNode json) throws BadField
    {
        JsonNode array = array(json, "commits");
        if (array == null)
        {
            return null;
        }
        List<CommitInput> commits = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            JsonNode commit = array.get(i);
            String where = "commits[" + i + "]";
            if (!commit.isObject())
            {
                throw new BadField(where + " must be an object");
            }
            commits.add(new CommitInput(text(commit, "id", where), text(commit, "repository", where),
                    text(commit, "message", where), date(commit, "timestamp", where),
                    text(commit, "author_name", where), text(commit, "author_email", where),
                    patchSet(commit, where)));
        }
        return commits;
    }

    private static List<FileChange> patchSet(JsonNode commit, String where) throws BadField
    {
        JsonNode array = array(commit, "patch_set", where);
        if (array == null)
        {
            return null;
        }
        List<FileChange> files = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            JsonNode file = array.get(i);
            String at = where + ".patch_set[" + i + "]";
            if (!file.isObject())
            {
                throw new BadField(at + " must be an object");
            }
            String path = text(file, "path", at);
            if (path == null || path.isEmpty())
            {
                throw new BadField(at + ".path is required");
            }
            String type = text(file, "type", at);
            ChangeType changeType = ChangeType.fromLetter(type);
            if (changeType == null)
            {
                throw new BadField(at + ".type must be A, M or D: \"" + type + '"');
            }
            files.add(new FileChange(path, changeType));
        }
        return files;
    }

    private static List<RefInput> refs(JsonNode json) throws BadField
    {
        JsonNode array = array(json, "refs");
        if (array == null)
        {
            return null;
        }
        List<RefInput> refs = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            JsonNode ref = array.get(i);
            String where = "refs[" + i + "]";
            if (!ref.isObject())
            {
                throw new BadField(where + " must be an object");
            }
            refs.add(new RefInput(text(ref, "repository", where), text(ref, "commit", where),
                    text(ref, "previousCommit", where)));
        }
        return refs;
    }

    private static List<String> strings(JsonNode json, String field) throws BadField
    {
        JsonNode array = array(json, field);
        if (array == null)
        {
            return null;
        }
        List<String> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            JsonNode value = array.get(i);
            if (!value.isTextual())
            {
                throw new BadField(field + "[" + i + "] must be a string: " + value);
            }
            values.add(value.textValue());
        }
        return values;
    }

    private static JsonNode array(JsonNode json, String field) throws BadField
    {
        return array(json, field, null);
    }

    private static JsonNode array(JsonNode json, String field, String where) throws BadField
    {
        JsonNode value = json.get(field);
        if (value == null || value.isNull())
        {
            return null;
        }
        if (!value.isArray())
        {
            throw new BadField(name(where, field) + " must be an array: " + value);
        }
        return value;
    }

    private static String text(JsonNode json, String field) throws BadField
    {
        return text(json, field, null);
    }

    private static String text(JsonNode json, String field, String where) throws BadField
    {
        JsonNode value = json.get(field);
        if (value == null || value.isNull())
        {
            return null;
        }
        if (!value.isTextual())
        {
            throw new BadField(name(where, field) + " must be a string: " + value);
        }
        return value.textValue();
    }

    private static Long date(JsonNode json, String field) throws BadField
    {
        return date(json, field, null);
    }

    private static Long date(JsonNode json, String field, String where) throws BadField
    {
        JsonNode value = json.get(field);
        if (value == null || value.isNull())
        {
            return null;
        }
        if (value.isNumber())
        {
            return Math.round(value.doubleValue() * 1000.0);
        }
        if (!value.isTextual())
        {
            throw new BadField(name(where, field) + " must be a timestamp: " + value);
        }
        Long ms = parseTimestamp(value.textValue());
        if (ms == null)
        {
            throw new BadField(name(where, field) + " must be an ISO-8601 timestamp: \"" + value.textValue() + '"');
        }
        return ms;
    }

    private static String name(String where, String field)
    {
        return where == null ? field : where + '.' + field;
    }

    /**
     * The API's timestamp form.
     *
     * @param ms epoch milliseconds
     * @return ISO-8601 in UTC, e.g. {@code 2026-12-01T13:04:19.123Z}
     */
    public static String iso(long ms)
    {
        return Instant.ofEpochMilli(ms).toString();
    }
}
