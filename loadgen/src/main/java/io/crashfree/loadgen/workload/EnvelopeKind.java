package io.crashfree.loadgen.workload;

/**
 * Which envelopes a run sends.
 */
public enum EnvelopeKind
{
    /** Individual {@code session} updates, one per envelope, as the SDKs send them. */
    SESSION,
    /** {@code sessions} aggregate envelopes (server mode), each with up to 100 entries. */
    SESSIONS,
    /** Both, a share of the envelopes being aggregates. */
    MIX;

    /**
     * @param text {@code session}, {@code sessions} or {@code mix}.
     * @return the kind, or null when the text is none of them.
     */
    public static EnvelopeKind parse(final String text)
    {
        switch (text)
        {
            case "session":
                return SESSION;
            case "sessions":
                return SESSIONS;
            case "mix":
                return MIX;
            default:
                return null;
        }
    }
}
