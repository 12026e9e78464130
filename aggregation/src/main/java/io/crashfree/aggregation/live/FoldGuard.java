package io.crashfree.aggregation.live;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Tells the flusher when folds that might still write into a record it just sealed have finished, without a
 * per-record writer count (which would be two contended atomics per session on a hot key).
 * <p>
 * Each folding thread owns a {@link Slot}: a counter on its own cache line, odd while the thread is inside a fold.
 * {@link #awaitQuiescence()} snapshots every odd counter and waits until it has moved on. A fold that starts after
 * the snapshot began after the seal, so it sees the record {@code SEALED} (volatile store then volatile load on both
 * sides: Dekker's pattern). The cost to a fold is one volatile store when it starts and one ordered store when it
 * ends, per envelope, on a line no other thread writes.
 */
public final class FoldGuard
{
    private static final int PADDED_LENGTH = 16;
    private static final int INDEX = 8; // the counter sits mid-array, away from neighbours' lines

    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();

    /** One thread's fold counter. */
    public static final class Slot
    {
        private final AtomicLongArray counter = new AtomicLongArray(PADDED_LENGTH);
        private long value;

        /** Marks the start of a fold (odd). */
        public void begin()
        {
            counter.set(INDEX, ++value); // volatile: orders the later reads of record states after it
        }

        /** Marks the end of a fold (even). */
        public void end()
        {
            counter.lazySet(INDEX, ++value);
        }

        long read()
        {
            return counter.get(INDEX);
        }
    }

    /** @return a new slot for the calling thread, registered with the guard. */
    public Slot register()
    {
        final Slot slot = new Slot();
        slots.add(slot);
        return slot;
    }

    /** Waits until every fold that was running when this was called has finished. Folds are short and never block. */
    public void awaitQuiescence()
    {
        for (final Slot slot : slots)
        {
            final long seen = slot.read();
            if ((seen & 1) != 0)
            {
                while (slot.read() == seen)
                {
                    Thread.yield();
                }
            }
        }
    }
}
