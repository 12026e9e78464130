package io.crashfree.loadgen.http;

import io.crashfree.loadgen.Captures;
import io.crashfree.loadgen.workload.ByteWriter;
import io.crashfree.loadgen.workload.SdkStyle;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP framing against the captured requests: the same headers in the same order, the key where the SDK puts it,
 * {@code Content-Length} or a chunked body.
 */
class RequestFramerTest
{
    @Test
    @SuppressWarnings("unchecked")
    void shouldFrameRequestsAsTheSdksDo() throws Exception
    {
        final Object[][] rows = {
            {"sentry.java.samples.jsonl", 1L, SdkStyle.JAVA, true, true},
            {"sentry.javascript.node.samples.jsonl", 156L, SdkStyle.NODE, false, false},
        };
        for (final Object[] row : rows)
        {
            final Map<String, Object> capture = Captures.load((String)row[0]).get(row[1]);
            final List<String> capturedNames = new ArrayList<>();
            for (final Object h : (List<Object>)capture.get("headers"))
            {
                capturedNames.add(((String)((List<Object>)h).get(0)).toLowerCase(Locale.ROOT));
            }
            final RequestFramer framer = new RequestFramer((SdkStyle)row[2], (Boolean)row[3], (Boolean)row[4],
                "127.0.0.1", 37223, 42, "0123456789abcdef0123456789abcdef");
            final byte[] body = "{}\n".getBytes(StandardCharsets.US_ASCII);
            final ByteWriter out = new ByteWriter(16);
            framer.frame(body, 0, body.length, out);
            final String request = out.toString();
            final int headEnd = request.indexOf("\r\n\r\n");
            final String[] head = request.substring(0, headEnd).split("\r\n");
            final List<String> names = new ArrayList<>();
            for (int i = 1; i < head.length; i++)
            {
                names.add(head[i].substring(0, head[i].indexOf(':')).toLowerCase(Locale.ROOT));
            }
            assertEquals(capturedNames, names, "header names in order: " + row[0]);
            final String target = head[0].split(" ")[1];
            final String query = (String)capture.get("query");
            assertEquals(capture.get("path") + (query.isEmpty() ? "" : "?" + query), target, "request target");
            final String rest = request.substring(headEnd + 4);
            if (names.contains("transfer-encoding"))
            {
                assertEquals("3\r\n{}\n\r\n0\r\n\r\n", rest, "one chunk and the last chunk");
            }
            else
            {
                assertTrue(request.contains("Content-Length: 3\r\n"), request);
                assertEquals("{}\n", rest);
            }
        }
    }
}
