package io.crashfree.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * What a figure was measured on, taken when a section starts: the cores the JVM sees and the cores {@code nproc}
 * reports (they differ under CPU limits), the Java version, the date in UTC and the load average. The machine is
 * shared, so the load average says how much else ran.
 *
 * @param availableProcessors {@code Runtime.availableProcessors()}.
 * @param nproc               what {@code nproc} prints, or "unknown".
 * @param javaVersion         {@code java.version}.
 * @param vmName              {@code java.vm.name}.
 * @param start               when the section started.
 * @param loadAverage         the 1, 5 and 15 minute load averages at the start, or "unknown".
 */
public record Machine(int availableProcessors, String nproc, String javaVersion, String vmName, Instant start,
    String loadAverage)
{
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
        .withZone(ZoneOffset.UTC);

    /**
     * @param now the time to record.
     * @return this machine now.
     */
    public static Machine capture(final Instant now)
    {
        return new Machine(Runtime.getRuntime().availableProcessors(), runNproc(), System.getProperty("java.version"),
            System.getProperty("java.vm.name"), now, readLoadAverage());
    }

    /** @return the line that heads a generated block. */
    public String markdown()
    {
        return "Machine: " + availableProcessors + " cores (`Runtime.availableProcessors()` = " +
            availableProcessors + ", `nproc` = " + nproc + "), Java " + javaVersion + " (" + vmName + "), " +
            UTC.format(start) + ", load average " + loadAverage + " at the start.";
    }

    /** @return the 1/5/15-minute load average from {@code /proc/loadavg}, or "unknown". */
    static String readLoadAverage()
    {
        try
        {
            final String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    /** @return what {@code nproc} prints (processing units this process may use), or "unknown". */
    static String runNproc()
    {
        try
        {
            final Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
            final String out;
            try (InputStream in = p.getInputStream())
            {
                out = new String(in.readNBytes(64), StandardCharsets.US_ASCII).trim();
            }
            if (!p.waitFor(5, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return "unknown";
            }
            return p.exitValue() == 0 && out.matches("\\d+") ? out : "unknown";
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
