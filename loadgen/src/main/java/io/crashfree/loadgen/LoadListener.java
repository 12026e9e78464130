package io.crashfree.loadgen;

/**
 * Hears where a run stands once a second ({@link Loadgen#run(LoadgenOptions, java.io.PrintStream, LoadListener)}),
 * on the run's main thread; the load goes on meanwhile on the client's threads.
 */
@FunctionalInterface
public interface LoadListener
{
    /**
     * @param snapshot the run's counts so far.
     */
    void onSecond(LoadSnapshot snapshot);

    /**
     * Called once when the load has stopped and every answer arrived (or was given up), before the result is built.
     *
     * @param snapshot the run's final counts; {@code elapsedNs} until the last answer.
     */
    default void onEnd(final LoadSnapshot snapshot)
    {
    }
}
