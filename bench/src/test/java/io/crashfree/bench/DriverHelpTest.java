package io.crashfree.bench;

import io.crashfree.bench.e2e.EndToEndBenchmark;
import io.crashfree.bench.index.IndexBenchmark;
import io.crashfree.bench.report.BenchmarkReport;
import io.crashfree.bench.soak.SoakBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every driver {@code bin/crashfree bench} starts prints its usage on {@code --help} and exits 0 (a child JVM each,
 * as the launcher runs them).
 */
@Timeout(120)
class DriverHelpTest
{
    @Test
    void shouldPrintUsageAndExitZeroOnHelp() throws Exception
    {
        final Object[][] rows = {
            { EndToEndBenchmark.class, "usage: bin/crashfree bench e2e" },
            { SoakBenchmark.class, "usage: bin/crashfree bench soak" },
            { IndexBenchmark.class, "usage: bin/crashfree bench index" },
            { BenchmarkReport.class, "usage: bin/crashfree bench report" },
            { FlushPauseBenchmark.class, "flush benchmark, options: [--quick] [--result FILE]" },
            { QueryUnderLoadBenchmark.class, "query under load benchmark, options:" },
            { SketchOptionsBenchmark.class, "sketch-options benchmark, options:" },
        };
        for (final Object[] row : rows)
        {
            final Class<?> main = (Class<?>)row[0];
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(main.getName());
            command.add("--help");
            final Process p = new ProcessBuilder(command).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), main.getSimpleName());
            assertEquals(0, p.exitValue(), main.getSimpleName() + ": " + out + err);
            assertTrue(out.startsWith((String)row[1]), main.getSimpleName() + " prints its usage on stdout: " + out);
        }
    }
}
