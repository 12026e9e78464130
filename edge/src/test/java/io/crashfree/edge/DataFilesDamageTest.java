package io.crashfree.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.crashfree.aggregation.live.LiveTableDescriptor.CRASHED;
import static io.crashfree.aggregation.live.LiveTableDescriptor.HEADER_BYTES;
import static io.crashfree.aggregation.live.LiveTableDescriptor.RECORD_BYTES;
import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE;
import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE_READY;
import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged or missing data files stop a node's start with one line naming the file and what is wrong, instead of a
 * node that serves a counter nobody wrote or starts again from nothing; a file the node does not know is left alone
 * with a warning.
 */
@Timeout(120)
class DataFilesDamageTest
{
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_key=" + TestNodes.KEY_42;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartWhenADataFileIsMissingNamingIt() throws Exception
    {
        for (final String file : List.of("live/table.dat", "live/names.dat", "store/aggregates.cm"))
        {
            final Path dataDir = dir.resolve(file.replace('/', '-'));
            try (CrashfreeNode node = TestNodes.startAggregating(dataDir, Map.of()))
            {
                assertEquals(200, ingest(node.port(), "s1", "ok"));
            }
            Files.delete(dataDir.resolve(file));
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> TestNodes.startAggregating(dataDir, Map.of()).close(), file);
            assertTrue(ex.getMessage().startsWith("data file " + dataDir.resolve(file) + " is missing: "),
                ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        }
    }

    @Test
    void shouldRefuseToStartOnAScribbledLiveCounterNamingTheFileAndTheRecord() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (ChildNode child = ChildNode.start(dir, dataDir, TestNodes.SMALL_AGGREGATION))
        {
            for (int i = 0; i < 5; i++)
            {
                assertEquals(200, ingest(child.port(), "crash-" + i, "crashed"));
            }
            child.kill(); // kill -9: the counters stay in the live table, unflushed
        }
        final Path table = dataDir.resolve("live/table.dat");
        final int record = scribbleCrashed(table, -5);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> TestNodes.startAggregating(dataDir, Map.of()).close());
        assertTrue(ex.getMessage().startsWith("live table " + table + ": record " + record + " (project 42, bucket "),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("crashed is -5, never negative"), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
    }

    @Test
    void shouldRefuseToStartOnAScribbledStoreNamingIt() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (CrashfreeNode node = TestNodes.startAggregating(dataDir, Map.of()))
        {
            assertEquals(200, ingest(node.port(), "s1", "crashed"));
        }
        final Path store = dataDir.resolve("store/aggregates.cm");
        final byte[] bytes = Files.readAllBytes(store);
        for (int i = 8; i < 200; i++)
        {
            bytes[i] = 'x';
        }
        Files.write(store, bytes);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> TestNodes.startAggregating(dataDir, Map.of()).close());
        assertTrue(ex.getMessage().startsWith("aggregate store " + store + " cannot be opened ("), ex.getMessage());
        assertTrue(ex.getMessage().contains("restore it from a backup"), ex.getMessage());
    }

    @Test
    void shouldStartWithAStrayFileInTheLiveDirectoryAndWarnAboutIt() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        TestNodes.startAggregating(dataDir, Map.of()).close();
        final Path stray = dataDir.resolve("live/notes.txt");
        Files.writeString(stray, "an operator's notes");
        final String log;
        try (CapturedStderr stderr = new CapturedStderr();
            CrashfreeNode node = TestNodes.startAggregating(dataDir, Map.of()))
        {
            assertEquals(200, ingest(node.port(), "s1", "ok"));
            log = stderr.text();
        }
        assertTrue(log.contains("ignoring unknown file " + stray + " in the data directory"), log);
        assertTrue(Files.exists(stray), "left alone");
    }

    /** Sets the crashed counter of the first record holding crashes; returns its index. */
    private static int scribbleCrashed(final Path table, final long value) throws IOException
    {
        try (FileChannel channel = FileChannel.open(table, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
            b.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; HEADER_BYTES + (long)(i + 1) * RECORD_BYTES <= channel.size(); i++)
            {
                final int off = HEADER_BYTES + i * RECORD_BYTES;
                if (b.getInt(off + STATE) == STATE_READY && b.getLong(off + CRASHED) > 0)
                {
                    b.putLong(off + CRASHED, value);
                    b.force();
                    return i;
                }
            }
        }
        throw new AssertionError("no live record holds a crash in " + table);
    }

    private static int ingest(final int port, final String sid, final String status) throws IOException
    {
        final String started = Instant.now().minusSeconds(60).toString();
        final String body = "{}\n{\"type\":\"session\"}\n{\"sid\":\"" + sid + "\",\"did\":\"u-" + sid +
            "\",\"init\":true,\"started\":\"" + started + "\",\"status\":\"" + status + "\",\"errors\":" +
            (status.equals("ok") ? 0 : 1) + ",\"attrs\":{\"release\":\"app@1.0\",\"environment\":\"production\"}}\n";
        try (RawHttp http = new RawHttp(port))
        {
            return http.exchange(RawHttp.request("POST", "/api/42/envelope/", new String[] { AUTH }, utf8(body)))
                .status();
        }
    }
}
