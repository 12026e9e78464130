package io.crashfree.loadgen.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A cluster node in a child JVM ({@code CrashfreeMain --config}), for a real {@code kill -9}. */
final class ChildClusterNode implements AutoCloseable
{
    private final Process process;
    private final List<String> output;
    final int port;

    private ChildClusterNode(final Process process, final List<String> output, final int port)
    {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    static ChildClusterNode start(final Path workDir, final Map<String, String> settings, final int port)
        throws IOException, InterruptedException
    {
        final Path config = Files.createTempFile(workDir, "node", ".properties");
        final StringBuilder props = new StringBuilder();
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
        command.add("io.crashfree.edge.CrashfreeMain");
        command.add("--config");
        command.add(config.toString());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final List<String> output = new CopyOnWriteArrayList<>();
        final Thread drain = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    output.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the child is gone
            }
        }, "child-cluster-node-output");
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
        return new ChildClusterNode(process, output, port);
    }

    /** A real {@code kill -9} (SIGKILL: no shutdown hook, no flush, no last publish). */
    void killNine() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** @return what it printed. */
    String output()
    {
        return String.join("\n", output);
    }

    @Override
    public void close() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
        }
    }
}
