package io.crashfree.errors.event;

import java.util.List;

/**
 * What the node keeps of an error event: enough to group it, count it per release and name its suspects. Everything
 * else stays in the payload forwarded upstream.
 *
 * @param eventId         the event's id (32 hex characters), or {@code null}
 * @param release         the release, or {@code null}
 * @param environment     the environment, or {@code null}
 * @param level           {@code fatal}, {@code error}, {@code warning}, {@code info}, {@code debug}; {@code error}
 *                        when absent
 * @param platform        the platform, or {@code null}
 * @param fingerprint     the explicit fingerprint, or {@code null} when the event has none
 * @param exceptions      the exception chain, possibly empty
 * @param messageTemplate the message before formatting ({@code logentry.message}), or {@code null}
 * @param messageFormatted the message as shown ({@code logentry.formatted}, or a plain {@code message}), or
 *                        {@code null}
 * @param culprit         the SDK's culprit, or {@code null}
 * @param transaction     the transaction, or {@code null}
 * @param user            who the event happened to ({@code user.id}, else email, username, IP address), or
 *                        {@code null}
 */
public record EventSummary(String eventId, String release, String environment, String level, String platform,
    List<String> fingerprint, List<ExceptionValue> exceptions, String messageTemplate, String messageFormatted,
    String culprit, String transaction, String user)
{
    /** @return whether any frame of any exception is marked in-app. */
    public boolean hasInAppFrames()
    {
        for (final ExceptionValue e : exceptions)
        {
            for (final Frame f : e.frames())
            {
                if (f.isInApp())
                {
                    return true;
                }
            }
        }
        return false;
    }
}
