package io.crashfree.bench.e2e;

/**
 * A target running inside the driver's JVM (for the benchmark's own tests, where no shaded jar exists yet): the bare
 * server, or a node started with {@code CrashfreeNode.start}.
 */
public final class InProcessTarget implements BenchTarget
{
    private final String name;
    private final String description;
    private final int port;
    private final AutoCloseable server;

    /**
     * @param name        short name.
     * @param description what it is.
     * @param port        its port.
     * @param server      what to close.
     */
    public InProcessTarget(final String name, final String description, final int port, final AutoCloseable server)
    {
        this.name = name;
        this.description = description;
        this.port = port;
        this.server = server;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String description()
    {
        return description;
    }

    @Override
    public int port()
    {
        return port;
    }

    @Override
    public long cpuNanos()
    {
        return -1;
    }

    @Override
    public void close()
    {
        try
        {
            server.close();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot stop " + name + ": " + ex, ex);
        }
    }
}
