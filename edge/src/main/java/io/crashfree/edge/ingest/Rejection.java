package io.crashfree.edge.ingest;

/**
 * Why a request was refused: the HTTP status and the {@code detail} text of the JSON error body.
 * <p>
 * Created only on the failure path; the common rejections are shared constants.
 */
public final class Rejection
{
    /** No auth in any of the places the protocol allows. */
    public static final Rejection MISSING_AUTH = new Rejection(401, "missing authorization information");
    /** Auth in more than one place, or the same place twice. */
    public static final Rejection MULTIPLE_AUTH = new Rejection(401, "multiple authorization payloads detected");
    /** An {@code X-Sentry-Auth} (or {@code Authorization: Sentry}) header without a usable {@code sentry_key}. */
    public static final Rejection BAD_AUTH_HEADER = new Rejection(401, "bad x-sentry-auth header");
    /** A public key that is not 32 hex characters. */
    public static final Rejection BAD_PUBLIC_KEY = new Rejection(400, "bad sentry DSN public key");
    /** A project id in the path that is not a positive number. */
    public static final Rejection BAD_PROJECT_PATH = new Rejection(400, "bad project path parameter");
    /** An envelope of zero bytes. */
    public static final Rejection EMPTY_BODY = new Rejection(400, "empty request body");
    /** The aggregation side cannot take more data now. */
    public static final Rejection BACK_PRESSURE = new Rejection(503, "failed to queue envelope");

    private final int status;
    private final String detail;

    /**
     * @param status HTTP status code.
     * @param detail human-readable text that names the problem.
     */
    public Rejection(final int status, final String detail)
    {
        this.status = status;
        this.detail = detail;
    }

    /**
     * @param what what is wrong with the envelope.
     * @return a {@code 400} with Relay's "invalid event envelope" prefix.
     */
    public static Rejection invalidEnvelope(final String what)
    {
        return new Rejection(400, "invalid event envelope: " + what);
    }

    /**
     * @param itemType the item type whose limit was exceeded.
     * @param what     the limit and the value.
     * @return a {@code 413} in Relay's words.
     */
    public static Rejection sizeLimit(final String itemType, final String what)
    {
        return new Rejection(413, "envelope exceeded size limits for type '" + itemType +
            "' (https://develop.sentry.dev/sdk/envelopes/#size-limits): " + what);
    }

    /**
     * @param reason Relay's reason word ({@code ProjectId}, {@code ProjectKey}).
     * @return a {@code 403}.
     */
    public static Rejection rejected(final String reason)
    {
        return new Rejection(403, "event submission rejected with_reason: " + reason);
    }

    /** @return the HTTP status. */
    public int status()
    {
        return status;
    }

    /** @return the {@code detail} text. */
    public String detail()
    {
        return detail;
    }

    @Override
    public String toString()
    {
        return status + " " + detail;
    }
}
