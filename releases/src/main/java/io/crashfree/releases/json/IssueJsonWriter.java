package io.crashfree.releases.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashfree.releases.model.Issue;
import io.crashfree.releases.model.IssueDetails;
import io.crashfree.releases.model.IssueInRelease;
import io.crashfree.releases.model.SuspectCommit;

import java.util.List;

/**
 * Issues in Sentry's shapes (its "group" objects): {@code id}, {@code shortId}, {@code title}, {@code culprit},
 * {@code level}, {@code status} with {@code substatus} ({@code regressed} or {@code ongoing}) and
 * {@code statusDetails} ({@code inRelease}, {@code inCommit}), {@code count} (a string, as Sentry sends it),
 * {@code userCount}, {@code firstSeen}, {@code lastSeen}, {@code firstRelease}, {@code lastRelease},
 * {@code project}; one issue adds its events per release, its suspect commits and the suggested assignee.
 */
public final class IssueJsonWriter
{
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private IssueJsonWriter()
    {
    }

    /**
     * @param issues    the issues.
     * @param projectId the project's API id (the DSN's number), or null.
     * @return a JSON array.
     */
    public static ArrayNode issues(List<Issue> issues, Long projectId)
    {
        ArrayNode array = JSON.arrayNode();
        for (Issue issue : issues)
        {
            array.add(issue(issue, projectId));
        }
        return array;
    }

    /**
     * @param issue     the issue.
     * @param projectId the project's API id, or null.
     * @return its JSON.
     */
    public static ObjectNode issue(Issue issue, Long projectId)
    {
        ObjectNode o = JSON.objectNode();
        o.put("id", Long.toString(issue.id()));
        o.put("shortId", issue.shortId());
        o.put("title", issue.title());
        o.put("culprit", issue.culprit());
        o.put("level", issue.level());
        o.put("status", issue.status());
        o.put("substatus", issue.isRegressed() ? "regressed" : issue.status().equals("resolved") ? null : "ongoing");
        o.put("isRegressed", issue.isRegressed());
        ObjectNode details = o.putObject("statusDetails");
        if (issue.status().equals("resolved"))
        {
            if (issue.resolvedInRelease() != null)
            {
                details.put("inRelease", issue.resolvedInRelease());
            }
            if (issue.resolvedByCommit() != null)
            {
                details.putObject("inCommit").put("id", issue.resolvedByCommit());
            }
        }
        if (issue.regressedInRelease() != null)
        {
            o.put("regressedInRelease", issue.regressedInRelease());
        }
        o.put("count", Long.toString(issue.events()));
        o.put("userCount", issue.users());
        o.put("firstSeen", ReleaseJsonReader.iso(issue.firstSeenMs()));
        o.put("lastSeen", ReleaseJsonReader.iso(issue.lastSeenMs()));
        release(o, "firstRelease", issue.firstRelease());
        release(o, "lastRelease", issue.lastRelease());
        ObjectNode project = o.putObject("project");
        if (projectId == null)
        {
            project.putNull("id");
        }
        else
        {
            project.put("id", Long.toString(projectId));
        }
        project.put("slug", issue.project());
        project.put("name", issue.project());
        o.putObject("metadata").put("title", issue.title());
        return o;
    }

    /**
     * @param details   the issue with its releases and suspects.
     * @param projectId the project's API id, or null.
     * @return its JSON.
     */
    public static ObjectNode details(IssueDetails details, Long projectId)
    {
        ObjectNode o = issue(details.issue(), projectId);
        ArrayNode releases = o.putArray("releases");
        for (IssueInRelease r : details.releases())
        {
            releases.addObject().put("version", r.version()).put("firstSeen", ReleaseJsonReader.iso(r.firstSeenMs()))
                .put("lastSeen", ReleaseJsonReader.iso(r.lastSeenMs())).put("count", Long.toString(r.events()))
                .put("userCount", r.users());
        }
        ArrayNode suspects = o.putArray("suspectCommits");
        for (SuspectCommit s : details.suspects())
        {
            ObjectNode commit = ReleaseJsonWriter.commit(s.commit());
            ArrayNode files = commit.putArray("suspectFiles");
            s.files().forEach(files::add);
            suspects.add(commit);
        }
        if (details.suspects().isEmpty() || details.suspects().get(0).commit().author() == null)
        {
            o.putNull("suggestedAssignee");
        }
        else
        {
            var author = details.suspects().get(0).commit().author();
            o.putObject("suggestedAssignee").put("type", "user").put("name", author.name())
                .put("email", author.email()).put("reason", "suspectCommit");
        }
        return o;
    }

    private static void release(ObjectNode o, String field, String version)
    {
        if (version == null)
        {
            o.putNull(field);
        }
        else
        {
            o.putObject(field).put("version", version).put("shortVersion",
                io.crashfree.releases.version.VersionInfoParser.parse(version).shortVersion());
        }
    }
}
