package io.crashfree.edge.ingest;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses request bodies ({@code gzip}, {@code deflate}, {@code br}, {@code zstd}) into a reusable output array
 * with a hard limit on the decompressed size, so a decompression bomb stops at the limit and never exhausts memory.
 * <p>
 * gzip and deflate (what SDKs send) run on reused {@link Inflater}s and allocate nothing after warm-up; the gzip
 * framing (header, CRC-32, size trailer) is checked here. {@code br} and {@code zstd} are rarer and go through their
 * libraries' streams. One instance per event-loop thread.
 */
public final class BodyDecompressor
{
    /** No {@code Content-Encoding}, or {@code identity}. */
    public static final int IDENTITY = 0;
    /** {@code gzip} (also {@code x-gzip}). */
    public static final int GZIP = 1;
    /** {@code deflate}: zlib-wrapped, or raw deflate as some clients send it. */
    public static final int DEFLATE = 2;
    /** {@code br}. */
    public static final int BROTLI = 3;
    /** {@code zstd}. */
    public static final int ZSTD = 4;
    /** Anything else: rejected with {@code 400}. */
    public static final int UNSUPPORTED = -1;

    private static final int INITIAL_OUTPUT_BYTES = 64 * 1024;

    private final int maxDecompressedBytes;
    private final Inflater rawInflater = new Inflater(true);
    private final Inflater zlibInflater = new Inflater(false);
    private final CRC32 crc = new CRC32();
    private byte[] output = new byte[INITIAL_OUTPUT_BYTES];
    private int outputLength;

    /**
     * @param maxDecompressedBytes the largest decompressed body accepted ({@code limits.body.decompressed.max.bytes}).
     */
    public BodyDecompressor(final int maxDecompressedBytes)
    {
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /**
     * Maps a {@code Content-Encoding} header value to an encoding constant.
     *
     * @param value the header value, or null.
     * @return one of the constants; {@link #UNSUPPORTED} for unknown encodings.
     */
    public static int encodingOf(final CharSequence value)
    {
        if (value == null)
        {
            return IDENTITY;
        }
        final String v = value.toString().trim();
        if (v.isEmpty() || v.equalsIgnoreCase("identity"))
        {
            return IDENTITY;
        }
        if (v.equalsIgnoreCase("gzip") || v.equalsIgnoreCase("x-gzip"))
        {
            return GZIP;
        }
        if (v.equalsIgnoreCase("deflate"))
        {
            return DEFLATE;
        }
        if (v.equalsIgnoreCase("br"))
        {
            return BROTLI;
        }
        if (v.equalsIgnoreCase("zstd"))
        {
            return ZSTD;
        }
        return UNSUPPORTED;
    }

    /** @return the array holding the last decompressed body at {@code [0, outputLength())}. */
    public byte[] output()
    {
        return output;
    }

    /** @return the length of the last decompressed body. */
    public int outputLength()
    {
        return outputLength;
    }

    /**
     * Decompresses {@code src[offset, offset + length)}.
     *
     * @param encoding one of the encoding constants other than {@link #IDENTITY}.
     * @param src      compressed bytes.
     * @param offset   first byte.
     * @param length   number of bytes.
     * @return null on success (see {@link #output()}), else a {@code 400} or {@code 413} rejection.
     */
    public Rejection tryDecompress(final int encoding, final byte[] src, final int offset, final int length)
    {
        outputLength = 0;
        switch (encoding)
        {
            case GZIP:
                return gunzip(src, offset, length);
            case DEFLATE:
                return inflateDeflate(src, offset, length);
            case BROTLI:
                return readStream("br", () -> brotli(src, offset, length));
            case ZSTD:
                return readStream("zstd", () -> new ZstdInputStreamNoFinalizer(
                    new ByteArrayInputStream(src, offset, length)));
            default:
                return new Rejection(400, "unsupported Content-Encoding");
        }
    }

    private Rejection gunzip(final byte[] src, final int offset, final int length)
    {
        final int end = offset + length;
        int pos = offset;
        boolean first = true;
        while (pos < end)
        {
            if (!first && allZero(src, pos, end))
            {
                break; // padding after the last member
            }
            first = false;
            if (end - pos < 10)
            {
                return corrupt("gzip", "truncated gzip header");
            }
            if ((src[pos] & 0xFF) != 0x1F || (src[pos + 1] & 0xFF) != 0x8B || src[pos + 2] != 8)
            {
                return corrupt("gzip", "not a gzip stream");
            }
            final int flags = src[pos + 3] & 0xFF;
            pos += 10;
            if ((flags & 0x04) != 0) // FEXTRA
            {
                if (end - pos < 2)
                {
                    return corrupt("gzip", "truncated gzip header");
                }
                pos += 2 + ((src[pos] & 0xFF) | (src[pos + 1] & 0xFF) << 8);
            }
            if ((flags & 0x08) != 0) // FNAME
            {
                pos = skipZeroTerminated(src, pos, end);
            }
            if ((flags & 0x10) != 0) // FCOMMENT
            {
                pos = skipZeroTerminated(src, pos, end);
            }
            if ((flags & 0x02) != 0) // FHCRC
            {
                pos += 2;
            }
            if (pos >= end)
            {
                return corrupt("gzip", "truncated gzip stream");
            }

            final int memberStart = outputLength;
            rawInflater.reset();
            rawInflater.setInput(src, pos, end - pos);
            final Rejection r = inflateAll(rawInflater, "gzip");
            if (r != null)
            {
                return r;
            }
            pos = end - rawInflater.getRemaining();
            if (end - pos < 8)
            {
                return corrupt("gzip", "truncated gzip trailer");
            }
            crc.reset();
            crc.update(output, memberStart, outputLength - memberStart);
            if ((int)crc.getValue() != readIntLe(src, pos) || outputLength - memberStart != readIntLe(src, pos + 4))
            {
                return corrupt("gzip", "gzip checksum or size mismatch");
            }
            pos += 8;
        }
        return null;
    }

    private Rejection inflateDeflate(final byte[] src, final int offset, final int length)
    {
        final boolean zlib = length >= 2 && (src[offset] & 0x0F) == 8 &&
            (((src[offset] & 0xFF) << 8) | (src[offset + 1] & 0xFF)) % 31 == 0;
        final Inflater inflater = zlib ? zlibInflater : rawInflater;
        inflater.reset();
        inflater.setInput(src, offset, length);
        return inflateAll(inflater, "deflate");
    }

    private Rejection inflateAll(final Inflater inflater, final String name)
    {
        try
        {
            while (!inflater.finished())
            {
                if (outputLength == output.length && !grow())
                {
                    return tooLarge();
                }
                final int n = inflater.inflate(output, outputLength, output.length - outputLength);
                outputLength += n;
                if (n == 0)
                {
                    if (inflater.needsInput())
                    {
                        return corrupt(name, "truncated " + name + " stream");
                    }
                    if (inflater.needsDictionary())
                    {
                        return corrupt(name, name + " stream needs a preset dictionary");
                    }
                }
            }
            return null;
        }
        catch (final DataFormatException ex)
        {
            return corrupt(name, "corrupt " + name + " stream: " + ex.getMessage());
        }
    }

    /** A stream factory that may throw, for the library-backed encodings. */
    @FunctionalInterface
    private interface StreamOpener
    {
        InputStream open() throws IOException;
    }

    private Rejection readStream(final String name, final StreamOpener opener)
    {
        try (InputStream in = opener.open())
        {
            while (true)
            {
                if (outputLength == output.length && !grow())
                {
                    // One more byte would prove it is over the limit; a full buffer at the limit may be exact.
                    if (in.read() < 0)
                    {
                        return null;
                    }
                    return tooLarge();
                }
                final int n = in.read(output, outputLength, output.length - outputLength);
                if (n < 0)
                {
                    return null;
                }
                outputLength += n;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return corrupt(name, "corrupt " + name + " stream: " + ex.getMessage());
        }
    }

    private static InputStream brotli(final byte[] src, final int offset, final int length) throws IOException
    {
        Brotli4jLoader.ensureAvailability();
        return new BrotliInputStream(new ByteArrayInputStream(src, offset, length));
    }

    private boolean grow()
    {
        if (output.length >= maxDecompressedBytes)
        {
            return false;
        }
        final int newLength = (int)Math.min((long)output.length * 2, maxDecompressedBytes);
        final byte[] bigger = new byte[newLength];
        System.arraycopy(output, 0, bigger, 0, outputLength);
        output = bigger;
        return true;
    }

    private Rejection tooLarge()
    {
        return new Rejection(413, "decompressed body is larger than " + maxDecompressedBytes +
            " bytes (limits.body.decompressed.max.bytes)");
    }

    private static Rejection corrupt(final String name, final String what)
    {
        return new Rejection(400, "cannot decode Content-Encoding " + name + ": " + what);
    }

    private static int skipZeroTerminated(final byte[] src, final int from, final int end)
    {
        int i = from;
        while (i < end && src[i] != 0)
        {
            i++;
        }
        return i + 1;
    }

    private static boolean allZero(final byte[] src, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            if (src[i] != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static int readIntLe(final byte[] b, final int i)
    {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }
}
