package io.crashfree.aggregation;

import io.crashfree.aggregation.files.DataDirectory;
import io.crashfree.aggregation.files.DiskSpace;
import io.crashfree.aggregation.files.StorageStatus;
import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.DedupSets;
import io.crashfree.aggregation.live.LiveAggregator;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.live.LiveUsage;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.live.ProjectLimits;
import io.crashfree.aggregation.session.SessionSink;
import io.crashfree.aggregation.store.AggregateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

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
 *  data/MANIFEST            the files above (but the day files) that the directory was initialised with
 *  data/node.lock           held (OS file lock) by the node using the directory; names its PID and start time
 * </pre>
 * Opening checks the directory before it serves: the lock (a second node stops), the manifest (a missing file
 * stops), the space the missing files need (a disk too small stops), each file's header and every live record (a
 * damaged file stops); each with a one-line message naming the file and what is wrong. Whatever an open that fails
 * has made is removed again. Files it does not know are left alone, with a warning.
 */
public final class Aggregation implements AutoCloseable
{
    /** The live files' directory, under the data directory. */
    public static final String LIVE_DIR = "live";
    /** The store's directory, under the data directory. */
    public static final String STORE_DIR = "store";
    private static final String TABLE_FILE = LIVE_DIR + "/table.dat";
    private static final String DENSE_FILE = LIVE_DIR + "/dense.dat";
    private static final String SETS_FILE = LIVE_DIR + "/sets.dat";
    private static final String NAMES_FILE = LIVE_DIR + "/names.dat";
    private static final String STORE_FILE = STORE_DIR + "/aggregates.cm";
    private static final int STORE_AVERAGE_VALUE_BYTES = 1024;
    /** The files a data directory is initialised with: its manifest lists them, and start-up requires them. */
    private static final List<String> EXPECTED_FILES = List.of(TABLE_FILE, DENSE_FILE, SETS_FILE, NAMES_FILE,
        STORE_FILE);
    private static final Pattern DEDUP_FILE = Pattern.compile("live/dedup-\\d+(-\\d+)?\\.dat(\\.tmp)?");

    private final AggregationSettings settings;
    private final DataDirectory directory;
    private final StorageStatus storage;
    private final Consumer<String> warnings;
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
        final LongSupplier clockMs, final Consumer<Throwable> errorHandler, final Consumer<String> warnings,
        final boolean startFlusher)
    {
        this.settings = settings;
        this.clockMs = clockMs;
        this.errorHandler = errorHandler;
        this.warnings = warnings;
        this.storage = new StorageStatus(warnings);
        final Path dataDir = settings.dataDir();
        final Path live = dataDir.resolve(LIVE_DIR);
        // Locked first: a second node on this directory stops here, before it touches a file.
        this.directory = DataDirectory.open(dataDir, List.of(LIVE_DIR, STORE_DIR), EXPECTED_FILES,
            Map.of(NAMES_FILE, NAMES_FILE + ".import"), Aggregation::isNodeFile, warnings);
        final Deque<AutoCloseable> opened = new ArrayDeque<>();
        try
        {
            directory.checkSpace(plannedFiles(settings, clockMs.getAsLong()));
            if (!directory.hasManifest() && directory.hadFiles())
            {
                adopt(dataDir);
            }
            for (final String file : List.of(TABLE_FILE, DENSE_FILE, SETS_FILE))
            {
                Files.deleteIfExists(dataDir.resolve(file + ".tmp")); // a creation a crash interrupted
            }
            final BlockArena arena = new BlockArena(live.resolve("dense.dat"), settings.denseBlocks());
            opened.push(arena);
            final BlockArena sets = new BlockArena(live.resolve("sets.dat"), settings.setBlocks(),
                (int)AggregationSettings.SET_BLOCK_BYTES);
            opened.push(sets);
            this.table = new LiveTable(live.resolve("table.dat"), settings.liveCapacity(), arena, sets,
                new LiveUsage(settings.liveBudgetBytes(), limits, projectIds));
            opened.clear(); // the table closes its arenas
            opened.push(table);
            this.dedup = new DedupSets(live, settings.dedupPerDay());
            opened.push(dedup);
            this.names = new NameTable(live.resolve("names.dat"), settings.nameCapacity(),
                limits.defaults().names(), limits.defaults().names());
            opened.push(names);
            for (final long project : projectIds)
            {
                final int max = limits.of(project).names();
                names.setProjectLimit(project, NameTable.KIND_RELEASE, max);
                names.setProjectLimit(project, NameTable.KIND_ENVIRONMENT, max);
            }
            this.store = new AggregateStore(dataDir.resolve(STORE_FILE), settings.storeEntries(),
                STORE_AVERAGE_VALUE_BYTES, warnings);
            opened.push(store);
            this.aggregator = new LiveAggregator(table, dedup, names, settings.bucketWidthSec() * 1000L,
                settings.maxFill(), Math.max(4, settings.denseBlocks() / 64), storage);
            final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
            this.flusher = new Flusher(table, store, dedup, names, settings, lock, aggregator.guard(), storage);
        flusher.afterPrepare(aggregator::moveOverflowedEntries);
            this.view = new AggregateView(table, store, names, settings, lock);
            // Recovery: finish flushes a crash interrupted, prepare today's dedup files, before any writer runs.
            flusher.doWork(clockMs.getAsLong(), false);
            directory.commit();
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            while (!opened.isEmpty())
            {
                try
                {
                    opened.pop().close();
                }
                catch (final Exception closing)
                {
                    ex.addSuppressed(closing);
                }
            }
            directory.abandon(); // removes what this open made (a half-made directory is none at all)
            if (ex instanceof IOException io)
            {
                throw new UncheckedIOException("cannot open the data directory " + dataDir + ": " + io.getMessage(),
                    io);
            }
            if (ex instanceof Error error)
            {
                throw error;
            }
            throw (RuntimeException)ex;
        }
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
     * The files an open creates when they are missing, and their sizes: the live files, the first exactly-once
     * segment of every day the flusher prepares at once, and the store as Chronicle Map lays it out.
     */
    private static Map<String, Long> plannedFiles(final AggregationSettings settings, final long nowMs)
    {
        final Map<String, Long> files = new LinkedHashMap<>();
        files.put(TABLE_FILE, LiveTable.fileBytes(settings.liveCapacity()));
        files.put(DENSE_FILE, BlockArena.fileBytes(settings.denseBlocks(), (int)AggregationSettings.BLOCK_BYTES));
        files.put(SETS_FILE, BlockArena.fileBytes(settings.setBlocks(), (int)AggregationSettings.SET_BLOCK_BYTES));
        files.put(NAMES_FILE, NameTable.fileBytes(settings.nameCapacity()));
        final long today = Math.floorDiv(nowMs, 86_400_000L);
        final int days = Flusher.dedupDaysPrepared(settings.maxAgeSec() * 1000);
        for (long day = today + 1 - days + 1; day <= today + 1; day++)
        {
            files.put(LIVE_DIR + "/dedup-" + day + "-0.dat", DedupSets.segmentBytes(settings.dedupPerDay()));
        }
        files.put(STORE_FILE, AggregateStore.estimatedFileBytes(settings.storeEntries(), STORE_AVERAGE_VALUE_BYTES));
        return files;
    }

    /**
     * A data directory without a manifest that holds files (an earlier version wrote it, or its first start was
     * interrupted): its files are taken as they are, after allocating on disk what an earlier version left sparse.
     */
    private void adopt(final Path dataDir) throws IOException
    {
        warnings.accept("data directory " + dataDir + " has no " + DataDirectory.MANIFEST + " (an earlier version " +
            "wrote it, or its first start was interrupted): adopting its files and allocating them on disk in full");
        final List<Path> files = new ArrayList<>();
        for (final String sub : List.of(LIVE_DIR)) // the store is not sparse: Chronicle Map writes all of it
        {
            final Path dir = dataDir.resolve(sub);
            if (Files.isDirectory(dir))
            {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir))
                {
                    for (final Path f : entries)
                    {
                        if (Files.isRegularFile(f) && isNodeFile(sub + "/" + f.getFileName()) &&
                            !f.getFileName().toString().endsWith(".tmp"))
                        {
                            files.add(f);
                        }
                    }
                }
            }
        }
        for (final Path f : files)
        {
            DiskSpace.fillHoles(f);
        }
    }

    /**
     * @param relative a path under the data directory ({@code live/table.dat}).
     * @return whether it is one of the node's files (the data directory warns about any other).
     */
    static boolean isNodeFile(final String relative)
    {
        final String name = relative.endsWith(".tmp") && !DEDUP_FILE.matcher(relative).matches() ?
            relative.substring(0, relative.length() - 4) : relative;
        return EXPECTED_FILES.contains(name) || name.equals(NAMES_FILE + ".import") ||
            name.equals(STORE_FILE + AggregateStore.DAMAGE_MARKER_SUFFIX) ||
            name.equals(STORE_FILE + AggregateStore.UNDO_SUFFIX) || DEDUP_FILE.matcher(name).matches();
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
        return new Aggregation(settings, ProjectLimits.unlimited(), new long[0], clockMs, errorHandler,
            Aggregation::printWarning, true);
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
        return open(settings, limits, projectIds, clockMs, errorHandler, Aggregation::printWarning);
    }

    /**
     * Opens the aggregation side with per-project limits and starts its flusher thread.
     *
     * @param settings     validated settings.
     * @param limits       what each project may hold.
     * @param projectIds   the configured projects.
     * @param clockMs      wall clock, epoch ms.
     * @param errorHandler receives faults of the flusher thread (it keeps running).
     * @param warnings     receives what the operator should know, one line each, never per request: unknown files
     *                     in the data directory, a disk that filled or a write that failed (and their recovery).
     * @return the running aggregation.
     * @throws IllegalStateException (or {@link io.crashfree.aggregation.files.DiskFullException}) with a one-line
     *                               message naming the directory or file when the data directory cannot be used.
     */
    public static Aggregation open(final AggregationSettings settings, final ProjectLimits limits,
        final long[] projectIds, final LongSupplier clockMs, final Consumer<Throwable> errorHandler,
        final Consumer<String> warnings)
    {
        return new Aggregation(settings, limits, projectIds, clockMs, errorHandler, warnings, true);
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
        return new Aggregation(settings, limits, projectIds, clockMs, Throwable::printStackTrace,
            Aggregation::printWarning, false);
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
            Aggregation::printWarning, false);
    }

    /**
     * Opens without a flusher thread, sending warnings to a consumer (tests).
     *
     * @param settings validated settings.
     * @param clockMs  clock used during recovery.
     * @param warnings receives warnings, one line each.
     * @return the aggregation.
     */
    public static Aggregation openManual(final AggregationSettings settings, final LongSupplier clockMs,
        final Consumer<String> warnings)
    {
        return new Aggregation(settings, ProjectLimits.unlimited(), new long[0], clockMs, Throwable::printStackTrace,
            warnings, false);
    }

    private static void printWarning(final String message)
    {
        System.err.println("crashfree: " + message);
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

    /** @return what the node could not write to disk (failures by area, whether it fails now and why). */
    public StorageStatus storage()
    {
        return storage;
    }

    /** @return bytes usable on the data directory's filesystem now. */
    public long usableDiskBytes()
    {
        return DiskSpace.usableBytes(settings.dataDir());
    }

    /** Writes dirty pages of every live file to disk. */
    public void force()
    {
        table.force();
        names.force();
        dedup.force();
    }

    /**
     * Cluster mode: a listener the flusher calls at the end of every cycle, on its thread (and once more in
     * {@link #close()}, after the last flush).
     *
     * @param listener the listener, or null for none.
     */
    public void cycleListener(final LocalAggregates.CycleListener listener)
    {
        flusher.cycleListener(listener);
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
        try
        {
            flusher.doWork(clockMs.getAsLong(), true);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.accept(ex); // what is not flushed stays in the live files for the next start
        }
        if (storage.failing(StorageStatus.Area.STORE) && table.liveRecords() > 0)
        {
            warnings.accept("stopping with " + table.liveRecords() + " live records not moved to the store (" +
                storage.problem() + "): they stay in the live files and are moved at a later start");
        }
        try
        {
            store.close();
            dedup.close();
            names.close();
            table.close();
        }
        finally
        {
            directory.close();
        }
    }
}
