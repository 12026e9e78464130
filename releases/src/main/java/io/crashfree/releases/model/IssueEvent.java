package io.crashfree.releases.model;

import java.util.List;

/**
 * One error event as the issue tracker records it: its group and what the issue shows, already worked out by the
 * grouping (the {@code errors} module) from the event's payload.
 *
 * @param eventId     the event's id; an id seen before for the project is not counted again, or {@code null}
 * @param hash        the group's hash (events with the same hash in a project are one issue)
 * @param title       the issue's title
 * @param culprit     where it happened, or {@code null}
 * @param level       the event's level
 * @param release     the release the event names, or {@code null}
 * @param environment the environment, or {@code null}
 * @param user        who it happened to (any stable key), or {@code null}
 * @param seenMs      when the node received it
 * @param inAppFiles  the files of its in-app frames (for suspect commits)
 */
public record IssueEvent(String eventId, String hash, String title, String culprit, String level, String release,
                         String environment, String user, long seenMs, List<String> inAppFiles)
{
}
