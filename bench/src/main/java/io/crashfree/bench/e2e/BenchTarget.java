package io.crashfree.bench.e2e;

/**
 * One side of the comparison: a server listening on 127.0.0.1 that the load generator drives.
 */
public interface BenchTarget extends AutoCloseable
{
    /** @return short name ("node" or "ceiling"). */
    String name();

    /** @return what it is and how it runs, for the report. */
    String description();

    /** @return the port it listens on. */
    int port();

    /** @return its process's CPU time so far in nanoseconds, or -1 when unknown (in-process targets). */
    long cpuNanos();

    /** Stops it. */
    @Override
    void close();
}
