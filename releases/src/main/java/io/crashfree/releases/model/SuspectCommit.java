package io.crashfree.releases.model;

import java.util.List;

/**
 * A commit of an issue's first release that touched a file of the in-app frames.
 *
 * @param commit the commit
 * @param files  the files of its patch set that match the frames
 */
public record SuspectCommit(Commit commit, List<String> files)
{
}
