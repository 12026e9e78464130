package io.crashfree.loadgen.verify;

/**
 * One value the node answered differently from the ground truth, by more than allowed.
 *
 * @param project     project id.
 * @param release     release.
 * @param environment environment, or null.
 * @param status      {@code session.status} group, or null for the whole (release, environment) pair.
 * @param field       {@code sum(session)} or {@code count_unique(user)}.
 * @param expected    the ground truth.
 * @param actual      the node's answer.
 * @param allowed     the margin allowed (sessions in doubt, sketch error).
 */
public record Difference(long project, String release, String environment, String status, String field, double expected,
    double actual, double allowed)
{
    @Override
    public String toString()
    {
        return "project=" + project + " release=" + release + " environment=" + (environment == null ? "(none)" : environment) +
            (status == null ? "" : " session.status=" + status) + " " + field + ": expected " + number(expected) +
            ", node answered " + number(actual) + (allowed > 0 ? " (allowed ±" + number(allowed) + ")" : "");
    }

    static String number(final double v)
    {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long)v) : Double.toString(v);
    }
}
