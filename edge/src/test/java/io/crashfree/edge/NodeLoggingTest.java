package io.crashfree.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node started as {@code bin/crashfree run} starts it (a child JVM through {@link CrashfreeMain}) logs through one
 * SLF4J binding: no {@code SLF4J:} warnings, every line of its own with a timestamp, and no secret of a production
 * configuration in its log.
 */
@Timeout(60)
class NodeLoggingTest
{
    private static final Pattern TIMESTAMPED =
        Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) \\[.+");
    private static final String TOKEN = "a-production-read-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void shouldLogWithTimestampsThroughOneBindingAndMaskSecrets() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final Path config = dir.resolve("node.properties");
        Files.writeString(config, String.join("\n",
            "edge.http.port=" + port,
            "node.data.dir=" + dir.resolve("data"),
            "project.42.keys=" + TestNodes.KEY_42,
            "aggregation.live.memory.megabytes=8",
            "aggregation.store.entries=10000",
            "query.tokens=" + TOKEN, ""));
        final Process node = ChildJvmOutput.start(CrashfreeMain.class, "--config", config.toString());
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                if (!node.waitFor(45, TimeUnit.SECONDS))
                {
                    node.destroyForcibly(); // ends the read below, whatever the node does
                }
            }
            catch (final InterruptedException ignored)
            {
                node.destroyForcibly();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        final List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                lines.add(line);
                if (line.contains("read API"))
                {
                    // SIGTERM once the banner is out (through the handle: Process.destroy would close this stream)
                    node.toHandle().destroy();
                }
            }
        }
        finally
        {
            node.destroyForcibly();
        }
        assertTrue(node.waitFor(30, TimeUnit.SECONDS));
        final String output = String.join("\n", lines);
        assertEquals(0, node.exitValue(), output);

        assertFalse(output.contains("SLF4J"), "no SLF4J warning (no binding, or more than one):\n" + output);
        for (final String line : lines)
        {
            assertTrue(TIMESTAMPED.matcher(line).matches(), "a line without timestamp:\n" + line + "\nin\n" + output);
        }
        assertTrue(output.contains("INFO CrashfreeMain - listening on http://127.0.0.1:" + port), output);
        assertTrue(output.contains("DSN http://0123...cdef@127.0.0.1:" + port + "/42"), output);
        assertTrue(output.contains("INFO CrashfreeMain - stopped"), output);
        assertFalse(output.contains(TestNodes.KEY_42), "the public key is shown in part only:\n" + output);
        assertFalse(output.contains(TOKEN), "the read token is not logged:\n" + output);
    }
}
