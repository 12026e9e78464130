package io.crashfree.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --help} prints the usage and exits 0: the node's ({@code bin/crashfree run --help} hands it to
 * {@link CrashfreeMain}), and the launcher's own for itself and for {@code bench} (answered before anything is built).
 */
@Timeout(60)
class CommandLineHelpTest
{
    @Test
    void shouldPrintTheNodesUsageAndExitZero() throws Exception
    {
        for (final String help : new String[] { "--help", "-h" })
        {
            final Process node = ChildJvmOutput.start(CrashfreeMain.class, "--config", "conf/crashfree.properties",
                help);
            final String out = ChildJvmOutput.readAll(node);
            assertTrue(node.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, node.exitValue(), out);
            assertTrue(out.startsWith("usage: bin/crashfree run [--config FILE] [--set key=value]..."), out);
            assertTrue(out.contains("CRASHFREE_JAVA_OPTS") && !out.contains("listening on"), out);
        }
    }

    @Test
    void shouldPrintTheLaunchersUsageAndExitZero() throws Exception
    {
        assertLauncherHelp("bin/crashfree run [--config FILE]", "--help");
        assertLauncherHelp("bin/crashfree run [--config FILE]", "help");
        assertLauncherHelp("bin/crashfree bench e2e [options]", "bench", "--help");
    }

    private static void assertLauncherHelp(final String expected, final String... args) throws Exception
    {
        Path home = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(home.resolve("bin/crashfree")))
        {
            home = home.getParent();
        }
        final String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = home.resolve("bin/crashfree").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        final Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = ChildJvmOutput.readAll(launcher);
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, launcher.exitValue(), String.join(" ", args) + ":\n" + out);
        assertTrue(out.contains(expected), String.join(" ", args) + ":\n" + out);
    }
}
