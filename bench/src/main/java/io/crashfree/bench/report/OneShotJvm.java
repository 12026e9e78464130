package io.crashfree.bench.report;

import io.crashfree.bench.OneShotResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot benchmark ({@code FlushPauseBenchmark}, {@code QueryUnderLoadBenchmark}) in a child JVM, started like
 * the end-to-end benchmark's servers (the driver's {@code java}, its class path, the given JVM options): its output
 * is copied to the driver's, indented; its figures come back through {@code --result FILE}. The child is killed when
 * it outlives its time limit or the driver exits.
 */
final class OneShotJvm
{
    private OneShotJvm()
    {
    }

    /**
     * @param name      what runs, for messages ("flush, ZGC").
     * @param jvmArgs   JVM options (flags, collector, heap).
     * @param mainClass the benchmark's main class.
     * @param args      its options ({@code --result FILE} is added).
     * @param timeLimit how long it may take.
     * @param out       where its output is copied.
     * @return its figures.
     * @throws IOException          when it cannot start, fails, or outlives the limit.
     * @throws InterruptedException if interrupted (the child is killed).
     */
    static OneShotResult run(final String name, final List<String> jvmArgs, final Class<?> mainClass,
        final List<String> args, final Duration timeLimit, final PrintStream out)
        throws IOException, InterruptedException
    {
        final Path result = Files.createTempFile("crashfree-report-", ".result");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        command.addAll(List.of("--result", result.toString()));
        out.println("   " + name + ": " + String.join(" ", command));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final Thread hook = new Thread(process::destroyForcibly, "stop-" + mainClass.getSimpleName());
        Runtime.getRuntime().addShutdownHook(hook);
        final Thread copier = new Thread(() -> copy(process, out), mainClass.getSimpleName() + "-output");
        copier.setDaemon(true);
        copier.start();
        try
        {
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new IOException(name + " did not finish within " + timeLimit.toMinutes() + " min");
            }
            copier.join(5_000);
            if (process.exitValue() != 0)
            {
                throw new IOException(name + " failed with exit code " + process.exitValue() +
                    " (its output is above)");
            }
            return OneShotResult.read(result);
        }
        finally
        {
            process.destroyForcibly();
            Files.deleteIfExists(result);
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ignored)
            {
                // already shutting down: the hook runs anyway
            }
        }
    }

    private static void copy(final Process process, final PrintStream out)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                out.println("   | " + line);
            }
        }
        catch (final IOException ignored)
        {
            // the child exited
        }
    }
}
