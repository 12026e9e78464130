package io.crashfree.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds envelopes and compressed bodies for tests.
 */
public final class Envelopes
{
    /** A typical single-session envelope like the Java SDK's (about 550 bytes). */
    public static final String JAVA_SESSION = "{\"sdk\":{\"name\":\"sentry.java\",\"version\":\"8.63.0\",\"packages\":" +
        "[{\"name\":\"maven:io.sentry:sentry\",\"version\":\"8.63.0\"}],\"integrations\":[\"UncaughtExceptionHandler\"," +
        "\"ShutdownHook\"]},\"sent_at\":\"2026-11-25T11:28:35.246Z\"}\n" +
        "{\"content_type\":\"application/json\",\"type\":\"session\",\"length\":239}\n" +
        "{\"sid\":\"7751317762724069a05d82866b88741a\",\"did\":\"java-user-0\",\"init\":true," +
        "\"started\":\"2026-11-25T11:28:35.179Z\",\"status\":\"ok\",\"errors\":0," +
        "\"timestamp\":\"2026-11-25T11:28:35.179Z\",\"attrs\":{\"release\":\"java-app@1.1.0\"," +
        "\"environment\":\"production\"}}\n";

    private Envelopes()
    {
    }

    /** @return a session payload with the given fields spliced in. */
    public static String session(final String sid, final String status, final boolean init, final String release)
    {
        return "{\"sid\":\"" + sid + "\",\"did\":\"user-" + sid + "\",\"init\":" + init +
            ",\"started\":\"2026-11-25T11:28:35.179Z\",\"status\":\"" + status + "\",\"errors\":0," +
            "\"attrs\":{\"release\":\"" + release + "\",\"environment\":\"production\"}}";
    }

    /** @return an envelope of {@code n} session items without {@code length}. */
    public static String sessions(final int n)
    {
        final StringBuilder sb = new StringBuilder("{}\n");
        for (int i = 0; i < n; i++)
        {
            sb.append("{\"type\":\"session\"}\n").append(session("s" + i, "ok", true, "app@1.0")).append('\n');
        }
        return sb.toString();
    }

    /** @return UTF-8 bytes. */
    public static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** @return gzip of the bytes. */
    public static byte[] gzip(final byte[] data)
    {
        final ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bos))
        {
            out.write(data);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bos.toByteArray();
    }

    /** @return zlib-wrapped deflate of the bytes. */
    public static byte[] deflate(final byte[] data, final boolean raw)
    {
        final ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bos, new Deflater(Deflater.DEFAULT_COMPRESSION, raw)))
        {
            out.write(data);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bos.toByteArray();
    }

    /** @return a gzip stream that inflates to {@code size} zero bytes (a decompression bomb). */
    public static byte[] gzipBomb(final int size)
    {
        final ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bos))
        {
            final byte[] zeros = new byte[1 << 16];
            for (int written = 0; written < size; written += zeros.length)
            {
                out.write(zeros);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bos.toByteArray();
    }
}
