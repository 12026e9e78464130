package io.crashfree.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP proxy between a real client (the Java SDK, sentry-cli) and a node: it passes each request on unchanged
 * (body bytes, auth, encoding) and records the body as the client sent it (decompressed), so a test can compare what
 * the client sent with what the node's upstream received.
 */
final class RecordingProxy implements AutoCloseable
{
    private static final Set<String> PASSED = Set.of("x-sentry-auth", "content-encoding", "content-type",
        "user-agent", "authorization");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int nodePort;
    private final List<UpstreamServer.Received> sent = new CopyOnWriteArrayList<>();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();

    RecordingProxy(final int nodePort) throws IOException
    {
        this.nodePort = nodePort;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return the proxy's port (put it in the client's DSN). */
    int port()
    {
        return server.getAddress().getPort();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final byte[] raw = exchange.getRequestBody().readAllBytes();
            final String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            sent.add(new UpstreamServer.Received(System.currentTimeMillis(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("X-Sentry-Auth"), null,
                exchange.getRequestHeaders().getFirst("User-Agent"), encoding,
                "gzip".equalsIgnoreCase(encoding) ? UpstreamServer.gunzip(raw) : raw));
            final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodePort +
                exchange.getRequestURI())).method(exchange.getRequestMethod(),
                HttpRequest.BodyPublishers.ofByteArray(raw));
            exchange.getRequestHeaders().forEach((name, values) ->
            {
                if (PASSED.contains(name.toLowerCase(java.util.Locale.ROOT)))
                {
                    values.forEach(v -> request.header(name, v));
                }
            });
            final HttpResponse<byte[]> response;
            try
            {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException(ex);
            }
            statuses.add(response.statusCode());
            response.headers().firstValue("Content-Type").ifPresent(v ->
                exchange.getResponseHeaders().add("Content-Type", v));
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 :
                response.body().length);
            exchange.getResponseBody().write(response.body());
        }
    }

    /** @return the requests the client sent, bodies decompressed. */
    List<UpstreamServer.Received> sent()
    {
        return sent;
    }

    /** @return the node's answers, in order. */
    List<Integer> statuses()
    {
        return statuses;
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
