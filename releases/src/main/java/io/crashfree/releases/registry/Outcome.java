package io.crashfree.releases.registry;

/**
 * What a registry request came to, with the HTTP status a handler answers for it.
 */
public enum Outcome
{
    /** Read or updated. */
    OK(200),
    /** Created. */
    CREATED(201),
    /** Deleted; no body. */
    NO_CONTENT(204),
    /** Asked to create what already exists: not an error, Sentry's {@code 208}. */
    ALREADY_EXISTS(208),
    /** The input is invalid; nothing changed. */
    BAD_REQUEST(400),
    /** No credentials. */
    UNAUTHORIZED(401),
    /** Credentials without the needed scope. */
    FORBIDDEN(403),
    /** The organization, release or repository does not exist. */
    NOT_FOUND(404);

    private final int httpStatus;

    Outcome(int httpStatus)
    {
        this.httpStatus = httpStatus;
    }

    /**
     * The HTTP status for this outcome.
     *
     * @return e.g. 208
     */
    public int httpStatus()
    {
        return httpStatus;
    }

    /**
     * Whether the request succeeded (and its writes, if any, were committed).
     *
     * @return true below 400
     */
    public boolean isSuccess()
    {
        return httpStatus < 400;
    }
}
