package io.crashfree.bench.e2e;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.crashfree.loadgen.RunResult;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end benchmark's JSON report: the machine (cores, Java, load average), the settings, and per scenario
 * every leg (rates, latency percentiles, CPU use, answers other than 200) with the pair statistics.
 */
final class EndToEndReport
{
    private EndToEndReport()
    {
    }

    static void writeJson(final EndToEndOptions o, final Map<Scenario, List<EndToEndBenchmark.Leg>> legs,
        final List<String> notes, final double latencyRate, final long startMs, final Path path) throws IOException
    {
        final Path parent = path.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(path);
            JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8))
        {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("start", Instant.ofEpochMilli(startMs).toString());
            g.writeStringField("end", Instant.now().toString());
            g.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
            g.writeStringField("java", System.getProperty("java.version"));
            g.writeStringField("loadAverageAtEnd", loadAverage());
            g.writeObjectFieldStart("settings");
            g.writeNumberField("pairs", o.pairs());
            g.writeNumberField("seconds", o.seconds());
            g.writeNumberField("legWarmup", o.legWarmup());
            g.writeNumberField("initialWarmup", o.initialWarmup());
            g.writeNumberField("connections", o.connections());
            g.writeNumberField("loadgenThreads", o.threads());
            g.writeNumberField("serverThreads", o.serverThreads());
            g.writeNumberField("users", o.users());
            g.writeNumberField("releases", o.releases());
            g.writeBooleanField("inProcess", o.inProcess());
            g.writeEndObject();
            g.writeArrayFieldStart("scenarios");
            for (final Map.Entry<Scenario, List<EndToEndBenchmark.Leg>> e : legs.entrySet())
            {
                final Scenario s = e.getKey();
                final PairedStats stats = EndToEndBenchmark.stats(e.getValue());
                g.writeStartObject();
                g.writeStringField("id", s.id());
                g.writeStringField("description", s.description());
                g.writeStringField("unit", s.unit());
                if (s == Scenario.LATENCY)
                {
                    g.writeNumberField("rate", latencyRate);
                }
                g.writeNumberField("medianNode", stats.medianNode());
                g.writeNumberField("medianCeiling", stats.medianCeiling());
                g.writeNumberField("medianRatio", stats.medianRatio());
                g.writeNumberField("minRatio", stats.minRatio());
                g.writeNumberField("maxRatio", stats.maxRatio());
                g.writeNumberField("medianNodeCpuMicrosPerRequest", EndToEndBenchmark.medianCpu(e.getValue(), "node"));
                g.writeNumberField("medianCeilingCpuMicrosPerRequest",
                    EndToEndBenchmark.medianCpu(e.getValue(), "ceiling"));
                g.writeArrayFieldStart("legs");
                for (final EndToEndBenchmark.Leg l : e.getValue())
                {
                    final RunResult r = l.result();
                    g.writeStartObject();
                    g.writeNumberField("pair", l.pair());
                    g.writeStringField("target", l.target());
                    g.writeNumberField("figure", l.figure());
                    g.writeNumberField("requestsPerSecond", r.requestsPerSecond());
                    g.writeNumberField("okPerSecond", r.okPerSecond());
                    g.writeNumberField("sessionsPerSecond", r.sessionsPerSecond());
                    g.writeNumberField("p50Ms", r.latencyMs(50));
                    g.writeNumberField("p99Ms", r.latencyMs(99));
                    g.writeNumberField("p999Ms", r.latencyMs(99.9));
                    g.writeNumberField("maxMs", r.maxLatencyMs());
                    g.writeNumberField("targetCores", l.targetCores());
                    g.writeNumberField("loadgenCores", l.driverCores());
                    g.writeNumberField("targetCpuMicrosPerRequest", l.targetCpuMicrosPerRequest());
                    g.writeNumberField("sent", r.sent());
                    g.writeNumberField("ok", r.ok());
                    g.writeNumberField("rejected", r.rejected());
                    g.writeNumberField("inDoubt", r.inDoubt());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("notes");
            for (final String n : notes)
            {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** @return the 1/5/15-minute load average, or "unknown" (the machine is shared: this says how busy it was). */
    static String loadAverage()
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
}
