package io.crashfree.errors.group;

import io.crashfree.errors.event.EventReader;
import io.crashfree.errors.event.EventSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Sentry's default grouping as a table: pairs of events that must be one issue, and pairs that must be two. */
class GrouperTest
{
    private static final String APP_FRAME = "{\"module\":\"com.acme.Checkout\",\"function\":\"pay\"," +
        "\"filename\":\"Checkout.java\",\"abs_path\":\"src/main/java/com/acme/Checkout.java\",\"lineno\":%d," +
        "\"in_app\":true}";
    private static final String LIB_FRAME = "{\"module\":\"%s\",\"function\":\"invoke\",\"filename\":\"Lib.java\"," +
        "\"lineno\":%d,\"in_app\":false}";

    static Stream<Arguments> pairs()
    {
        return Stream.of(
            same("the same exception thrown from another line is one issue",
                exception("IllegalStateException", "boom", frames(app(42))),
                exception("IllegalStateException", "boom", frames(app(57)))),
            same("the value (message) of an exception with frames does not split issues",
                exception("IllegalStateException", "order 1 failed", frames(app(42))),
                exception("IllegalStateException", "order 2 failed", frames(app(42)))),
            same("library frames do not split issues when in-app frames exist",
                exception("IllegalStateException", "boom", frames(lib("org.lib.A", 1), app(42))),
                exception("IllegalStateException", "boom", frames(lib("org.lib.B", 9), app(42)))),
            different("different in-app frames are two issues",
                exception("IllegalStateException", "boom", frames(app(42))),
                exception("IllegalStateException", "boom", frames(app(42).replace("\"pay\"", "\"refund\"")))),
            different("different exception types are two issues",
                exception("IllegalStateException", "boom", frames(app(42))),
                exception("NullPointerException", "boom", frames(app(42)))),
            same("an explicit fingerprint wins over different stacks",
                withFingerprint("[\"payment-gateway-down\"]", exception("IOException", "x", frames(app(1)))),
                withFingerprint("[\"payment-gateway-down\"]", exception("TimeoutException", "y", frames(lib("z", 1))))),
            different("different fingerprints are two issues whatever the stack",
                withFingerprint("[\"a\"]", exception("IOException", "x", frames(app(1)))),
                withFingerprint("[\"b\"]", exception("IOException", "x", frames(app(1))))),
            different("{{ default }} plus a value splits the default group",
                withFingerprint("[\"{{ default }}\",\"eu\"]", exception("IOException", "x", frames(app(1)))),
                withFingerprint("[\"{{ default }}\",\"us\"]", exception("IOException", "x", frames(app(1))))),
            same("message-only events group by template, not by the formatted text",
                "{\"logentry\":{\"message\":\"user %s not found\",\"formatted\":\"user 1 not found\"}}",
                "{\"logentry\":{\"message\":\"user %s not found\",\"formatted\":\"user 2 not found\"}}"),
            different("different messages are two issues",
                "{\"message\":\"disk full\"}", "{\"message\":\"disk almost full\"}"),
            different("an exception without frames groups by its value",
                exception("ValueError", "bad a", "[]"), exception("ValueError", "bad b", "[]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void shouldGroupAsSentrysDefaults(final String name, final String a, final String b, final boolean same)
        throws Exception
    {
        final Grouping x = Grouper.group(read(a));
        final Grouping y = Grouper.group(read(b));
        if (same)
        {
            assertEquals(x.hash(), y.hash(), name + ": " + x.components() + " vs " + y.components());
        }
        else
        {
            assertNotEquals(x.hash(), y.hash(), name + ": " + x.components());
        }
    }

    @Test
    void shouldTitleAndBlameTheInnermostInAppFrame() throws Exception
    {
        final Grouping g = Grouper.group(read(exception("IllegalStateException", "card declined\nmore",
            frames(lib("org.lib.A", 1), app(42), lib("org.lib.B", 3)))));
        assertEquals("IllegalStateException: card declined", g.title());
        assertEquals("com.acme.Checkout in pay", g.culprit());
        assertEquals("exception", g.variant());
        assertEquals(List.of("Checkout.java", "src/main/java/com/acme/Checkout.java"), g.inAppFiles());
        assertEquals(32, g.hash().length());

        final Grouping message = Grouper.group(read("{\"message\":\"disk full\",\"transaction\":\"/upload\"}"));
        assertEquals("disk full", message.title());
        assertEquals("/upload", message.culprit());
        assertEquals("message", message.variant());
        assertEquals("fallback", Grouper.group(read("{\"level\":\"info\"}")).variant());
    }

    private static EventSummary read(final String json) throws EventReader.MalformedEvent
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return EventReader.read(bytes, 0, bytes.length);
    }

    private static Arguments same(final String name, final String a, final String b)
    {
        return Arguments.of(name, a, b, true);
    }

    private static Arguments different(final String name, final String a, final String b)
    {
        return Arguments.of(name, a, b, false);
    }

    private static String exception(final String type, final String value, final String frames)
    {
        return "{\"event_id\":\"0123456789abcdef0123456789abcdef\",\"release\":\"app@1.0\",\"exception\":{\"values\":" +
            "[{\"type\":\"" + type + "\",\"value\":\"" + value.replace("\n", "\\n") + "\",\"stacktrace\":{\"frames\":" +
            frames + "}}]}}";
    }

    private static String withFingerprint(final String fingerprint, final String event)
    {
        return "{\"fingerprint\":" + fingerprint + "," + event.substring(1);
    }

    private static String frames(final String... frames)
    {
        return "[" + String.join(",", frames) + "]";
    }

    private static String app(final int line)
    {
        return String.format(APP_FRAME, line);
    }

    private static String lib(final String module, final int line)
    {
        return String.format(LIB_FRAME, module, line);
    }
}
