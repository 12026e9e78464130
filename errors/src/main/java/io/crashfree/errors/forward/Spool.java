package io.crashfree.errors.forward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The forwarding spool: segment files under {@code <node.data.dir>/spool}, at most {@code forward.spool.max.megabytes}
 * of them. Each event loop appends through its own {@link SpoolWriter} into its own segment; the forwarder thread makes
 * the next segment of each writer ahead of time (a spare), reads every segment in order, and deletes a segment once
 * every frame in it is settled.
 * <p>
 * The bound is in whole segments: a writer whose segment is full takes its spare; when the files already take the
 * whole budget no spare is made, and the writer's next claim answers {@link SpoolWriter#FULL}.
 * <p>
 * Files are made by the spool keeper thread ({@link #runKeeper}), woken when a writer takes a spare, so a send that
 * waits for a slow upstream never delays them; each writer has {@value #SPARES_PER_WRITER} spares, so it fills two
 * whole segments before it could find none made. The keeper and the forwarder share the segment list under this
 * object's monitor; event loops never take it.
 */
public final class Spool implements AutoCloseable
{
    /** The spool's subdirectory of the node's data directory. */
    public static final String SUBDIR = "spool";
    /** The most event loops (writers) a spool serves. */
    static final int MAX_WRITERS = 1024;
    /** Segments made ahead for each writer. */
    static final int SPARES_PER_WRITER = 2;
    /** Smallest segment: a writer fills two of them faster than one is made only at hundreds of MB/s. */
    static final int MIN_SEGMENT_BYTES = 1024 * 1024;
    /** Largest segment: a 16 MiB file is made in well under a second. */
    static final int MAX_SEGMENT_BYTES = 16 * 1024 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final int segmentBytes;
    private final AtomicReferenceArray<SpoolSegment> spares =
        new AtomicReferenceArray<>(MAX_WRITERS * SPARES_PER_WRITER);
    private final AtomicInteger writers = new AtomicInteger();
    private final LongAdder appendedBytes = new LongAdder();
    private final LongAdder appendedFrames = new LongAdder();
    /** Every segment, oldest first: the forwarder's alone (writers hold theirs through {@link SpoolWriter}). */
    private final List<SpoolSegment> segments = new ArrayList<>();
    private volatile long fileBytes;
    private volatile Thread keeper;
    private volatile boolean keeping = true;
    private final boolean forceNewHeaders;
    private long nextSequence;

    private Spool(final Path dir, final long maxBytes, final int segmentBytes, final boolean forceNewHeaders)
    {
        this.forceNewHeaders = forceNewHeaders;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the spool directory, mapping the segments an earlier run left (their frames are sent before anything new
     * of theirs is lost; none is ever written again).
     *
     * @param dir      the spool directory (made when missing).
     * @param maxBytes {@code forward.spool.max.megabytes} in bytes.
     * @param warn     where notes for the operator go (a damaged segment that is left alone).
     * @param forceNewHeaders whether a new segment's header is forced to disk before it is used (when the node
     *                 guards against power loss, {@code aggregation.sync.interval.ms} above 0).
     * @return the spool.
     */
    public static Spool open(final Path dir, final long maxBytes, final Consumer<String> warn,
        final boolean forceNewHeaders)
    {
        final Spool spool = new Spool(dir, maxBytes, segmentBytesFor(maxBytes), forceNewHeaders);
        try
        {
            Files.createDirectories(dir);
            final List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir))
            {
                for (final Path f : stream)
                {
                    final String name = f.getFileName().toString();
                    if (name.endsWith(".tmp"))
                    {
                        Files.delete(f); // a segment a crash interrupted while it was being made: never used
                    }
                    else if (name.endsWith(SpoolSegment.SUFFIX))
                    {
                        files.add(f);
                    }
                    else
                    {
                        warn.accept("ignoring unknown file " + f + " in the forwarding spool");
                    }
                }
            }
            files.sort(Comparator.naturalOrder());
            long maxSequence = 0;
            for (final Path f : files)
            {
                try
                {
                    final SpoolSegment s = SpoolSegment.open(f);
                    spool.segments.add(s);
                    maxSequence = Math.max(maxSequence, s.sequence());
                }
                catch (final IllegalStateException ex)
                {
                    warn.accept(ex.getMessage() + "; it is left alone and not sent");
                }
            }
            spool.segments.sort(Comparator.comparingLong(SpoolSegment::sequence));
            spool.nextSequence = maxSequence + 1;
            long bytes = 0;
            for (final SpoolSegment s : spool.segments)
            {
                bytes += s.capacity();
            }
            spool.fileBytes = bytes;
            return spool;
        }
        catch (final IOException ex)
        {
            spool.close();
            throw new UncheckedIOException("cannot open the forwarding spool " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * A sixteenth of the budget, between 1 MiB and 16 MiB: small enough that a delivered segment frees its room
     * soon, large enough that making files is rare.
     *
     * @param maxBytes the budget.
     * @return the segment size.
     */
    static int segmentBytesFor(final long maxBytes)
    {
        return (int)Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, (maxBytes / 16) & ~4095L));
    }

    /** @return a writer for the calling event loop (once per event loop). */
    public SpoolWriter newWriter()
    {
        final int id = writers.getAndIncrement();
        if (id >= MAX_WRITERS)
        {
            throw new IllegalStateException("more than " + MAX_WRITERS + " spool writers");
        }
        wakeKeeper();
        return new SpoolWriter(this, id);
    }

    /** @return the size of one segment file. */
    public int segmentBytes()
    {
        return segmentBytes;
    }

    /** @return {@code forward.spool.max.megabytes} in bytes. */
    public long maxBytes()
    {
        return maxBytes;
    }

    /** @return bytes of segment files on disk now. */
    public long fileBytes()
    {
        return fileBytes;
    }

    /** @return frame bytes appended since start. */
    public long appendedBytes()
    {
        return appendedBytes.sum();
    }

    /** @return frames appended since start. */
    public long appendedFrames()
    {
        return appendedFrames.sum();
    }

    /** @return the spool directory. */
    public Path dir()
    {
        return dir;
    }

    // ---------------------------------------------------------------- writers (event loops)

    SpoolSegment takeSpare(final int writerId)
    {
        SpoolSegment spare = null;
        for (int i = 0; i < SPARES_PER_WRITER && spare == null; i++)
        {
            spare = spares.getAndSet(writerId * SPARES_PER_WRITER + i, null);
        }
        wakeKeeper(); // make the next one now
        return spare;
    }

    boolean isFull()
    {
        return fileBytes + segmentBytes > maxBytes;
    }

    void onAppended(final int frameBytes)
    {
        appendedBytes.add(frameBytes);
        appendedFrames.increment();
    }

    private void wakeKeeper()
    {
        final Thread t = keeper;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    // ---------------------------------------------------------------- forwarder thread

    /**
     * The spool keeper's duty cycle: make spares whenever a writer took one (it wakes this thread), else every 100 ms.
     *
     * @param expectedWriters the event loops.
     * @param clockMs         wall clock.
     * @param onError         the node's error log (a full disk: writers get 503 until it has room).
     */
    void runKeeper(final int expectedWriters, final java.util.function.LongSupplier clockMs,
        final java.util.function.BiConsumer<String, Throwable> onError)
    {
        keeper = Thread.currentThread();
        while (keeping)
        {
            try
            {
                ensureSpares(expectedWriters, clockMs.getAsLong());
            }
            catch (final RuntimeException ex)
            {
                onError.accept("forwarding spool", ex);
                LockSupport.parkNanos(1_000_000_000L); // a full disk stays full for a while
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** Stops the keeper's loop. */
    void stopKeeper()
    {
        keeping = false;
        wakeKeeper();
    }

    /** @return a copy of every segment, oldest first. */
    synchronized List<SpoolSegment> snapshot()
    {
        return new ArrayList<>(segments);
    }

    /** @return every segment, oldest first (before the threads start). */
    List<SpoolSegment> segments()
    {
        return segments;
    }

    /**
     * Makes a spare segment for every writer that has none, while the budget allows (forwarder thread only).
     *
     * @param expectedWriters writers that will come (the event loops), even before they first append.
     * @param nowMs           now.
     * @return spares made.
     */
    int ensureSpares(final int expectedWriters, final long nowMs)
    {
        int made = 0;
        final int n = Math.min(MAX_WRITERS, Math.max(expectedWriters, writers.get())) * SPARES_PER_WRITER;
        for (int slot = 0; slot < n; slot++)
        {
            if (spares.get(slot) == null && !isFull())
            {
                final long sequence;
                synchronized (this)
                {
                    sequence = nextSequence++;
                }
                final SpoolSegment s = SpoolSegment.create(dir, sequence, segmentBytes, nowMs, forceNewHeaders);
                synchronized (this)
                {
                    segments.add(s);
                    fileBytes += s.capacity();
                }
                spares.set(slot, s);
                made++;
            }
        }
        return made;
    }

    /**
     * Deletes a settled segment (forwarder thread only; its writer has moved on or it came from an earlier run).
     *
     * @param segment the segment.
     */
    void delete(final SpoolSegment segment)
    {
        synchronized (this)
        {
            segments.remove(segment);
            fileBytes -= segment.capacity();
        }
        segment.delete();
        wakeKeeper(); // room for spares again
    }

    /** @return whether a segment is some writer's spare (not yet written). */
    boolean isSpare(final SpoolSegment segment)
    {
        for (int slot = 0, n = spares.length(); slot < n; slot++)
        {
            if (spares.get(slot) == segment)
            {
                return true;
            }
        }
        return false;
    }

    /** Writes every segment's pages back to disk (forwarder thread; {@code aggregation.sync.interval.ms}). */
    void force()
    {
        for (final SpoolSegment s : snapshot())
        {
            s.force();
        }
    }

    /** Unmaps every segment, keeping the files (after the event loops and the forwarder stopped). */
    @Override
    public synchronized void close()
    {
        for (final SpoolSegment s : segments)
        {
            s.close();
        }
        segments.clear();
    }
}
