package io.crashfree.edge.registry;

import io.crashfree.edge.ErrorLog;
import io.crashfree.edge.config.ProjectConfig;
import io.crashfree.errors.event.EventReader;
import io.crashfree.errors.event.EventSummary;
import io.crashfree.errors.forward.EnvelopeItems;
import io.crashfree.errors.forward.ForwardedEnvelopeObserver;
import io.crashfree.errors.group.Grouper;
import io.crashfree.errors.group.Grouping;
import io.crashfree.releases.model.IssueEvent;
import io.crashfree.releases.registry.IssueTracker;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Groups the error events that go upstream into issues per release (DESIGN §11). It sees each spooled envelope on the
 * forwarder thread ({@link ForwardedEnvelopeObserver}, never an event loop): every {@code event} item is read with
 * the streaming parser ({@link EventReader}, only what grouping needs) and grouped ({@link Grouper}) there, and the
 * result is queued; its own thread records the queue into the registry's database in one transaction per project
 * every {@value #BATCH_INTERVAL_MS} ms ({@link IssueTracker}), so the forwarder never waits on the database.
 * <p>
 * Counting: an event id counts once (an envelope in flight at a crash is seen again after the restart, and its
 * events are not counted twice). What a {@code kill -9} can lose is the queue: events grouped in the last
 * {@value #BATCH_INTERVAL_MS} ms before it are forwarded but missing from the issue counts. An event whose JSON does
 * not parse, or that arrives while the queue is full ({@value #QUEUE_CAPACITY} events), is forwarded all the same and
 * counted as ungrouped. Control plane: plain collections off the event loops.
 */
public final class IssueRecorder implements ForwardedEnvelopeObserver, AutoCloseable
{
    /** How often the queue is recorded. */
    public static final long BATCH_INTERVAL_MS = 200;
    /** Events waiting to be recorded, at most. */
    public static final int QUEUE_CAPACITY = 65_536;

    private record Pending(long projectId, IssueEvent event)
    {
    }

    private final IssueTracker tracker;
    private final String organization;
    private final Map<Long, String> slugs = new HashMap<>();
    private final ErrorLog errors;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong grouped = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong queueFull = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param tracker      the registry's issue tracker.
     * @param organization the registry's organization.
     * @param projects     the configured projects.
     * @param errors       the node's error log.
     */
    public IssueRecorder(final IssueTracker tracker, final String organization, final List<ProjectConfig> projects,
        final ErrorLog errors)
    {
        this.tracker = tracker;
        this.organization = organization;
        this.errors = errors;
        for (final ProjectConfig p : projects)
        {
            slugs.put(p.id(), p.name());
        }
        this.thread = new Thread(this::run, "crashfree-issues");
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(errors::onUncaught);
        thread.start();
    }

    @Override
    public void onEnvelope(final long projectId, final long receivedMs, final byte[] envelope, final int offset,
        final int length)
    {
        EnvelopeItems.forEach(envelope, offset, length, (type, buf, payloadOffset, payloadLength) ->
        {
            if (!"event".equals(type))
            {
                return;
            }
            final EventSummary event;
            try
            {
                event = EventReader.read(buf, payloadOffset, payloadLength);
            }
            catch (final EventReader.MalformedEvent ex)
            {
                malformed.incrementAndGet(); // forwarded as it came: the upstream decides
                return;
            }
            final Grouping g = Grouper.group(event);
            final IssueEvent issueEvent = new IssueEvent(event.eventId(), g.hash(), g.title(), g.culprit(),
                event.level(), event.release(), event.environment(), event.user(), receivedMs, g.inAppFiles());
            if (!queue.offer(new Pending(projectId, issueEvent)))
            {
                queueFull.incrementAndGet();
            }
        });
    }

    /** @return events grouped into issues (recorded). */
    public long grouped()
    {
        return grouped.get();
    }

    /**
     * Appends this recorder's counters in Prometheus' text format.
     *
     * @param out the page.
     */
    public void render(final StringBuilder out)
    {
        out.append("# HELP crashfree_events_grouped_total Error events recorded into issues per release.\n")
            .append("# TYPE crashfree_events_grouped_total counter\n")
            .append("crashfree_events_grouped_total ").append(grouped.get()).append('\n')
            .append("# HELP crashfree_events_ungrouped_total Error events forwarded but not grouped, by reason.\n")
            .append("# TYPE crashfree_events_ungrouped_total counter\n")
            .append("crashfree_events_ungrouped_total{reason=\"malformed\"} ").append(malformed.get()).append('\n')
            .append("crashfree_events_ungrouped_total{reason=\"queue-full\"} ").append(queueFull.get()).append('\n')
            .append("crashfree_events_ungrouped_total{reason=\"duplicate\"} ").append(duplicates.get()).append('\n')
            .append("# HELP crashfree_events_grouping_queue Error events waiting to be recorded.\n")
            .append("# TYPE crashfree_events_grouping_queue gauge\n")
            .append("crashfree_events_grouping_queue ").append(queue.size()).append('\n');
    }

    private void run()
    {
        final List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty())
        {
            try
            {
                final Pending first = queue.poll(BATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
                if (first == null)
                {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                record(batch);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                queue.drainTo(batch);
                record(batch);
                return;
            }
            finally
            {
                batch.clear();
            }
        }
    }

    private void record(final List<Pending> batch)
    {
        final Map<Long, List<IssueEvent>> byProject = new HashMap<>();
        for (final Pending p : batch)
        {
            byProject.computeIfAbsent(p.projectId(), id -> new ArrayList<>()).add(p.event());
        }
        for (final Map.Entry<Long, List<IssueEvent>> e : byProject.entrySet())
        {
            final String slug = slugs.get(e.getKey());
            if (slug == null)
            {
                continue;
            }
            try
            {
                final int counted = tracker.record(organization, slug, e.getValue(), System.currentTimeMillis())
                    .value();
                grouped.addAndGet(counted);
                duplicates.addAndGet(e.getValue().size() - counted);
            }
            catch (final SQLException | RuntimeException ex)
            {
                errors.onError("issues", ex);
            }
        }
    }

    /** Records what is queued, then stops the thread. */
    @Override
    public void close() throws InterruptedException
    {
        running = false;
        thread.join(10_000);
    }
}
