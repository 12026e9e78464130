package io.crashfree.errors.resolve;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The issues a commit message resolves, in Sentry's words: {@code fix}, {@code fixes}, {@code fixed}, {@code close},
 * {@code closes}, {@code closed}, {@code resolve}, {@code resolves}, {@code resolved}, in any case, followed by an
 * issue's short id ({@code <PROJECT>-<n>}, e.g. {@code Fixes CRASHFREE-12}); every such pair in the message counts.
 * A short id without one of those words before it ("see CRASHFREE-12") resolves nothing. Thread-safe.
 */
public final class CommitResolutions
{
    private static final Pattern RESOLVES = Pattern.compile(
        "\\b(?:fix|fixes|fixed|close|closes|closed|resolve|resolves|resolved)[:\\s]+([A-Za-z0-9][A-Za-z0-9_-]*-[0-9]+)\\b",
        Pattern.CASE_INSENSITIVE);

    private CommitResolutions()
    {
    }

    /**
     * @param message a commit message (any number of lines), or null.
     * @return the short ids it resolves, upper case, in the order they appear.
     */
    public static Set<String> shortIds(final String message)
    {
        final Set<String> ids = new LinkedHashSet<>();
        if (message == null)
        {
            return ids;
        }
        final Matcher m = RESOLVES.matcher(message);
        while (m.find())
        {
            ids.add(m.group(1).toUpperCase(Locale.ROOT));
        }
        return ids;
    }
}
