package io.crashfree.errors.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Walks the items of an envelope as it was spooled (off the event loops): each item's type and payload range.
 * The edge validated the framing before spooling, so a malformed item here ends the walk quietly.
 */
public final class EnvelopeItems
{
    /** Receives one item. */
    @FunctionalInterface
    public interface ItemVisitor
    {
        /**
         * @param type          the item header's {@code type}.
         * @param buf           the envelope bytes.
         * @param payloadOffset first payload byte.
         * @param payloadLength payload bytes.
         */
        void onItem(String type, byte[] buf, int payloadOffset, int payloadLength);
    }

    private static final JsonFactory JSON = new JsonFactory();

    private EnvelopeItems()
    {
    }

    /**
     * @param buf     envelope bytes.
     * @param offset  first byte.
     * @param length  bytes.
     * @param visitor called per item, in order.
     */
    public static void forEach(final byte[] buf, final int offset, final int length, final ItemVisitor visitor)
    {
        final int end = offset + length;
        int pos = lineEnd(buf, offset, end) + 1; // past the envelope header
        while (pos < end)
        {
            if (buf[pos] == '\n')
            {
                pos++;
                continue;
            }
            final int headerEnd = lineEnd(buf, pos, end);
            String type = null;
            long itemLength = -1;
            try (JsonParser p = JSON.createParser(buf, pos, headerEnd - pos))
            {
                if (p.nextToken() != JsonToken.START_OBJECT)
                {
                    return;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String name = p.currentName();
                    final JsonToken t = p.nextToken();
                    if (name.equals("type") && t == JsonToken.VALUE_STRING)
                    {
                        type = p.getText();
                    }
                    else if (name.equals("length") && t == JsonToken.VALUE_NUMBER_INT)
                    {
                        itemLength = p.getLongValue();
                    }
                    else
                    {
                        p.skipChildren();
                    }
                }
            }
            catch (final IOException ex)
            {
                return;
            }
            final int payloadStart = Math.min(headerEnd + 1, end);
            final int payloadEnd;
            if (itemLength >= 0)
            {
                if (itemLength > end - payloadStart)
                {
                    return;
                }
                payloadEnd = payloadStart + (int)itemLength;
                pos = payloadEnd < end && buf[payloadEnd] == '\n' ? payloadEnd + 1 : payloadEnd;
            }
            else
            {
                payloadEnd = lineEnd(buf, payloadStart, end);
                pos = payloadEnd + 1;
            }
            if (type != null)
            {
                visitor.onItem(type, buf, payloadStart, payloadEnd - payloadStart);
            }
        }
    }

    /**
     * The rate-limit data category of an item type, as Relay names them ({@code X-Sentry-Rate-Limits}).
     *
     * @param itemType an envelope item type.
     * @return its category.
     */
    public static String category(final String itemType)
    {
        return switch (itemType)
        {
            case "event" -> "error";
            case "transaction" -> "transaction";
            case "attachment" -> "attachment";
            case "profile", "profile_chunk" -> "profile";
            case "replay_event", "replay_recording", "replay_video" -> "replay";
            case "check_in" -> "monitor";
            case "span", "otel_span" -> "span";
            case "log", "otel_log" -> "log_item";
            case "user_report", "feedback" -> "user_report_v2";
            case "client_report" -> "internal";
            case "statsd", "metric_buckets" -> "metric_bucket";
            case "security" -> "security";
            default -> "default";
        };
    }

    private static int lineEnd(final byte[] buf, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            if (buf[i] == '\n')
            {
                return i;
            }
        }
        return end;
    }
}
