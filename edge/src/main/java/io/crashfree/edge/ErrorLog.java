package io.crashfree.edge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's one error handler: every thread's faults come here (event loops through Netty's {@code exceptionCaught},
 * the flusher, query threads, the configuration watcher, and the uncaught-exception handler for any other thread).
 * It counts every fault ({@code crashfree_errors_total}) and logs each distinct one (by place and type) once with its
 * stack trace, then again only when its count reaches 10, 100, 1,000 and so on, so that a fault repeating per request
 * neither floods the log nor goes unnoticed. The node keeps serving.
 */
public final class ErrorLog
{
    /** Distinct faults tracked; past this many, new kinds are still counted and logged, but not deduplicated. */
    private static final int MAX_DISTINCT = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ErrorLog.class);

    private final ConcurrentHashMap<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();

    /**
     * @param where what was running ({@code flusher}, {@code edge connection}, {@code query}, {@code thread X}).
     * @param cause what went wrong.
     */
    public void onError(final String where, final Throwable cause)
    {
        errors.increment();
        final String key = where + ':' + cause.getClass().getName();
        AtomicLong count = seen.get(key);
        if (count == null && seen.size() < MAX_DISTINCT)
        {
            count = seen.computeIfAbsent(key, k -> new AtomicLong());
        }
        final long n = count == null ? 1 : count.incrementAndGet();
        if (n == 1)
        {
            LOG.error("error in {} (logged once, then at 10, 100, 1000... occurrences): {}", where, cause, cause);
        }
        else if (isPowerOfTen(n))
        {
            LOG.error("error in {} has now occurred {} times: {}", where, n, cause.toString());
        }
    }

    /**
     * Reports a thread that ended with an exception nothing caught.
     *
     * @param thread the thread.
     * @param cause  what ended it.
     */
    public void onUncaught(final Thread thread, final Throwable cause)
    {
        onError("thread " + thread.getName() + " (it has stopped)", cause);
    }

    /** @return faults seen since start. */
    public long errorCount()
    {
        return errors.sum();
    }

    /**
     * @param where the place given to {@link #onError}.
     * @param type  the fault's class.
     * @return how often that fault occurred (0 when never, or when it was past the distinct faults tracked).
     */
    public long count(final String where, final Class<? extends Throwable> type)
    {
        final AtomicLong n = seen.get(where + ':' + type.getName());
        return n == null ? 0 : n.get();
    }

    private static boolean isPowerOfTen(final long n)
    {
        long p = 10;
        while (p < n && p <= Long.MAX_VALUE / 10)
        {
            p *= 10;
        }
        return p == n;
    }
}
