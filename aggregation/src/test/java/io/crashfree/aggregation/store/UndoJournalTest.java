package io.crashfree.aggregation.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A put torn by a crash is dropped by Chronicle Map's recovery; the undo journal puts the key's former value back at
 * the next open, so the totals flushed into that key before are not lost.
 */
class UndoJournalTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPutBackTheFormerValueOfAWriteACrashTore()
    {
        final Path file = dir.resolve("aggregates.cm");
        final StoreKey key = new StoreKey(42, 3600, 7200, 11, 0);
        final AggregateValue former = new AggregateValue();
        former.addCounter(AggregateValue.SESSIONS_INDEX, 1234);
        former.addGeneration(5);
        final byte[] formerBytes;
        try (AggregateStore store = new AggregateStore(file, 1000, 1024))
        {
            store.put(key, former);
            formerBytes = store.getBytes(key);
            // What the recovery leaves after a crash tore the next write into the key: no entry at all.
            store.remove(key);
        }
        try (UndoJournal journal = new UndoJournal(dir.resolve("aggregates.cm" + AggregateStore.UNDO_SUFFIX)))
        {
            journal.begin(key.toBytes(), formerBytes); // the write that was torn: begun, never ended
        }
        final List<String> warnings = new ArrayList<>();
        try (AggregateStore store = new AggregateStore(file, 1000, 1024, warnings::add))
        {
            assertArrayEquals(formerBytes, store.getBytes(key), "the former value is back");
            assertEquals(1234, store.get(key).sessions());
            assertTrue(store.get(key).containsGeneration(5));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("was torn by a crash"), warnings.get(0));
        }
        try (AggregateStore store = new AggregateStore(file, 1000, 1024))
        {
            assertEquals(1234, store.get(key).sessions(), "restored once; the journal is clear");
        }
    }

    @Test
    void shouldLeaveAKeyAloneWhenItsWriteCompletedOrNeverStarted()
    {
        final Path file = dir.resolve("aggregates.cm");
        final StoreKey written = new StoreKey(1, 60, 60, 2, 3);
        final AggregateValue value = new AggregateValue();
        value.addCounter(AggregateValue.SESSIONS_INDEX, 7);
        try (AggregateStore store = new AggregateStore(file, 1000, 1024))
        {
            store.put(written, value, true, null);
        }
        try (UndoJournal journal = new UndoJournal(dir.resolve("aggregates.cm" + AggregateStore.UNDO_SUFFIX)))
        {
            journal.begin(written.toBytes(), null); // the key was new: nothing to put back whatever happened
        }
        try (AggregateStore store = new AggregateStore(file, 1000, 1024))
        {
            assertEquals(7, store.get(written).sessions());
            assertNull(store.get(new StoreKey(1, 60, 120, 2, 3)));
        }
    }
}
