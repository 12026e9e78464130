package io.crashfree.filters.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the filters need, compiled and immutable: the node-wide validation limits and each project's filters.
 * Built by {@link FilterSettingsParser} on the control plane; read by every event-loop thread through
 * {@link FilterSettingsHolder#current()}. {@link #project(long)} allocates nothing.
 */
public final class FilterSettings
{
    /** Default validation, no project filters. */
    public static final FilterSettings DEFAULT = new FilterSettings(ValidationSettings.DEFAULT, List.of());

    private final ValidationSettings validation;
    private final long[] projectIds;
    private final ProjectFilters[] projects;

    /**
     * @param validation the validation limits.
     * @param projects   each project's filters, at most one per project id.
     */
    public FilterSettings(final ValidationSettings validation, final List<ProjectFilters> projects)
    {
        this.validation = validation;
        final Map<Long, ProjectFilters> sorted = new TreeMap<>();
        for (final ProjectFilters p : projects)
        {
            if (sorted.put(p.projectId(), p) != null)
            {
                throw new IllegalArgumentException("project " + p.projectId() + " is configured twice");
            }
        }
        this.projectIds = sorted.keySet().stream().mapToLong(Long::longValue).toArray();
        this.projects = sorted.values().toArray(new ProjectFilters[0]);
    }

    /** @return the validation limits. */
    public ValidationSettings validation()
    {
        return validation;
    }

    /**
     * @param projectId a project id.
     * @return that project's filters, or {@link ProjectFilters#NONE} when it has none configured.
     */
    public ProjectFilters project(final long projectId)
    {
        final int index = Arrays.binarySearch(projectIds, projectId);
        return index >= 0 ? projects[index] : ProjectFilters.NONE;
    }

    /** @return every project with filters configured, by id (control plane). */
    public List<ProjectFilters> projects()
    {
        return Collections.unmodifiableList(Arrays.asList(projects));
    }

    @Override
    public String toString()
    {
        return "FilterSettings{" + validation + ", " + projects() + "}";
    }
}
