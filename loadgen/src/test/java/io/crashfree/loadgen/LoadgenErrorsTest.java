package io.crashfree.loadgen;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clear errors, before any load is sent: nothing listening, an address that is not this machine, a key the node does
 * not know, something that is not an ingest endpoint. And the run always stops by itself.
 */
@Timeout(60)
class LoadgenErrorsTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldSayConnectionRefusedWhenNothingListens() throws Exception
    {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = s.getLocalPort();
        }
        final LoadgenException ex = assertThrows(LoadgenException.class, () -> Loadgen.run(LoadgenOptions.parse(
            "--dsn", "http://" + LocalNode.KEY_42 + "@127.0.0.1:" + port + "/42", "--json", "-", "--quiet"), null));
        assertEquals(LoadgenException.CONNECTION, ex.exitCode());
        assertTrue(ex.getMessage().contains("connection refused") && ex.getMessage().contains(":" + port),
            ex.getMessage());
        assertEquals(LoadgenException.CONNECTION, LoadgenMain.run(new String[] {
            "--dsn", "http://" + LocalNode.KEY_42 + "@127.0.0.1:" + port + "/42", "--json", "-", "--quiet"}));
    }

    @Test
    void shouldSayTheNodeRejectedTheKey() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            for (final String dsn : new String[] {
                "http://" + LocalNode.KEY_7 + "@127.0.0.1:" + node.node.port() + "/42",
                "http://" + LocalNode.KEY_42 + "@127.0.0.1:" + node.node.port() + "/999",
                "http://" + "abcdefabcdefabcdefabcdefabcdefab" + "@127.0.0.1:" + node.node.port() + "/42"})
            {
                for (final String sdk : new String[] {"java", "node"})
                {
                    final LoadgenException ex = assertThrows(LoadgenException.class, () -> Loadgen.run(
                        LoadgenOptions.parse("--dsn", dsn, "--sdk", sdk, "--json", "-", "--quiet"), null), dsn);
                    assertEquals(LoadgenException.REJECTED, ex.exitCode(), ex.getMessage());
                    assertTrue(ex.getMessage().contains("rejected the key") && ex.getMessage().contains("403"),
                        ex.getMessage());
                }
            }
        }
    }

    @Test
    void shouldRefuseTargetsThatAreNotThisMachine()
    {
        final String[][] rows = {
            {"http://" + LocalNode.KEY_42 + "@10.1.2.3:9400/1", "only targets this machine"},
            {"http://" + LocalNode.KEY_42 + "@no-such-host.invalid:9400/1", "unknown host"},
            {"https://" + LocalNode.KEY_42 + "@127.0.0.1:9400/1", "http://"},
            {"http://1234@127.0.0.1:9400/1", "32-hex-character public key"},
            {"http://" + LocalNode.KEY_42 + "@127.0.0.1:9400/", "numeric project id"},
        };
        for (final String[] row : rows)
        {
            final LoadgenException ex = assertThrows(LoadgenException.class,
                () -> LoadgenOptions.parse("--dsn", row[0]), row[0]);
            assertEquals(LoadgenException.USAGE, ex.exitCode(), row[0]);
            assertTrue(ex.getMessage().contains(row[1]), row[0] + " -> " + ex.getMessage());
        }
    }

    @Test
    void shouldSayWhenTheTargetIsNotAnIngestEndpoint() throws Exception
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange ->
        {
            final byte[] body = "<html>not here</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try
        {
            final LoadgenException ex = assertThrows(LoadgenException.class, () -> Loadgen.run(LoadgenOptions.parse(
                "--dsn", "http://" + LocalNode.KEY_42 + "@127.0.0.1:" + server.getAddress().getPort() + "/42",
                "--json", "-", "--quiet"), null));
            assertEquals(LoadgenException.UNEXPECTED, ex.exitCode());
            assertTrue(ex.getMessage().contains("404") && ex.getMessage().contains("ingest endpoint"),
                ex.getMessage());
        }
        finally
        {
            server.stop(0);
        }
    }

    @Test
    void shouldStopByItselfAfterTheDurationInBothLoops() throws Exception
    {
        try (LocalNode node = LocalNode.start(dataDir, Map.of()))
        {
            final long t0 = System.nanoTime();
            final RunResult closed = Loadgen.run(LoadgenOptions.parse("--dsn", node.dsn(), "--duration", "1",
                "--connections", "4", "--json", "-", "--quiet"), null);
            final RunResult open = Loadgen.run(LoadgenOptions.parse("--dsn", node.dsn(), "--duration", "1",
                "--rate", "100", "--connections", "4", "--json", "-", "--quiet"), null);
            assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "both runs ended by themselves");
            assertTrue(closed.measuredSeconds() >= 0.9, "closed loop ran its second: " + closed.measuredSeconds());
            assertTrue(closed.ok() > 0 && closed.ok() == closed.sent(), closed.ok() + " of " + closed.sent());
            // The schedule holds at most rate × duration intended sends (plus one per connection at time 0).
            assertTrue(open.sent() > 0 && open.sent() <= 104, "open loop sent " + open.sent());
            assertEquals(open.sent(), open.ok());
        }
    }
}
