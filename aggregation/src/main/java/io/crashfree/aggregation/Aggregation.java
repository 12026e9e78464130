package io.crashfree.aggregation;

import io.crashfree.aggregation.live.DedupSets;
import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.LiveAggregator;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.live.LiveUsage;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.live.ProjectLimits;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.aggregation.store.AggregateStore;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The aggregation side of a node: opens (and recovers) the live files and the store under the data directory,
 * runs the flusher thread, and hands out the ingest {@link SessionSink} and the read-side {@link AggregateView}.
 *
 * <pre>
 *  data/live/table.dat      live records (LiveTableDescriptor)
 *  data/live/dense.dat      dense sketch blocks (32 KiB register arrays)
 *  data/live/sets.dat       coupon-set sketch blocks (2 KiB)
 *  data/live/names.dat      releases and environments
 *  data/live/dedup-DAY-SEG.dat exactly-once sets: a chain of doubling segments per day of started
 *  data/store/aggregates.cm Chronicle Map of flushed aggregates
 * </pre>
 */
public final class Aggregation implements AutoCloseable
{
    private final AggregationSettings settings;
    private final LiveTable table;
    private final DedupSets dedup;
    private final NameTable names;
    private final AggregateStore store;
    private final LiveAggregator aggregator;
    private final Flusher flusher;
    private final AggregateView view;
    private final LongSupplier clockMs;
    private final Consumer<Throwable> errorHandler;
    private final Thread flusherThread;
    private volatile boolean running = true;
    private volatile boolean wakeRequested;

    private Aggregation(final AggregationSettings settings, final ProjectLimits limits, final long[] projectIds,
        final LongSupplier clockMs, final Consumer<Throwable> errorHandler, final boolean startFlusher)
    {
        this.settings = settings;
        this.clockMs = clockMs;
        this.errorHandler = errorHandler;
        final Path live = settings.dataDir().resolve("live");
        final BlockArena arena = new BlockArena(live.resolve("dense.dat"), settings.denseBlocks());
        final BlockArena sets = new BlockArena(live.resolve("sets.dat"), settings.setBlocks(),
            (int)AggregationSettings.SET_BLOCK_BYTES);
        this.table = new LiveTable(live.resolve("table.dat"), settings.liveCapacity(), arena, sets,
            new LiveUsage(settings.liveBudgetBytes(), limits, projectIds));
        this.dedup = new DedupSets(live, settings.dedupPerDay());
        this.names = new NameTable(live.resolve("names.dat"), settings.nameCapacity(),
            limits.defaults().names(), limits.defaults().names());
        for (final long project : projectIds)
        {
            final int max = limits.of(project).names();
            names.setProjectLimit(project, NameTable.KIND_RELEASE, max);
            names.setProjectLimit(project, NameTable.KIND_ENVIRONMENT, max);
        }
        this.store = new AggregateStore(settings.dataDir().resolve("store").resolve("aggregates.cm"),
            settings.storeEntries(), 1024);
        this.aggregator = new LiveAggregator(table, dedup, names, settings.bucketWidthSec() * 1000L, settings.maxFill(),
            Math.max(4, settings.denseBlocks() / 64));
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        this.flusher = new Flusher(table, store, dedup, names, settings, lock, aggregator.guard());
        this.view = new AggregateView(table, store, names, settings, lock);
        // Recovery: finish flushes a crash interrupted, prepare today's dedup files, before any writer runs.
        flusher.doWork(clockMs.getAsLong(), false);
        this.flusherThread = startFlusher ? new Thread(this::runFlusher, "crashfree-flusher") : null;
        if (flusherThread != null)
        {
            // Whatever escapes the loop's own catch (a fault of the error handler itself) still reaches the handler;
            // the node's health check sees the thread stopped (flusherAlive).
            flusherThread.setUncaughtExceptionHandler((thread, ex) -> errorHandler.accept(ex));
            aggregator.onPressure(() ->
            {
                if (!wakeRequested)
                {
                    wakeRequested = true;
                    LockSupport.unpark(flusherThread);
                }
            });
            flusherThread.start();
        }
    }

    /**
     * Opens the aggregation side and starts its flusher thread.
     *
     * @param settings     validated settings.
     * @param clockMs      wall clock, epoch ms.
     * @param errorHandler receives faults of the flusher thread (it keeps running).
     * @return the running aggregation.
     */
    public static Aggregation open(final AggregationSettings settings, final LongSupplier clockMs,
        final Consumer<Throwable> errorHandler)
    {
        return new Aggregation(settings, ProjectLimits.unlimited(), new long[0], clockMs, errorHandler, true);
    }

    /**
     * Opens the aggregation side with per-project limits and starts its flusher thread.
     *
     * @param settings     validated settings.
     * @param limits       what each project may hold.
     * @param projectIds   the configured projects.
     * @param clockMs      wall clock, epoch ms.
     * @param errorHandler receives faults of the flusher thread (it keeps running).
     * @return the running aggregation.
     */
    public static Aggregation open(final AggregationSettings settings, final ProjectLimits limits,
        final long[] projectIds, final LongSupplier clockMs, final Consumer<Throwable> errorHandler)
    {
        return new Aggregation(settings, limits, projectIds, clockMs, errorHandler, true);
    }

    /**
     * Opens with per-project limits and without a flusher thread (tests).
     *
     * @param settings   validated settings.
     * @param limits     what each project may hold.
     * @param projectIds the configured projects.
     * @param clockMs    clock used during recovery.
     * @return the aggregation.
     */
    public static Aggregation openManual(final AggregationSettings settings, final ProjectLimits limits,
        final long[] projectIds, final LongSupplier clockMs)
    {
        return new Aggregation(settings, limits, projectIds, clockMs, Throwable::printStackTrace, false);
    }

    /**
     * Opens without a flusher thread: the caller drives {@link #flusher()} (tests and benchmarks).
     *
     * @param settings validated settings.
     * @param clockMs  clock used during recovery.
     * @return the aggregation.
     */
    public static Aggregation openManual(final AggregationSettings settings, final LongSupplier clockMs)
    {
        return new Aggregation(settings, ProjectLimits.unlimited(), new long[0], clockMs, Throwable::printStackTrace,
            false);
    }

    private void runFlusher()
    {
        long lastSyncMs = clockMs.getAsLong();
        while (running)
        {
            try
            {
                wakeRequested = false;
                final long nowMs = clockMs.getAsLong();
                flusher.doWork(nowMs, false);
                if (settings.syncIntervalMs() > 0 && nowMs - lastSyncMs >= settings.syncIntervalMs())
                {
                    lastSyncMs = nowMs;
                    force();
                }
                // Under memory pressure the next cycle runs at once (early flushes keep ingest from refusing); an
                // event loop that sees the live side pass its high mark wakes the flusher early.
                if (!flusher.underPressure())
                {
                    LockSupport.parkNanos(this, settings.flushIntervalMs() * 1_000_000L);
                    // Only close() stops the flusher (running is false by then); a stray interrupt must not.
                    Thread.interrupted();
                }
            }
            catch (final RuntimeException | Error ex)
            {
                errorHandler.accept(ex);
                try
                {
                    Thread.sleep(settings.flushIntervalMs());
                }
                catch (final InterruptedException ie)
                {
                    // close() interrupts after clearing running: the loop's condition ends the thread
                }
            }
        }
    }

    /**
     * The validation window in force changed (a reload of {@code validation.started.max.age.seconds}): exactly-once
     * day files are kept for it.
     *
     * @param maxAgeMs how long after {@code started} an update still counts.
     */
    public void window(final long maxAgeMs)
    {
        flusher.window(maxAgeMs);
        if (flusherThread != null)
        {
            LockSupport.unpark(flusherThread); // prepare the days the wider window adds now, not in a second
        }
    }

    /**
     * @return whether the flusher thread is running (false once it has stopped, or when opened with
     *         {@link #openManual}, where the caller drives the flusher).
     */
    public boolean flusherAlive()
    {
        return flusherThread != null && flusherThread.isAlive();
    }

    /** @return the ingest sink (event-loop threads). */
    public LiveAggregator sink()
    {
        return aggregator;
    }

    /** @return the read side (query threads). */
    public AggregateView view()
    {
        return view;
    }

    /** @return the flusher (drive it by hand only when opened with {@link #openManual}). */
    public Flusher flusher()
    {
        return flusher;
    }

    /** @return the live table. */
    public LiveTable table()
    {
        return table;
    }

    /** @return the exactly-once sets. */
    public DedupSets dedup()
    {
        return dedup;
    }

    /** @return the store. */
    public AggregateStore store()
    {
        return store;
    }

    /** @return the settings. */
    public AggregationSettings settings()
    {
        return settings;
    }

    /** Writes dirty pages of every live file to disk. */
    public void force()
    {
        table.force();
        names.force();
        dedup.force();
    }

    /**
     * Stops the flusher, flushes every live record into the store, and closes the files. Call after ingest stopped.
     */
    @Override
    public void close()
    {
        running = false;
        if (flusherThread != null)
        {
            flusherThread.interrupt();
            try
            {
                flusherThread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        flusher.doWork(clockMs.getAsLong(), true);
        store.close();
        dedup.close();
        names.close();
        table.close();
    }
}
