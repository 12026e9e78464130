package io.crashfree.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One node per data directory: while a node (a child JVM: OS file locks are per process) holds it, a second node
 * refuses to start with one line naming the directory and the holder; once the holder dies, even by {@code kill -9},
 * the directory is free again.
 */
@Timeout(120)
class DataDirLockTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondNodeOnTheDataDirectoryInOneLineNamingTheHolder() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Map<String, String> settings = TestNodes.SMALL_AGGREGATION;
        try (ChildNode holder = ChildNode.start(dir, dataDir, settings))
        {
            final IllegalStateException inProcess = assertThrows(IllegalStateException.class,
                () -> TestNodes.startAggregating(dataDir, Map.of()).close());
            assertTrue(inProcess.getMessage().startsWith("the data directory " + dataDir.toRealPath() +
                " is in use by another node (pid " + holder.pid() + ", started "), inProcess.getMessage());

            final ChildNode.Exit second = ChildNode.runToExit(dir, dataDir, settings);
            assertEquals(2, second.code(), String.join("\n", second.lines()));
            assertEquals(1, second.nodeLines().size(), "one line: " + second.lines());
            final String line = second.nodeLines().get(0);
            assertTrue(line.contains("cannot start: the data directory " + dataDir.toRealPath() +
                " is in use by another node (pid " + holder.pid() + ", started "), line);
            assertTrue(line.contains("stop that node first, or give this one another node.data.dir"), line);

            holder.kill(); // kill -9: the OS drops its lock
            TestNodes.startAggregating(dataDir, Map.of()).close();
        }
    }
}
