package io.crashfree.edge;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What an in-process node holds, read from the outside: open descriptors, server-side TCP connections, Netty's buffer
 * memory and the heap after a collection. For the tests that check these stay flat under abuse.
 */
public final class NodeResources
{
    private NodeResources()
    {
    }

    /** @return descriptors this process has open ({@code /proc/self/fd}). */
    public static int openDescriptors()
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return (int)fds.count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Server-side connections of a port that still hold a descriptor: established, or closed by the peer and not yet
     * by the server ({@code /proc/net/tcp} and {@code tcp6}: the JDK and Netty open IPv6 sockets where they can).
     *
     * @param port the node's port.
     * @return their number.
     */
    public static int serverConnections(final int port)
    {
        final String localPort = String.format(Locale.ROOT, ":%04X", port);
        int n = 0;
        for (final String table : new String[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            final List<String> lines;
            try
            {
                lines = Files.readAllLines(Path.of(table));
            }
            catch (final java.nio.file.NoSuchFileException ex)
            {
                continue;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            for (int i = 1; i < lines.size(); i++)
            {
                final String[] f = lines.get(i).trim().split("\\s+");
                // f[1] local address:port, f[3] state: 01 established, 08 close-wait
                if (f[1].endsWith(localPort) && (f[3].equals("01") || f[3].equals("08")))
                {
                    n++;
                }
            }
        }
        return n;
    }

    /** @return heap and direct memory held by Netty's default allocator (what the node's channels use). */
    public static long nettyUsedBytes()
    {
        final ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider)ByteBufAllocator.DEFAULT).metric();
        return m.usedHeapMemory() + m.usedDirectMemory();
    }

    /** @return heap in use after a full collection. */
    public static long heapAfterGc()
    {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
