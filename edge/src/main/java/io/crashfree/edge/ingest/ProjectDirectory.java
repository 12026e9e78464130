package io.crashfree.edge.ingest;

import io.crashfree.edge.config.ProjectConfig;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.List;

/**
 * Looks up projects by id and checks public keys, without allocating. Built once at start-up and only read after
 * (safely published through the final field of the handler context), so event loops share it freely.
 */
public final class ProjectDirectory
{
    private final Long2ObjectHashMap<String[]> keysByProject = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<KeyRateLimiter[]> limitersByProject = new Long2ObjectHashMap<>();
    private final List<ProjectConfig> projects;

    /** @param projects the configured projects. */
    public ProjectDirectory(final List<ProjectConfig> projects)
    {
        this.projects = projects;
        for (final ProjectConfig p : projects)
        {
            keysByProject.put(p.id(), p.publicKeys().toArray(new String[0]));
            if (p.keySessionsPerSecond() > 0)
            {
                final KeyRateLimiter[] limiters = new KeyRateLimiter[p.publicKeys().size()];
                for (int i = 0; i < limiters.length; i++)
                {
                    limiters[i] = new KeyRateLimiter(p.keySessionsPerSecond());
                }
                limitersByProject.put(p.id(), limiters);
            }
        }
    }

    /**
     * Checks that the key found by {@code auth} belongs to the project.
     *
     * @param projectId the project in the request path.
     * @param auth      the auth found for the request.
     * @return null when the key belongs to the project, else a {@code 403}.
     */
    /**
     * @param projectId a project that {@link #authorize} accepted the auth for.
     * @param auth      the same auth.
     * @return the key's rate limiter, or null when the project sets none.
     */
    public KeyRateLimiter limiter(final long projectId, final SentryAuth auth)
    {
        final KeyRateLimiter[] limiters = limitersByProject.get(projectId);
        if (limiters != null)
        {
            final String[] keys = keysByProject.get(projectId);
            for (int i = 0; i < keys.length; i++)
            {
                if (auth.keyEquals(keys[i]))
                {
                    return limiters[i];
                }
            }
        }
        return null;
    }

    public Rejection authorize(final long projectId, final SentryAuth auth)
    {
        final String[] keys = keysByProject.get(projectId);
        if (keys != null)
        {
            for (final String key : keys)
            {
                if (auth.keyEquals(key))
                {
                    return null;
                }
            }
        }
        // Failure path: tell an unknown project from a key of another project from an unknown key.
        if (keys == null)
        {
            return Rejection.rejected("ProjectId");
        }
        for (final ProjectConfig p : projects)
        {
            for (final String key : p.publicKeys())
            {
                if (auth.keyEquals(key))
                {
                    return Rejection.rejected("ProjectId");
                }
            }
        }
        return Rejection.rejected("ProjectKey");
    }
}
