package io.crashfree.errors.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventReaderTest
{
    @Test
    void shouldReadWhatGroupingNeedsAndSkipTheRest() throws Exception
    {
        final EventSummary e = read("{\"event_id\":\"0123456789abcdef0123456789abcdef\",\"level\":\"fatal\"," +
            "\"breadcrumbs\":{\"values\":[{\"message\":\"x\",\"data\":{\"deep\":[1,2,{\"a\":null}]}}]}," +
            "\"release\":\"app@1.2\",\"environment\":\"production\",\"platform\":\"java\"," +
            "\"user\":{\"email\":\"u@example.com\",\"ip_address\":\"{{auto}}\"},\"fingerprint\":[\"a\",7]," +
            "\"exception\":{\"values\":[{\"type\":\"Cause\",\"value\":\"root\"},{\"type\":\"Top\",\"module\":\"m\"," +
            "\"stacktrace\":{\"frames\":[{\"function\":\"main\",\"in_app\":false,\"vars\":{\"x\":1}}," +
            "{\"module\":\"com.acme.A\",\"function\":\"run\",\"filename\":\"A.java\",\"lineno\":3,\"in_app\":true}]}}]}," +
            "\"contexts\":{\"os\":{\"name\":\"Linux\"}},\"logentry\":{\"message\":\"t %s\",\"formatted\":\"t 1\"}}");
        assertEquals("0123456789abcdef0123456789abcdef", e.eventId());
        assertEquals("fatal", e.level());
        assertEquals("app@1.2", e.release());
        assertEquals("production", e.environment());
        assertEquals("email:u@example.com", e.user());
        assertEquals(List.of("a", "7"), e.fingerprint());
        assertEquals(2, e.exceptions().size());
        assertEquals("Top", e.exceptions().get(1).type());
        assertEquals(new Frame("com.acme.A", "run", "A.java", null, true), e.exceptions().get(1).frames().get(1));
        assertTrue(e.hasInAppFrames());
        assertEquals("t %s", e.messageTemplate());
        assertEquals("t 1", e.messageFormatted());
    }

    @Test
    void shouldAcceptTheLegacyShapes() throws Exception
    {
        final EventSummary e = read("{\"exception\":[{\"type\":\"E\"}],\"message\":{\"message\":\"m\"}}");
        assertEquals("E", e.exceptions().get(0).type());
        assertEquals("m", e.messageTemplate());
        assertEquals("error", e.level(), "error when absent");
        assertNull(e.fingerprint());
        assertNull(e.user());
    }

    @Test
    void shouldRefuseWhatIsNotAnObject()
    {
        assertThrows(EventReader.MalformedEvent.class, () -> read("[1,2]"));
        assertThrows(EventReader.MalformedEvent.class, () -> read("{\"release\":"));
        assertThrows(EventReader.MalformedEvent.class, () -> read("not json"));
    }

    private static EventSummary read(final String json) throws EventReader.MalformedEvent
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return EventReader.read(bytes, 0, bytes.length);
    }
}
