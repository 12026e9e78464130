package io.crashfree.releases.registry;

/**
 * The answer to a registry request: an outcome, the value on success, and on failure a {@code detail} naming the
 * problem and the value (what a handler puts in {@code {"detail": …}}).
 *
 * @param outcome what the request came to
 * @param value the value on success, or {@code null}
 * @param detail the problem on failure, or {@code null}
 * @param <T> the value's type
 */
public record RegistryResult<T>(Outcome outcome, T value, String detail)
{

    /**
     * A success.
     *
     * @param outcome a success outcome
     * @param value the value
     * @param <T> the value's type
     * @return the result
     */
    public static <T> RegistryResult<T> of(Outcome outcome, T value)
    {
        return new RegistryResult<>(outcome, value, null);
    }

    /**
     * A failure.
     *
     * @param outcome a failure outcome
     * @param detail the problem, naming the thing and the value
     * @param <T> the value's type
     * @return the result
     */
    public static <T> RegistryResult<T> failed(Outcome outcome, String detail)
    {
        return new RegistryResult<>(outcome, null, detail);
    }

    /**
     * The HTTP status for this result.
     *
     * @return the outcome's status
     */
    public int status()
    {
        return outcome.httpStatus();
    }

    /**
     * Whether the request succeeded.
     *
     * @return true below 400
     */
    public boolean isSuccess()
    {
        return outcome.isSuccess();
    }

    /**
     * This failure as a result of another value type.
     *
     * @param <U> the other type
     * @return the same outcome and detail
     */
    @SuppressWarnings("unchecked")
    public <U> RegistryResult<U> asFailure()
    {
        return (RegistryResult<U>) this;
    }
}
