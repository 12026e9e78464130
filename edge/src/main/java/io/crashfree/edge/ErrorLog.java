package io.crashfree.edge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's one error handler: counts every fault and logs each distinct one (by place and type) once, so a fault
 * that repeats per request never floods the log. The node keeps serving.
 */
public final class ErrorLog
{
    private final ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();

    /**
     * @param where what was running.
     * @param cause what went wrong.
     */
    public void onError(final String where, final Throwable cause)
    {
        errors.increment();
        final String key = where + ':' + cause.getClass().getName();
        if (seen.putIfAbsent(key, Boolean.TRUE) == null)
        {
            System.err.println("crashfree: error in " + where + " (logged once): " + cause);
            cause.printStackTrace(System.err);
        }
    }

    /** @return faults seen since start. */
    public long errorCount()
    {
        return errors.sum();
    }
}
