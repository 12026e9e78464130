package io.crashfree.errors.group;

import java.util.List;

/**
 * How an event groups: the issue it belongs to and what the issue shows.
 *
 * @param hash       the group's hash (32 hex characters): events with the same hash are one issue per project
 * @param variant    what decided it: {@code fingerprint}, {@code exception}, {@code message} or {@code fallback}
 * @param components the values hashed, in order (for tests and for explaining a grouping)
 * @param title      the title ({@code Type: value}, or the message's first line)
 * @param culprit    where it happened ({@code module in function}, or the transaction), or {@code null}
 * @param inAppFiles the files of the event's in-app frames (file names and paths as sent), for suspect commits
 */
public record Grouping(String hash, String variant, List<String> components, String title, String culprit,
    List<String> inAppFiles)
{
}
