package io.crashfree.edge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A node in a child JVM, started as {@code bin/crashfree run} starts it ({@link CrashfreeMain} with a configuration
 * file), for what one JVM cannot show: OS file locks between processes, a real {@code kill -9}, and exactly what the
 * process prints.
 */
final class ChildNode implements AutoCloseable
{
    private final Process process;
    private final List<String> output;
    private final int port;

    private ChildNode(final Process process, final List<String> output, final int port)
    {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /**
     * Starts a node with projects 42 and 7 and waits until it listens.
     *
     * @param workDir  where its configuration file goes.
     * @param dataDir  its data directory.
     * @param settings extra settings.
     * @return the running node.
     */
    static ChildNode start(final Path workDir, final Path dataDir, final Map<String, String> settings)
        throws IOException, InterruptedException
    {
        return start(workDir, dataDir, freePort(), settings);
    }

    /**
     * Starts a node on a given port (a restart on the same port and files) and waits until it listens.
     *
     * @return the running child.
     */
    static ChildNode start(final Path workDir, final Path dataDir, final int port, final Map<String, String> settings)
        throws IOException, InterruptedException
    {
        final Process process = launch(workDir, dataDir, port, settings);
        final List<String> output = new CopyOnWriteArrayList<>();
        final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        final Thread drain = new Thread(() ->
        {
            try
            {
                String line;
                while ((line = out.readLine()) != null)
                {
                    output.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the child is gone
            }
        }, "child-node-output");
        drain.setDaemon(true);
        drain.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (output.stream().noneMatch(l -> l.contains("listening on")))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                process.destroyForcibly();
                throw new AssertionError("the child node did not start:\n" + String.join("\n", output));
            }
            Thread.sleep(20);
        }
        return new ChildNode(process, output, port);
    }

    /**
     * Runs a node that is expected to stop by itself (a refused start) and returns what it printed.
     *
     * @param workDir  where its configuration file goes.
     * @param dataDir  its data directory.
     * @param settings extra settings.
     * @return its exit code and output lines.
     */
    static Exit runToExit(final Path workDir, final Path dataDir, final Map<String, String> settings)
        throws IOException, InterruptedException
    {
        final Process process = launch(workDir, dataDir, freePort(), settings);
        final String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("the child node did not stop:\n" + text);
        }
        return new Exit(process.exitValue(), text.lines().toList());
    }

    /** How a child that stopped by itself ended. */
    record Exit(int code, List<String> lines)
    {
        /** @return the lines the node itself printed ({@code crashfree: …}). */
        List<String> nodeLines()
        {
            // the node's own lines: its log (ERROR/WARN/INFO with a timestamp) or the aggregation side's warnings
            return lines.stream().filter(l -> l.contains("crashfree: ") || l.contains(" CrashfreeMain - ")).toList();
        }
    }

    private static Process launch(final Path workDir, final Path dataDir, final int port,
        final Map<String, String> settings) throws IOException
    {
        final Path config = Files.createTempFile(workDir, "node", ".properties");
        final StringBuilder props = new StringBuilder();
        props.append("edge.http.host=127.0.0.1\nedge.http.port=").append(port).append('\n')
            .append("node.data.dir=").append(dataDir).append('\n')
            .append("project.42.keys=").append(TestNodes.KEY_42).append('\n')
            .append("project.7.keys=").append(TestNodes.KEY_7).append('\n');
        settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, props.toString());
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("crashfree.jvm.flags", "").split(" "))
        {
            if (!flag.isBlank())
            {
                command.add(flag);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashfreeMain.class.getName());
        command.add("--config");
        command.add(config.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /** @return the port it listens on. */
    int port()
    {
        return port;
    }

    /** @return its process id. */
    long pid()
    {
        return process.pid();
    }

    /** @return what it printed so far. */
    List<String> output()
    {
        return output;
    }

    /**
     * {@code kill -9}: no shutdown hook, no flush; the OS releases its files and locks.
     *
     * @return whether it was gone within 20 s.
     */
    boolean kill()
    {
        process.destroyForcibly();
        return awaitExit(20);
    }

    /**
     * SIGTERM: the node's graceful stop (flush, close files, exit 0).
     *
     * @return its exit code, or -1 when it was still running after 30 s.
     */
    int stop()
    {
        process.destroy();
        return awaitExit(30) ? process.exitValue() : -1;
    }

    private boolean awaitExit(final int seconds)
    {
        try
        {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close()
    {
        kill();
    }
}
