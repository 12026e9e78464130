package io.crashfree.errors.forward;

/**
 * Sees every spooled envelope on the forwarder thread (never an event loop), once per process run, before its first
 * send: the place where a reader of events (grouping into issues) gets the event payload bytes without slowing
 * ingest. {@link EnvelopeItems} walks the items. An envelope in flight at a crash is seen again after the restart.
 */
@FunctionalInterface
public interface ForwardedEnvelopeObserver
{
    /** Sees nothing. */
    ForwardedEnvelopeObserver NONE = (projectId, receivedMs, envelope, offset, length) -> { };

    /**
     * @param projectId  the project the envelope came for.
     * @param receivedMs when the node acknowledged it.
     * @param envelope   bytes holding the envelope as forwarded (original headers, non-session items); valid only
     *                   during the call.
     * @param offset     its first byte.
     * @param length     its length.
     */
    void onEnvelope(long projectId, long receivedMs, byte[] envelope, int offset, int length);
}
