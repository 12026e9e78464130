package io.crashfree.edge.registry;

import io.crashfree.aggregation.AggregateView;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;
import io.crashfree.edge.ErrorLog;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.releases.model.AdoptionStage;
import io.crashfree.releases.registry.ReleaseRegistry;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sentry's release adoption monitor: every interval, per project and environment, the releases that had at least
 * {@value AdoptionStage#ADOPTION_PERCENT}% of the environment's sessions over the last
 * {@value AdoptionStage#WINDOW_HOURS} hours are adopted (the first time is kept), and releases adopted before that
 * are no longer are replaced ({@link ReleaseRegistry#recordAdoption}). The window is the
 * {@value AdoptionStage#WINDOW_HOURS} most recent hourly roll-ups, the current hour included (so between five and six
 * hours of sessions). An environment without sessions in the window is left as it was. Runs on the registry's own
 * thread, off the event loops; control plane, plain collections.
 */
public final class AdoptionMonitor implements Runnable
{
    private static final long HOUR = AggregationSettings.COARSE_WIDTH_SEC;

    private final ReleaseRegistry registry;
    private final AggregateView view;
    private final List<ProjectConfig> projects;
    private final String organization;
    private final java.time.Clock clock;
    private final ErrorLog errors;

    /**
     * @param registry     the registry.
     * @param view         the sessions side.
     * @param projects     the configured projects.
     * @param organization the registry's organization slug.
     * @param clock        the node's clock.
     * @param errors       the node's error log.
     */
    public AdoptionMonitor(final ReleaseRegistry registry, final AggregateView view, final List<ProjectConfig> projects,
        final String organization, final java.time.Clock clock, final ErrorLog errors)
    {
        this.registry = registry;
        this.view = view;
        this.projects = List.copyOf(projects);
        this.organization = organization;
        this.clock = clock;
        this.errors = errors;
    }

    @Override
    public void run()
    {
        final long nowMs = clock.millis();
        for (final ProjectConfig project : projects)
        {
            try
            {
                look(project, nowMs);
            }
            catch (final SQLException | RuntimeException ex)
            {
                errors.onError("release-adoption", ex);
            }
        }
    }

    private void look(final ProjectConfig project, final long nowMs) throws SQLException
    {
        final long end = Math.floorDiv(nowMs / 1000, HOUR) * HOUR + HOUR;
        final Map<StoreKey, AggregateValue> window = view.read(project.id(), HOUR,
            end - AdoptionStage.WINDOW_HOURS * HOUR, end, nowMs, 0);
        final Map<Long, Long> totals = new HashMap<>(); // environment -> sessions
        final Map<Long, Map<Long, Long>> byRelease = new HashMap<>(); // environment -> release -> sessions
        for (final Map.Entry<StoreKey, AggregateValue> e : window.entrySet())
        {
            final long sessions = e.getValue().sessions();
            totals.merge(e.getKey().environment(), sessions, Long::sum);
            byRelease.computeIfAbsent(e.getKey().environment(), k -> new HashMap<>())
                .merge(e.getKey().release(), sessions, Long::sum);
        }
        for (final Map.Entry<Long, Long> env : totals.entrySet())
        {
            final long total = env.getValue();
            if (total <= 0)
            {
                continue;
            }
            final Set<String> adopted = new HashSet<>();
            for (final Map.Entry<Long, Long> release : byRelease.get(env.getKey()).entrySet())
            {
                final String name = view.names().name(project.id(), NameTable.KIND_RELEASE, release.getKey());
                if (name != null && release.getValue() * 100 >= total * AdoptionStage.ADOPTION_PERCENT)
                {
                    adopted.add(name);
                }
            }
            final String environment = env.getKey() == 0 ? "" :
                view.names().name(project.id(), NameTable.KIND_ENVIRONMENT, env.getKey());
            if (environment != null)
            {
                registry.recordAdoption(organization, project.name(), environment, adopted, nowMs);
            }
        }
    }
}
