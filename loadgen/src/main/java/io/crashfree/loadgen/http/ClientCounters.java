package io.crashfree.loadgen.http;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the client threads did, read by the main thread for the progress line and the report. Adders and atomics
 * only: the threads never wait on each other.
 */
public final class ClientCounters
{
    /** Highest HTTP status tracked individually. */
    public static final int MAX_STATUS = 599;

    /** Requests written. */
    public final LongAdder sent = new LongAdder();
    /** Answers with status 200. */
    public final LongAdder ok = new LongAdder();
    /** Answers with any other status. */
    public final LongAdder rejected = new LongAdder();
    /** Sessions carried by requests answered 200: one per session update, the total of each aggregate entry. */
    public final LongAdder sessionsOk = new LongAdder();
    /** Session updates answered 200. */
    public final LongAdder updatesOk = new LongAdder();
    /** Aggregate envelopes answered 200. */
    public final LongAdder aggregateEnvelopesOk = new LongAdder();
    /** Connection attempts that failed. */
    public final LongAdder connectFailures = new LongAdder();
    /** Connections opened. */
    public final LongAdder connectsOk = new LongAdder();
    /** Requests without an answer after the timeout (connection closed by us). */
    public final LongAdder timeouts = new LongAdder();
    /** Requests that got no answer at all (connection lost or timed out): they may or may not have counted. */
    public final LongAdder inDoubt = new LongAdder();
    /** Long sessions: terminal updates held for later (a repeated send counts again). */
    public final LongAdder terminalsHeld = new LongAdder();
    /** Long sessions: held terminal updates taken for sending. */
    public final LongAdder terminalsTaken = new LongAdder();
    /** Request bytes written (after gzip, with HTTP framing). */
    public final LongAdder bytesSent = new LongAdder();
    /** Answers by status code. */
    public final AtomicLongArray byStatus = new AtomicLongArray(MAX_STATUS + 1);
    /** The first answer that was not 200: status and detail. */
    public final AtomicReference<String> firstRejection = new AtomicReference<>();
    /** The first failure to connect or of a connection. */
    public final AtomicReference<String> firstConnectionError = new AtomicReference<>();
    /** Set when the node rejected the key (401/403): the run stops. */
    public final AtomicReference<String> authRejection = new AtomicReference<>();

    /** @return terminal updates held and not sent yet (0 without long sessions). */
    public long terminalsPending()
    {
        return terminalsHeld.sum() - terminalsTaken.sum();
    }

    /** @return answers received (any status). */
    public long answered()
    {
        return ok.sum() + rejected.sum();
    }
}
