package io.crashfree.bench.report;

import io.crashfree.bench.soak.SoakResult;

/** Lets the soak's test render the report section (package-private) from its own result. */
public final class SoakSectionAccess
{
    private SoakSectionAccess()
    {
    }

    /**
     * @param r a finished soak.
     * @return the section's Markdown.
     */
    public static String render(final SoakResult r)
    {
        return SoakSection.render(r);
    }
}
