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
    /** The aggregation side cannot take more data now: the node itself is behind (per request, seconds). */
    public static final Rejection BACK_PRESSURE = new Rejection(503,
        "failed to queue envelope: the node cannot keep up right now, retry shortly", 1, null);
    /** The node cannot write to its disk now (full or failing): nothing was stored, the node says why in its log. */
    public static final Rejection STORAGE_UNAVAILABLE = new Rejection(503,
        "failed to queue envelope: the node cannot write to its disk right now (full or failing), retry later", 10,
        null);
    /** The project holds its share of the node's live memory (its other data is being moved to the store). */
    public static final Rejection PROJECT_LIVE_SHARE = new Rejection(429,
        "project rate limited: it holds its share of the node's live memory (project.<id>.limits.live.share)", 5,
        "5:session:project:project_quota");
    /** The project holds its limit of releases and environments. */
    public static final Rejection PROJECT_NAMES = new Rejection(429,
        "project rate limited: it holds its limit of releases and environments (project.<id>.limits.names)", 60,
        "60:session:project:project_quota");
    /** The project used its exactly-once entries for the day. */
    public static final Rejection PROJECT_EXACTLY_ONCE = new Rejection(429,
        "project rate limited: it used its crashed and errored sessions for the day " +
            "(project.<id>.limits.exactly.once.per.day)", 60, "60:session:project:project_quota");
    /** The public key sends sessions faster than its project allows. */
    public static final Rejection KEY_RATE = new Rejection(429,
        "key rate limited: more sessions per second than project.<id>.limits.key.sessions.per.second", 1,
        "1:session:key:key_quota");

    private final int status;
    private final String detail;
    private final int retryAfterSeconds;
    private final String rateLimits;

    /**
     * @param status HTTP status code.
     * @param detail human-readable text that names the problem.
     */
    public Rejection(final int status, final String detail)
    {
        this(status, detail, 0, null);
    }

    /**
     * @param status            HTTP status code.
     * @param detail            human-readable text that names the problem.
     * @param retryAfterSeconds the {@code Retry-After} answer header, 0 = none.
     * @param rateLimits        the {@code X-Sentry-Rate-Limits} header ({@code retry:categories:scope:reason}, as
     *                          Relay writes it), or null.
     */
    public Rejection(final int status, final String detail, final int retryAfterSeconds, final String rateLimits)
    {
        this.status = status;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
        this.rateLimits = rateLimits;
    }

    /** @return the {@code Retry-After} seconds, 0 for none. */
    public int retryAfterSeconds()
    {
        return retryAfterSeconds;
    }

    /** @return the {@code X-Sentry-Rate-Limits} value, or null. */
    public String rateLimits()
    {
        return rateLimits;
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
