package io.crashfree.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a real socket, for tests that need full control of the bytes on the wire
 * (duplicate headers, chunked bodies, pipelining, {@code Connection: close}).
 */
public final class RawHttp implements AutoCloseable
{
    /** A parsed response. */
    public record Response(int status, Map<String, String> headers, String body)
    {
        /** @return the header value (names are lower-cased), or null. */
        public String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /**
     * @param port loopback port.
     */
    public RawHttp(final int port) throws IOException
    {
        this(port, null);
    }

    /**
     * @param port         loopback port.
     * @param localAddress the loopback address to connect from (e.g. {@code 127.0.0.2}, another client), or null.
     */
    public RawHttp(final int port, final String localAddress) throws IOException
    {
        socket = new Socket();
        if (localAddress != null)
        {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 20_000);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /**
     * Builds a request with a Content-Length body.
     *
     * @param method  method.
     * @param target  path and query.
     * @param headers extra header lines ("Name: value").
     * @param body    body bytes, or null.
     * @return the request bytes.
     */
    public static byte[] request(final String method, final String target, final String[] headers, final byte[] body)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (final String h : headers)
        {
            sb.append(h).append("\r\n");
        }
        if (body != null)
        {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null)
        {
            bytes.writeBytes(body);
        }
        return bytes.toByteArray();
    }

    /**
     * Builds a request with a chunked body split into pieces of {@code chunkSize} bytes.
     */
    public static byte[] chunkedRequest(final String target, final String[] headers, final byte[] body,
        final int chunkSize)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("POST ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n");
        for (final String h : headers)
        {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < body.length; i += chunkSize)
        {
            final int n = Math.min(chunkSize, body.length - i);
            bytes.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            bytes.write(body, i, n);
            bytes.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        bytes.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return bytes.toByteArray();
    }

    /** Sends raw bytes. */
    public void send(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /** @return bytes the server sent that can be read without blocking. */
    public int available() throws IOException
    {
        return in.available();
    }

    /** Reads one response (Content-Length framed, as the node always answers). */
    public Response read() throws IOException
    {
        final String statusLine = readLine();
        if (statusLine == null)
        {
            throw new IOException("connection closed before a response");
        }
        final int status = Integer.parseInt(statusLine.split(" ")[1]);
        final Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty())
        {
            final int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        final int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        final byte[] body = in.readNBytes(length);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Sends a request and reads its response. */
    public Response exchange(final byte[] request) throws IOException
    {
        send(request);
        return read();
    }

    /** @return whether the server closed the connection (reads EOF within the socket timeout). */
    public boolean isClosedByServer() throws IOException
    {
        try
        {
            return in.read() < 0;
        }
        catch (final java.net.SocketException ex)
        {
            return true;
        }
    }

    private String readLine() throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0)
        {
            if (c == '\n')
            {
                final int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char)c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
