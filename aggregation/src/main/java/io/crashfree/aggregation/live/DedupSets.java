package io.crashfree.aggregation.live;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Exactly-once counting of per-session states: "has session S of key K already been counted as crashed (abnormal,
 * unhandled, errored)?". One lock-free set of 64-bit fingerprints per day of {@code started}, each in its own
 * memory-mapped file, so a repeated or retried terminal update is counted once however late it comes (up to the
 * 5-day window), across flushes and restarts; a whole day's file is deleted once no update can reach it.
 * <p>
 * Insert is a CAS from 0 to the fingerprint on a linear probe sequence: no locks, idempotent, crash-safe (a slot
 * either holds the fingerprint or not).
 */
public final class DedupSets implements AutoCloseable
{
    /** The fingerprint was not there and has been added: count it. */
    public static final int NEW = 0;
    /** The fingerprint was there already: do not count again. */
    public static final int PRESENT = 1;
    /** No room: the caller must not count and should push back. */
    public static final int FULL = 2;

    private static final int SLOTS = 16; // days open at once, indexed by epoch day mod 16
    private static final int HEADER_BYTES = 64;
    private static final int DAY_OFFSET = 0;
    private static final int SIZE_OFFSET = 8;
    private static final int MAX_PROBES = 256;

    private final Path dir;
    private final int capacityPerDay;
    private final int mask;
    private final AtomicReferenceArray<DaySet> days = new AtomicReferenceArray<>(SLOTS);

    private static final class DaySet
    {
        final long epochDay;
        final MappedFile file;
        final UnsafeBuffer buffer;

        DaySet(final long epochDay, final MappedFile file)
        {
            this.epochDay = epochDay;
            this.file = file;
            this.buffer = file.buffer();
        }
    }

    /**
     * @param dir            directory of the day files.
     * @param capacityPerDay fingerprints per day, a power of two; a day is full at 3/4 of it.
     */
    public DedupSets(final Path dir, final int capacityPerDay)
    {
        if (Integer.bitCount(capacityPerDay) != 1)
        {
            throw new IllegalArgumentException("dedup capacity must be a power of two: " + capacityPerDay);
        }
        this.dir = dir;
        this.capacityPerDay = capacityPerDay;
        this.mask = capacityPerDay - 1;
    }

    /**
     * Adds a fingerprint to a day's set.
     *
     * @param epochDay    the day of the session's {@code started}.
     * @param fingerprint a non-zero 64-bit fingerprint of (key, state, session id).
     * @return {@link #NEW}, {@link #PRESENT} or {@link #FULL}.
     */
    public int tryInsert(final long epochDay, final long fingerprint)
    {
        final DaySet day = day(epochDay);
        final UnsafeBuffer b = day.buffer;
        if (b.getLongVolatile(SIZE_OFFSET) >= (capacityPerDay >> 2) * 3L)
        {
            return contains(b, fingerprint) ? PRESENT : FULL;
        }
        int index = (int)(fingerprint ^ (fingerprint >>> 29)) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++)
        {
            final int off = HEADER_BYTES + (index << 3);
            final long v = b.getLongVolatile(off);
            if (v == fingerprint)
            {
                return PRESENT;
            }
            if (v == 0)
            {
                if (b.compareAndSetLong(off, 0, fingerprint))
                {
                    b.getAndAddLong(SIZE_OFFSET, 1);
                    return NEW;
                }
                if (b.getLongVolatile(off) == fingerprint)
                {
                    return PRESENT;
                }
            }
            index = (index + 1) & mask;
        }
        return FULL;
    }

    private boolean contains(final UnsafeBuffer b, final long fingerprint)
    {
        int index = (int)(fingerprint ^ (fingerprint >>> 29)) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++)
        {
            final long v = b.getLongVolatile(HEADER_BYTES + (index << 3));
            if (v == fingerprint)
            {
                return true;
            }
            if (v == 0)
            {
                return false;
            }
            index = (index + 1) & mask;
        }
        return false;
    }

    /**
     * @param epochDay a day.
     * @return how full its set is, 0..1 (of the 3/4 load limit).
     */
    public double fill(final long epochDay)
    {
        final DaySet day = days.get((int)Math.floorMod(epochDay, (long)SLOTS));
        if (day == null || day.epochDay != epochDay)
        {
            return 0;
        }
        return day.buffer.getLongVolatile(SIZE_OFFSET) / (capacityPerDay * 0.75);
    }

    private DaySet day(final long epochDay)
    {
        final int slot = (int)Math.floorMod(epochDay, (long)SLOTS);
        final DaySet day = days.get(slot);
        if (day != null && day.epochDay == epochDay)
        {
            return day;
        }
        return open(epochDay, slot);
    }

    /**
     * Opens a day's file ahead of need (the flusher calls this so event loops never open files).
     *
     * @param epochDay the day.
     */
    public void prepare(final long epochDay)
    {
        day(epochDay);
    }

    private DaySet open(final long epochDay, final int slot)
    {
        final DaySet opened = new DaySet(epochDay, MappedFile.openOrCreate(dayFile(epochDay),
            HEADER_BYTES + ((long)capacityPerDay << 3)));
        opened.buffer.putLong(DAY_OFFSET, epochDay);
        while (true)
        {
            final DaySet current = days.get(slot);
            if (current != null && current.epochDay == epochDay)
            {
                opened.file.close();
                return current;
            }
            if (current != null && current.epochDay > epochDay)
            {
                // A newer day owns the slot: this day is outside the window; use the mapping without caching it.
                return opened;
            }
            if (days.compareAndSet(slot, current, opened))
            {
                // A replaced day is never unmapped here: a writer may still hold it. The GC unmaps it.
                return opened;
            }
        }
    }

    /**
     * Deletes the files of days before {@code oldestDay} (no update can reach them any more).
     *
     * @param oldestDay the oldest day to keep.
     */
    public void retireBefore(final long oldestDay)
    {
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final DaySet day = days.get(slot);
            if (day != null && day.epochDay < oldestDay)
            {
                days.compareAndSet(slot, day, null); // not unmapped: a writer may still hold it; the GC unmaps it
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "dedup-*.dat"))
        {
            for (final Path f : files)
            {
                final String name = f.getFileName().toString();
                final long day = Long.parseLong(name.substring(6, name.length() - 4));
                if (day < oldestDay)
                {
                    Files.deleteIfExists(f);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new IllegalStateException("cannot retire dedup files in " + dir, ex);
        }
    }

    private Path dayFile(final long epochDay)
    {
        return dir.resolve("dedup-" + epochDay + ".dat");
    }

    /** Flushes every open day to disk. */
    public void force()
    {
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final DaySet day = days.get(slot);
            if (day != null)
            {
                day.file.force();
            }
        }
    }

    @Override
    public void close()
    {
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final DaySet day = days.getAndSet(slot, null);
            if (day != null)
            {
                day.file.close();
            }
        }
    }

}
