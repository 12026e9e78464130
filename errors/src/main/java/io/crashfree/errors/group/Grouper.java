package io.crashfree.errors.group;

import io.crashfree.errors.event.EventSummary;
import io.crashfree.errors.event.ExceptionValue;
import io.crashfree.errors.event.Frame;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Groups events into issues as Sentry's defaults do (the facts from Sentry's grouping documentation, rewritten):
 * <ol>
 *   <li>an explicit {@code fingerprint} wins; its {@code {{ default }}} entry stands for the default grouping below;</li>
 *   <li>else the exception chain: each exception's type and its stack frames, only the in-app frames when the event
 *   has any (a library's frames then do not split or merge issues), each frame by its module (else file name) and
 *   function, never by line number; an exception without frames adds its value instead;</li>
 *   <li>else the message template ({@code logentry.message}, before its parameters are filled in), else the formatted
 *   message;</li>
 *   <li>else one {@code fallback} group.</li>
 * </ol>
 * The hash is the MD5 of the components (as Sentry's hashes are), so it is stable across nodes and restarts.
 * Thread-safe.
 */
public final class Grouper
{
    private static final int TITLE_MAX = 200;

    private Grouper()
    {
    }

    /**
     * @param event the event.
     * @return its grouping.
     */
    public static Grouping group(final EventSummary event)
    {
        final List<String> components = new ArrayList<>();
        final String variant;
        final List<String> fingerprint = event.fingerprint();
        if (fingerprint != null && !fingerprint.isEmpty())
        {
            variant = "fingerprint";
            for (final String entry : fingerprint)
            {
                if (isDefaultMarker(entry))
                {
                    components.add("{{ default }}");
                    components.addAll(defaultComponents(event));
                }
                else
                {
                    components.add("fingerprint:" + entry);
                }
            }
        }
        else
        {
            final List<String> defaults = defaultComponents(event);
            variant = defaults.isEmpty() ? "fallback" : defaults.get(0).startsWith("message:") ? "message" :
                "exception";
            components.addAll(defaults);
        }
        return new Grouping(md5(components), variant, List.copyOf(components), title(event), culprit(event),
            inAppFiles(event));
    }

    private static boolean isDefaultMarker(final String entry)
    {
        return entry.replace(" ", "").equals("{{default}}");
    }

    private static List<String> defaultComponents(final EventSummary event)
    {
        final List<String> components = new ArrayList<>();
        if (!event.exceptions().isEmpty())
        {
            final boolean inAppOnly = event.hasInAppFrames();
            for (final ExceptionValue e : event.exceptions())
            {
                components.add("type:" + (e.type() == null ? "" : e.type()));
                int frames = 0;
                for (final Frame f : e.frames())
                {
                    if (inAppOnly && !f.isInApp())
                    {
                        continue;
                    }
                    components.add("frame:" + nullToEmpty(f.location()) + ":" + nullToEmpty(f.function()));
                    frames++;
                }
                if (frames == 0 && e.value() != null)
                {
                    components.add("value:" + e.value());
                }
            }
            return components;
        }
        final String message = event.messageTemplate() != null ? event.messageTemplate() : event.messageFormatted();
        if (message != null && !message.isEmpty())
        {
            components.add("message:" + message);
        }
        return components;
    }

    private static String title(final EventSummary event)
    {
        if (!event.exceptions().isEmpty())
        {
            // the protocol orders the chain oldest cause first: the last one is what was thrown at the top
            final ExceptionValue top = event.exceptions().get(event.exceptions().size() - 1);
            final String type = top.type() == null ? "Error" : top.type();
            return truncate(top.value() == null || top.value().isEmpty() ? type : type + ": " + firstLine(top.value()));
        }
        final String message = event.messageFormatted() != null ? event.messageFormatted() : event.messageTemplate();
        return message == null || message.isEmpty() ? "<unlabeled event>" : truncate(firstLine(message));
    }

    /** Sentry's culprit: the transaction when there is one, else the innermost in-app frame (else innermost frame). */
    private static String culprit(final EventSummary event)
    {
        if (event.transaction() != null && !event.transaction().isEmpty())
        {
            return event.transaction();
        }
        if (event.culprit() != null && !event.culprit().isEmpty())
        {
            return event.culprit();
        }
        Frame innermost = null;
        final boolean inAppOnly = event.hasInAppFrames();
        for (final ExceptionValue e : event.exceptions())
        {
            for (final Frame f : e.frames())
            {
                if (!inAppOnly || f.isInApp())
                {
                    innermost = f;
                }
            }
        }
        if (innermost == null)
        {
            return null;
        }
        final String where = innermost.location();
        final String function = innermost.function();
        return where == null ? function : function == null ? where : where + " in " + function;
    }

    private static List<String> inAppFiles(final EventSummary event)
    {
        final Set<String> files = new LinkedHashSet<>();
        for (final ExceptionValue e : event.exceptions())
        {
            for (final Frame f : e.frames())
            {
                if (f.isInApp())
                {
                    if (f.filename() != null && !f.filename().isEmpty())
                    {
                        files.add(f.filename());
                    }
                    if (f.absPath() != null && !f.absPath().isEmpty())
                    {
                        files.add(f.absPath());
                    }
                }
            }
        }
        return List.copyOf(files);
    }

    private static String firstLine(final String text)
    {
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String truncate(final String text)
    {
        return text.length() <= TITLE_MAX ? text : text.substring(0, TITLE_MAX - 1) + "…";
    }

    private static String nullToEmpty(final String s)
    {
        return s == null ? "" : s;
    }

    private static String md5(final List<String> components)
    {
        try
        {
            final MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (final String c : components)
            {
                md5.update(c.getBytes(StandardCharsets.UTF_8));
                md5.update((byte)'\n');
            }
            return HexFormat.of().formatHex(md5.digest()).toLowerCase(Locale.ROOT);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JVM has MD5", ex);
        }
    }
}
