package io.crashfree.errors.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an error event's JSON (an envelope's {@code event} item, or a {@code /store/} body) with the streaming parser,
 * keeping only what grouping and release health need ({@link EventSummary}) and skipping every other subtree without
 * building it: breadcrumbs, contexts, request bodies and the rest cost a pass of the tokenizer, nothing more.
 * <p>
 * Accepts what SDKs send: {@code exception} as {@code {"values": [...]}} or as a bare array; {@code message} as a
 * string or as {@code {"message", "formatted"}}; {@code logentry} (or the legacy {@code sentry.interfaces.Message});
 * {@code fingerprint} as an array of strings (numbers are taken as text). Thread-safe: no state between calls.
 */
public final class EventReader
{
    private static final JsonFactory JSON = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
        .build();
    /** The most exceptions and frames kept per event (Sentry trims frames past 250 too). */
    private static final int MAX_EXCEPTIONS = 32;
    private static final int MAX_FRAMES = 250;

    private EventReader()
    {
    }

    /** An event the reader cannot use: not a JSON object, or malformed. */
    public static final class MalformedEvent extends Exception
    {
        private static final long serialVersionUID = 1L;

        MalformedEvent(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    /**
     * @param json   the event's bytes (UTF-8 JSON).
     * @param offset where the event starts.
     * @param length its length.
     * @return what grouping needs of it.
     * @throws MalformedEvent when it is not a JSON object.
     */
    public static EventSummary read(final byte[] json, final int offset, final int length) throws MalformedEvent
    {
        try (JsonParser p = JSON.createParser(json, offset, length))
        {
            if (p.nextToken() != JsonToken.START_OBJECT)
            {
                throw new MalformedEvent("an event must be a JSON object", null);
            }
            return readEvent(p);
        }
        catch (final com.fasterxml.jackson.core.JacksonException ex)
        {
            throw new MalformedEvent("malformed event JSON: " + ex.getOriginalMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new MalformedEvent("malformed event JSON: " + ex.getMessage(), ex);
        }
    }

    private static EventSummary readEvent(final JsonParser p) throws IOException
    {
        String eventId = null;
        String release = null;
        String environment = null;
        String level = null;
        String platform = null;
        List<String> fingerprint = null;
        List<ExceptionValue> exceptions = new ArrayList<>();
        String template = null;
        String formatted = null;
        String culprit = null;
        String transaction = null;
        String user = null;
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            final JsonToken t = p.nextToken();
            switch (field)
            {
                case "event_id" -> eventId = text(p, t);
                case "release" -> release = text(p, t);
                case "environment" -> environment = text(p, t);
                case "level" -> level = text(p, t);
                case "platform" -> platform = text(p, t);
                case "culprit" -> culprit = text(p, t);
                case "transaction" -> transaction = text(p, t);
                case "fingerprint" -> fingerprint = strings(p, t);
                case "exception", "sentry.interfaces.Exception" -> exceptions = exceptions(p, t);
                case "logentry", "sentry.interfaces.Message" ->
                {
                    final String[] m = message(p, t);
                    template = m[0] != null ? m[0] : template;
                    formatted = m[1] != null ? m[1] : formatted;
                }
                case "message" ->
                {
                    final String[] m = message(p, t);
                    // a logentry wins over a plain message
                    template = template != null ? template : m[0];
                    formatted = formatted != null ? formatted : m[1] != null ? m[1] : m[0];
                }
                case "user" -> user = user(p, t);
                default -> p.skipChildren();
            }
        }
        return new EventSummary(eventId, release, environment, level == null ? "error" : level, platform,
            fingerprint, List.copyOf(exceptions), template, formatted, culprit, transaction, user);
    }

    private static List<ExceptionValue> exceptions(final JsonParser p, final JsonToken t) throws IOException
    {
        final List<ExceptionValue> values = new ArrayList<>();
        if (t == JsonToken.START_OBJECT)
        {
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final JsonToken v = p.nextToken();
                if (p.currentName().equals("values") && v == JsonToken.START_ARRAY)
                {
                    readExceptionArray(p, values);
                }
                else
                {
                    p.skipChildren();
                }
            }
        }
        else if (t == JsonToken.START_ARRAY)
        {
            readExceptionArray(p, values);
        }
        else
        {
            p.skipChildren();
        }
        return values;
    }

    private static void readExceptionArray(final JsonParser p, final List<ExceptionValue> values) throws IOException
    {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY)
        {
            if (t != JsonToken.START_OBJECT || values.size() >= MAX_EXCEPTIONS)
            {
                p.skipChildren();
                continue;
            }
            String type = null;
            String value = null;
            String module = null;
            List<Frame> frames = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                final JsonToken v = p.nextToken();
                switch (field)
                {
                    case "type" -> type = text(p, v);
                    case "value" -> value = text(p, v);
                    case "module" -> module = text(p, v);
                    case "stacktrace" -> frames = stacktrace(p, v);
                    default -> p.skipChildren();
                }
            }
            values.add(new ExceptionValue(type, value, module, frames));
        }
    }

    private static List<Frame> stacktrace(final JsonParser p, final JsonToken t) throws IOException
    {
        if (t != JsonToken.START_OBJECT)
        {
            p.skipChildren();
            return List.of();
        }
        final List<Frame> frames = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final JsonToken v = p.nextToken();
            if (!p.currentName().equals("frames") || v != JsonToken.START_ARRAY)
            {
                p.skipChildren();
                continue;
            }
            JsonToken f;
            while ((f = p.nextToken()) != JsonToken.END_ARRAY)
            {
                if (f != JsonToken.START_OBJECT)
                {
                    p.skipChildren();
                    continue;
                }
                final Frame frame = frame(p);
                frames.add(frame);
            }
        }
        // keep the innermost frames (the end of the list, where the exception was thrown) when there are too many
        return frames.size() <= MAX_FRAMES ? List.copyOf(frames) :
            List.copyOf(frames.subList(frames.size() - MAX_FRAMES, frames.size()));
    }

    private static Frame frame(final JsonParser p) throws IOException
    {
        String module = null;
        String function = null;
        String filename = null;
        String absPath = null;
        Boolean inApp = null;
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            final JsonToken v = p.nextToken();
            switch (field)
            {
                case "module" -> module = text(p, v);
                case "function" -> function = text(p, v);
                case "filename" -> filename = text(p, v);
                case "abs_path" -> absPath = text(p, v);
                case "in_app" -> inApp = v == JsonToken.VALUE_TRUE ? Boolean.TRUE :
                    v == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                default -> p.skipChildren();
            }
        }
        return new Frame(module, function, filename, absPath, inApp);
    }

    /** {@code [template, formatted]} of a {@code logentry} object or a plain {@code message} string. */
    private static String[] message(final JsonParser p, final JsonToken t) throws IOException
    {
        final String[] m = new String[2];
        if (t == JsonToken.VALUE_STRING)
        {
            m[0] = p.getText();
            return m;
        }
        if (t != JsonToken.START_OBJECT)
        {
            p.skipChildren();
            return m;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            final JsonToken v = p.nextToken();
            switch (field)
            {
                case "message" -> m[0] = text(p, v);
                case "formatted" -> m[1] = text(p, v);
                default -> p.skipChildren();
            }
        }
        return m;
    }

    private static String user(final JsonParser p, final JsonToken t) throws IOException
    {
        if (t != JsonToken.START_OBJECT)
        {
            p.skipChildren();
            return null;
        }
        String id = null;
        String email = null;
        String username = null;
        String ip = null;
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            final JsonToken v = p.nextToken();
            switch (field)
            {
                case "id" -> id = text(p, v);
                case "email" -> email = text(p, v);
                case "username" -> username = text(p, v);
                case "ip_address" -> ip = text(p, v);
                default -> p.skipChildren();
            }
        }
        return id != null ? "id:" + id : email != null ? "email:" + email : username != null ? "username:" + username :
            ip != null && !ip.equals("{{auto}}") ? "ip:" + ip : null;
    }

    private static List<String> strings(final JsonParser p, final JsonToken t) throws IOException
    {
        if (t != JsonToken.START_ARRAY)
        {
            p.skipChildren();
            return null;
        }
        final List<String> values = new ArrayList<>();
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY)
        {
            final String s = text(p, v);
            if (s != null)
            {
                values.add(s);
            }
        }
        return List.copyOf(values);
    }

    /** A scalar as text (numbers and booleans too, as Sentry coerces them); null for null and containers. */
    private static String text(final JsonParser p, final JsonToken t) throws IOException
    {
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ||
            t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE)
        {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }
}
