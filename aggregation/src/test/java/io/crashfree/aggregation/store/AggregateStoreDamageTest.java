package io.crashfree.aggregation.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A damaged store stops the open, naming the file: a scribbled value (Chronicle Map's entry checksum fails; its recovery
 * drops the entry, so the refusal is kept for every later open too), an entry of another shape, or a file Chronicle
 * Map cannot open at all (not {@code null}).
 */
class AggregateStoreDamageTest
{
    private static final long MARK = 0x5A5A_1234_5678_9ABCL;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToOpenAStoreWithAScribbledValueNamingTheFileNowAndAtEveryLaterOpen() throws IOException
    {
        final Path file = dir.resolve("s.cm");
        write(file, new StoreKey(42, 60, 1_764_000_000L, 11, 22));
        final byte[] bytes = Files.readAllBytes(file);
        final int at = indexOf(bytes, MARK);
        assertTrue(at > 0, "the value's counter is in the file");
        bytes[at + 1] ^= 0x10;
        Files.write(file, bytes);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new AggregateStore(file, 1000, 1024).close());
        assertTrue(ex.getMessage().startsWith("aggregate store " + file + ": an entry in segment "), ex.getMessage());
        assertTrue(ex.getMessage().contains("failed its checksum and was dropped by Chronicle Map's recovery"),
            ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        // Chronicle Map's recovery has dropped the entry from the file by now: the refusal must not end with it
        final IllegalStateException again = assertThrows(IllegalStateException.class,
            () -> new AggregateStore(file, 1000, 1024).close());
        assertTrue(again.getMessage().startsWith("aggregate store " + file + " was found damaged at an earlier open"),
            again.getMessage());
        assertTrue(again.getMessage().endsWith("and delete " + file + AggregateStore.DAMAGE_MARKER_SUFFIX),
            again.getMessage());
    }

    @Test
    void shouldRefuseAnEntryOfAnotherShapeNamingIt()
    {
        final AggregateValue value = new AggregateValue();
        value.addGeneration(3);
        final byte[] bytes = value.toBytes();
        final byte[] key = new StoreKey(1, 60, 60, 1, 0).toBytes();
        assertEquals(null, AggregateValueDescriptor.problem(key, bytes));
        assertEquals("its parts add up to " + bytes.length + " bytes, but it has " + (bytes.length + 1),
            AggregateValueDescriptor.problem(key, java.util.Arrays.copyOf(bytes, bytes.length + 1)));
        bytes[0] = 9;
        assertEquals("value format version 9, expected " + AggregateValueDescriptor.FORMAT_VERSION,
            AggregateValueDescriptor.problem(key, bytes));
    }

    @Test
    void shouldNameTheFileWhenChronicleMapCannotOpenIt() throws IOException
    {
        final Path file = dir.resolve("s.cm");
        write(file, new StoreKey(42, 60, 1_764_000_000L, 11, 22));
        final byte[] bytes = Files.readAllBytes(file);
        for (int i = 8; i < 200; i++)
        {
            bytes[i] = 'x';
        }
        Files.write(file, bytes);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new AggregateStore(file, 1000, 1024).close());
        assertTrue(ex.getMessage().startsWith("aggregate store " + file + " cannot be opened ("), ex.getMessage());
        assertTrue(ex.getMessage().contains("It is damaged or was not written by this version"), ex.getMessage());
    }

    private static void write(final Path file, final StoreKey key)
    {
        try (AggregateStore store = new AggregateStore(file, 1000, 1024))
        {
            final AggregateValue value = new AggregateValue();
            value.addCounter(AggregateValue.SESSIONS_INDEX, MARK);
            value.addGeneration(1);
            store.put(key, value);
        }
    }

    private static int indexOf(final byte[] bytes, final long mark)
    {
        final byte[] pattern = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(mark).array();
        outer:
        for (int i = 0; i + 8 <= bytes.length; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                if (bytes[i + j] != pattern[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
