package io.crashfree.edge.http;

import io.crashfree.edge.ops.ConnectionMetrics.Malformed;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * What a failed HTTP decode means for the client: the reason it is counted under, the status it is answered with and
 * the {@code detail} that names the problem. Netty's decoder reports a failure as a message whose
 * {@code decoderResult()} failed (a request for a bad head, a last content for a bad chunk) and then discards the
 * connection's input until it closes, so every failure is answered once and the connection closed.
 *
 * @param reason the metric label.
 * @param status {@code 400}, {@code 414}, {@code 431} or {@code 505}.
 * @param detail the {@code detail} of the answer.
 */
record HttpDecodeFailure(Malformed reason, int status, String detail)
{
    /**
     * @param msg       a message whose decode failed.
     * @param maxLineLength   the decoder's request line limit (named in the answer).
     * @param maxHeaderBytes  the decoder's header limit (named in the answer).
     * @return what it means.
     */
    static HttpDecodeFailure of(final HttpObject msg, final int maxLineLength, final int maxHeaderBytes)
    {
        final Throwable cause = msg.decoderResult().cause();
        if (!(msg instanceof HttpRequest))
        {
            if (cause instanceof TooLongHttpHeaderException)
            {
                return new HttpDecodeFailure(Malformed.HEADERS_TOO_LARGE, 431,
                    "chunked body trailers are larger than " + maxHeaderBytes + " bytes");
            }
            return new HttpDecodeFailure(Malformed.BAD_CHUNK, 400,
                "malformed chunked body: " + describe(cause) + "; nothing of the request was stored");
        }
        if (cause instanceof TooLongHttpLineException)
        {
            return new HttpDecodeFailure(Malformed.REQUEST_LINE_TOO_LONG, 414,
                "request line is longer than " + maxLineLength + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException)
        {
            return new HttpDecodeFailure(Malformed.HEADERS_TOO_LARGE, 431,
                "request headers are larger than " + maxHeaderBytes + " bytes");
        }
        if (isVersionProblem(cause))
        {
            return unsupportedVersion(describe(cause));
        }
        return new HttpDecodeFailure(Malformed.BAD_REQUEST, 400, "malformed HTTP request: " + describe(cause));
    }

    /**
     * @param version what the request said.
     * @return the answer to a version other than HTTP/1.x (nginx answers {@code 505} too).
     */
    static HttpDecodeFailure unsupportedVersion(final String version)
    {
        return new HttpDecodeFailure(Malformed.BAD_VERSION, 505,
            "HTTP version not supported: " + version + "; send HTTP/1.1 (or HTTP/1.0)");
    }

    private static boolean isVersionProblem(final Throwable cause)
    {
        // Netty parses the version strictly (HttpVersion.valueOf(text, true)) and reports a bad one only as an
        // IllegalArgumentException with these words; a test pins them (HttpDecodeFailureTest).
        final String m = cause instanceof IllegalArgumentException ? cause.getMessage() : null;
        return m != null && (m.startsWith("invalid version format") || m.startsWith("Invalid version number") ||
            m.contains("HTTP/0.9"));
    }

    private static String describe(final Throwable cause)
    {
        if (cause == null)
        {
            return "unknown";
        }
        final String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m;
    }
}
