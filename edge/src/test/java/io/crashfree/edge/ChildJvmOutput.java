package io.crashfree.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class of the test classpath in a child JVM with the node's JVM flags (the parent pom's
 * {@code crashfree.jvm.flags}, as {@code bin/crashfree} starts it), its standard error merged into its output.
 */
final class ChildJvmOutput
{
    private ChildJvmOutput()
    {
    }

    /**
     * @param mainClass the class to run.
     * @param args      its arguments.
     * @return the started process.
     * @throws IOException when it cannot be started.
     */
    static Process start(final Class<?> mainClass, final String... args) throws IOException
    {
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
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * @param process a started process.
     * @return everything it printed, once it has exited.
     * @throws IOException when its output cannot be read.
     */
    static String readAll(final Process process) throws IOException
    {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
