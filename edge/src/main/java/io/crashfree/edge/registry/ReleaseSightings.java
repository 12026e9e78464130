package io.crashfree.edge.registry;

import io.crashfree.aggregation.live.NameTable;
import io.crashfree.edge.ErrorLog;
import io.crashfree.edge.config.NodeConfig;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.releases.registry.RegistryResult;
import io.crashfree.releases.registry.ReleaseRegistry;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tells the releases registry about the releases that sessions bring (DESIGN §9: a release first seen in a session is
 * the same release a later {@code releases new} finds). The ingest path never touches the database: the fold keeps
 * its own lock-free name table, and this task, on its own thread every few seconds, reads that table and records
 * each release of a configured project in the registry, with its first and last seen times. A release is written
 * when it is new to this task and then at most once a minute while sessions keep coming (its {@code lastEvent}).
 * Control plane: plain collections.
 */
public final class ReleaseSightings implements Runnable
{
    /** How often the task runs. */
    public static final long INTERVAL_MS = 5_000;
    private static final long LAST_SEEN_RESOLUTION_MS = 60_000;

    private final ReleaseRegistry registry;
    private final NameTable names;
    private final NodeConfig config;
    private final String organization;
    private final ErrorLog errors;
    private final Map<Long, Long> recordedLastSeenMs = new HashMap<>(); // by project * 31 + hash, see key()
    private final Set<Long> refused = new HashSet<>();

    /**
     * @param registry     the registry.
     * @param names        the fold's name table.
     * @param config       the node's configuration (projects and the organization).
     * @param organization the registry's organization slug.
     * @param errors       the node's error log.
     */
    public ReleaseSightings(final ReleaseRegistry registry, final NameTable names, final NodeConfig config,
        final String organization, final ErrorLog errors)
    {
        this.registry = registry;
        this.names = names;
        this.config = config;
        this.organization = organization;
        this.errors = errors;
    }

    @Override
    public void run()
    {
        try
        {
            names.forEach(this::onName);
        }
        catch (final RuntimeException ex)
        {
            errors.onError("release-sightings", ex);
        }
    }

    private void onName(final long project, final int kind, final long hash, final String name,
        final long firstSeenMs, final long lastSeenMs)
    {
        if (kind != NameTable.KIND_RELEASE)
        {
            return;
        }
        final ProjectConfig p = config.project(project);
        final long key = key(project, hash);
        if (p == null || refused.contains(key))
        {
            return;
        }
        final Long recorded = recordedLastSeenMs.get(key);
        if (recorded != null && lastSeenMs - recorded < LAST_SEEN_RESOLUTION_MS)
        {
            return;
        }
        try
        {
            RegistryResult<?> result = registry.recordSeen(organization, p.name(), name,
                recorded == null ? firstSeenMs : lastSeenMs);
            if (result.outcome().isSuccess() && recorded == null && lastSeenMs != firstSeenMs)
            {
                result = registry.recordSeen(organization, p.name(), name, lastSeenMs);
            }
            if (result.outcome().isSuccess())
            {
                recordedLastSeenMs.put(key, lastSeenMs);
            }
            else
            {
                refused.add(key); // a name the registry's rules refuse (e.g. a version it cannot hold): once
            }
        }
        catch (final SQLException ex)
        {
            errors.onError("release-sightings", ex);
        }
    }

    private static long key(final long project, final long hash)
    {
        return hash * 31 + project;
    }
}
