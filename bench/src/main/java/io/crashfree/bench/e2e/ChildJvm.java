package io.crashfree.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a child JVM: started with the same {@code java} as the driver, ready when it prints
 * {@code listening on http://<host>:<port>}; stopped with SIGTERM (the node flushes and exits 0), forcibly after
 * 30 s. Its output is kept (the last 200 lines) for the error message when it does not come up. A shutdown hook stops
 * it if the driver is interrupted.
 */
public final class ChildJvm implements BenchTarget
{
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:\\s]+:(\\d+)");
    private static final int KEPT_LINES = 200;

    private final String name;
    private final String description;
    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final Thread hook;
    private final int port;

    private ChildJvm(final String name, final String description, final Process process, final java.time.Duration startTimeout)
        throws IOException, InterruptedException
    {
        this.name = name;
        this.description = description;
        this.process = process;
        this.hook = new Thread(process::destroyForcibly, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
        final BlockingQueue<Integer> ready = new ArrayBlockingQueue<>(1);
        final Thread reader = new Thread(() -> read(ready), name + "-output");
        reader.setDaemon(true);
        reader.start();
        final Integer p = ready.poll(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null || p < 0)
        {
            close();
            throw new IOException(name + " did not start within " + startTimeout.toSeconds() + " s" +
                (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")") + "; its output:\n  " +
                String.join("\n  ", lines()));
        }
        this.port = p;
    }

    /**
     * Starts a child JVM and waits until it listens.
     *
     * @param name        short name ("node", "ceiling").
     * @param description what it is, for the report.
     * @param jvmArgs     JVM options.
     * @param mainArgs    {@code -jar x.jar ...} or {@code -cp x.jar Main ...}.
     * @param workDir     working directory.
     * @return the running child.
     * @throws IOException          when it cannot be started or does not come up within 60 s.
     * @throws InterruptedException if interrupted.
     */
    public static ChildJvm start(final String name, final String description, final List<String> jvmArgs,
        final List<String> mainArgs, final Path workDir) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(mainArgs);
        final Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
            .start();
        return new ChildJvm(name, description + " (pid " + process.pid() + ")", process, java.time.Duration.ofSeconds(60));
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String description()
    {
        return description;
    }

    @Override
    public int port()
    {
        return port;
    }

    /** @return the child's process id. */
    public long pid()
    {
        return process.pid();
    }

    /** @return the child's CPU time so far in nanoseconds, or -1 when the OS does not say. */
    @Override
    public long cpuNanos()
    {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** @return the child's last lines of output. */
    public List<String> lines()
    {
        synchronized (output)
        {
            return new ArrayList<>(output);
        }
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignored)
        {
            // already shutting down: the hook runs anyway
        }
    }

    private void read(final BlockingQueue<Integer> ready)
    {
        boolean signalled = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                synchronized (output)
                {
                    output.add(line);
                    if (output.size() > KEPT_LINES)
                    {
                        output.remove(0);
                    }
                }
                final Matcher m = LISTENING.matcher(line);
                if (!signalled && m.find())
                {
                    signalled = ready.offer(Integer.parseInt(m.group(1)));
                }
            }
        }
        catch (final IOException ignored)
        {
            // the child exited
        }
        if (!signalled)
        {
            ready.offer(-1);
        }
    }
}
