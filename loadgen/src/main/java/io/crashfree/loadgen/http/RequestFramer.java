package io.crashfree.loadgen.http;

import io.crashfree.loadgen.workload.ByteWriter;
import io.crashfree.loadgen.workload.SdkStyle;

import java.nio.charset.StandardCharsets;

/**
 * Frames an envelope as the SDK's HTTP request, head and body in one byte sequence: the Java SDK's headers in its order
 * ({@code X-Sentry-Auth}, {@code Content-Encoding: gzip}, {@code Content-Type}, {@code Accept}, {@code Connection},
 * {@code Host}, {@code Content-Length}); the Node SDK's key in the query string and a chunked body. The head up to the
 * body's size is built once per run.
 */
public final class RequestFramer
{
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final byte[] head;
    private final boolean chunked;

    /**
     * @param style     the SDK imitated.
     * @param close     {@code Connection: close} instead of keep-alive.
     * @param gzip      whether bodies are gzip-encoded.
     * @param host      host as it goes in the {@code Host} header.
     * @param port      port.
     * @param projectId project id of the path.
     * @param publicKey the DSN's public key.
     */
    public RequestFramer(final SdkStyle style, final boolean close, final boolean gzip, final String host,
        final int port, final long projectId, final String publicKey)
    {
        final String client = style.sdkName() + "/" + style.sdkVersion();
        final String connection = "Connection: " + (close ? "close" : "keep-alive") + "\r\n";
        final String hostHeader = "Host: " + host + ":" + port + "\r\n";
        final String encoding = gzip ? "Content-Encoding: gzip\r\n" : "";
        final StringBuilder h = new StringBuilder(512);
        if (style == SdkStyle.JAVA)
        {
            h.append("POST /api/").append(projectId).append("/envelope/ HTTP/1.1\r\n")
                .append("User-Agent: ").append(client).append("\r\n")
                .append("X-Sentry-Auth: Sentry sentry_version=7,sentry_client=").append(client)
                .append(",sentry_key=").append(publicKey).append("\r\n")
                .append(encoding)
                .append("Content-Type: application/x-sentry-envelope\r\n")
                .append("Accept: application/json\r\n")
                .append(connection)
                .append(hostHeader);
            chunked = false;
        }
        else
        {
            h.append("POST /api/").append(projectId).append("/envelope/?sentry_version=7&sentry_key=")
                .append(publicKey).append("&sentry_client=").append(client.replace("/", "%2F"))
                .append(" HTTP/1.1\r\n")
                .append("user-agent: ").append(client).append("\r\n")
                .append(encoding)
                .append(hostHeader)
                .append(connection)
                .append("Transfer-Encoding: chunked\r\n\r\n");
            chunked = true;
        }
        head = h.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param body   the (possibly gzip-encoded) envelope.
     * @param offset its first byte.
     * @param length its size.
     * @param out    receives the whole request (cleared first).
     */
    public void frame(final byte[] body, final int offset, final int length, final ByteWriter out)
    {
        out.clear();
        out.ensureCapacity(head.length + length + 32);
        out.put(head);
        if (chunked)
        {
            out.putHex(length).put(CRLF).put(body, offset, length).put(LAST_CHUNK);
        }
        else
        {
            out.put(CONTENT_LENGTH).putLong(length).put(CRLF).put(CRLF).put(body, offset, length);
        }
    }
}
