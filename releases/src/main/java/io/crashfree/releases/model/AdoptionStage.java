package io.crashfree.releases.model;

/**
 * A release's adoption in one project and environment, as Sentry records it: when it was first adopted (it had at least
 * {@value #ADOPTION_PERCENT}% of the environment's sessions over the last {@value #WINDOW_HOURS} hours) and when it
 * stopped being adopted.
 *
 * @param project the project's slug
 * @param environment the environment ({@code ""} for sessions without one)
 * @param adoptedMs when it was adopted, or {@code null}
 * @param unadoptedMs when it fell below after being adopted, or {@code null}
 */
public record AdoptionStage(String project, String environment, Long adoptedMs, Long unadoptedMs)
{
    /** The share of an environment's sessions that makes a release adopted. */
    public static final int ADOPTION_PERCENT = 10;
    /** The window the share is taken over. */
    public static final int WINDOW_HOURS = 6;

    /**
     * @return {@code low_adoption} (never adopted), {@code adopted}, or {@code replaced} (adopted, then fell below)
     */
    public String stage()
    {
        if (adoptedMs == null)
        {
            return "low_adoption";
        }
        return unadoptedMs == null ? "adopted" : "replaced";
    }
}
