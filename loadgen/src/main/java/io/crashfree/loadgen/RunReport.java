package io.crashfree.loadgen;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.crashfree.loadgen.truth.GroundTruth;
import io.crashfree.loadgen.truth.KeyTruth;
import io.crashfree.loadgen.verify.Difference;
import io.crashfree.loadgen.verify.VerifyReport;
import io.crashfree.loadgen.workload.Iso8601;
import io.crashfree.loadgen.workload.Outcome;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The final report of a run: a few lines of text for the terminal, and a JSON document with everything (options,
 * counts, rates, latency percentiles, the ground truth per release and environment, the verification).
 */
public final class RunReport
{
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private RunReport()
    {
    }

    /**
     * @param r a run.
     * @return the report as text.
     */
    public static String text(final RunResult r)
    {
        final LoadgenOptions o = r.options();
        final GroundTruth t = r.truth();
        final StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "loadgen: %.1f s measured against %s (%s %s, %s)%n",
            r.measuredSeconds(), o.target().baseUrl(), o.targets().size() == 1 ? "project" : "projects",
            projects(o), r.transport()));
        b.append("  load       ").append(o.describe()).append('\n');
        b.append(String.format(Locale.ROOT, "  requests   %,d sent, %,d answered 200, %,d other answers%s%n", r.sent(),
            r.ok(), r.rejected(), r.byStatus().isEmpty() ? "" : " " + r.byStatus()));
        if (r.connectFailures() > 0 || r.inDoubt() > 0 || r.timeouts() > 0)
        {
            b.append(String.format(Locale.ROOT, "  problems   %,d failed connection attempts, %,d timeouts, %,d " +
                "requests without an answer (in doubt)%s%n", r.connectFailures(), r.timeouts(), r.inDoubt(),
                r.firstConnectionError() == null ? "" : "; first: " + r.firstConnectionError()));
        }
        if (r.firstRejection() != null)
        {
            b.append("  first non-200 answer: ").append(r.firstRejection()).append('\n');
        }
        b.append(String.format(Locale.ROOT, "  rate       %,.0f req/s (%,.0f answered 200), %,.0f sessions/s%n",
            r.requestsPerSecond(), r.okPerSecond(), r.sessionsPerSecond()));
        b.append(String.format(Locale.ROOT, "  latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%s)%n",
            ms(r, 50), ms(r, 90), ms(r, 99), ms(r, 99.9), Loadgen.millis((long)(r.maxLatencyMs() * 1e6)),
            o.rate() > 0 ? "from the intended send time, open loop" : "from the send, closed loop" +
                (o.close() ? ", including the connect" : "")));
        b.append(String.format(Locale.ROOT, "  truth      %,d sessions: healthy %,d, errored %,d, crashed %,d, " +
            "abnormal %,d, unhandled %,d; %,d distinct users over %d %s%n", t.sessions(),
            t.sessions(Outcome.HEALTHY), t.sessions(Outcome.ERRORED), t.sessions(Outcome.CRASHED),
            t.sessions(Outcome.ABNORMAL), t.sessions(Outcome.UNHANDLED), t.users(), t.keys().size(),
            o.targets().size() == 1 ? "release/environment pairs" : "project/release/environment keys"));
        if (o.workload().longSessions())
        {
            b.append(String.format(Locale.ROOT, "  sessions   long: %,d terminal updates still due when the run " +
                "ended were not sent (their sessions count as started, not ended)%n", r.terminalsPending()));
        }
        return b.toString();
    }

    /**
     * Writes the JSON report (creating parent directories).
     *
     * @param r      a run.
     * @param verify its verification, or null.
     * @param path   where.
     * @throws IOException when it cannot be written.
     */
    public static void writeJson(final RunResult r, final VerifyReport verify, final Path path) throws IOException
    {
        final Path parent = path.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(path))
        {
            writeJson(r, verify, out);
        }
    }

    /**
     * Writes the JSON report.
     *
     * @param r      a run.
     * @param verify its verification, or null.
     * @param out    where (not closed).
     * @throws IOException when it cannot be written.
     */
    public static void writeJson(final RunResult r, final VerifyReport verify, final OutputStream out)
        throws IOException
    {
        final LoadgenOptions o = r.options();
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8))
        {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("runId", o.runId());
            g.writeStringField("start", Iso8601.format(r.wallStartMs()));
            g.writeStringField("end", Iso8601.format(r.wallEndMs()));
            g.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
            g.writeObjectFieldStart("options");
            g.writeStringField("target", o.target().baseUrl());
            g.writeNumberField("project", o.target().projectId());
            g.writeArrayFieldStart("projects");
            final double[] weights = o.workload().projectWeights();
            for (int p = 0; p < o.targets().size(); p++)
            {
                g.writeStartObject();
                g.writeNumberField("id", o.targets().get(p).projectId());
                g.writeNumberField("weight", weights[p]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("sdk", o.workload().describeStyles());
            if (o.workload().longSessions())
            {
                g.writeNumberField("sessionMinSeconds", o.workload().sessionMinMs() / 1000.0);
                g.writeNumberField("sessionMaxSeconds", o.workload().sessionMaxMs() / 1000.0);
            }
            g.writeStringField("envelopes", o.workload().envelopeKind().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("entriesPerEnvelope", o.workload().entriesPerEnvelope());
            g.writeNumberField("sessionsPerEntry", o.workload().sessionsPerEntry());
            g.writeNumberField("aggregateShare", o.workload().aggregateShare());
            g.writeStringField("connection", o.close() ? "close" : "keep-alive");
            g.writeBooleanField("gzip", o.gzip());
            g.writeNumberField("connections", o.connections());
            g.writeNumberField("threads", o.threads());
            g.writeStringField("mode", o.rate() > 0 ? "open" : "closed");
            g.writeNumberField("rate", o.rate());
            g.writeNumberField("durationSeconds", o.durationSeconds());
            g.writeNumberField("count", o.count());
            g.writeNumberField("warmupSeconds", o.warmupSeconds());
            g.writeNumberField("releases", o.workload().releases().size());
            g.writeNumberField("zipf", o.workload().zipfExponent());
            g.writeNumberField("users", o.workload().users());
            g.writeNumberField("seed", o.seed());
            g.writeStringField("transport", r.transport());
            g.writeEndObject();

            g.writeObjectFieldStart("requests");
            g.writeNumberField("sent", r.sent());
            g.writeNumberField("ok", r.ok());
            g.writeNumberField("rejected", r.rejected());
            g.writeObjectFieldStart("byStatus");
            for (final Map.Entry<Integer, Long> e : r.byStatus().entrySet())
            {
                g.writeNumberField(Integer.toString(e.getKey()), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("sessionsOk", r.sessionsOk());
            g.writeNumberField("updatesOk", r.updatesOk());
            g.writeNumberField("aggregateEnvelopesOk", r.aggregateEnvelopesOk());
            g.writeNumberField("connectsOk", r.connectsOk());
            g.writeNumberField("connectFailures", r.connectFailures());
            g.writeNumberField("timeouts", r.timeouts());
            g.writeNumberField("inDoubt", r.inDoubt());
            g.writeNumberField("terminalsPending", r.terminalsPending());
            g.writeNumberField("bytesSent", r.bytesSent());
            if (r.firstRejection() != null)
            {
                g.writeStringField("firstRejection", r.firstRejection());
            }
            if (r.firstConnectionError() != null)
            {
                g.writeStringField("firstConnectionError", r.firstConnectionError());
            }
            g.writeEndObject();

            g.writeObjectFieldStart("rates");
            g.writeNumberField("measuredSeconds", r.measuredSeconds());
            g.writeNumberField("requestsPerSecond", r.requestsPerSecond());
            g.writeNumberField("okPerSecond", r.okPerSecond());
            g.writeNumberField("sessionsPerSecond", r.sessionsPerSecond());
            g.writeEndObject();

            g.writeObjectFieldStart("latencyMs");
            g.writeStringField("from", o.rate() > 0 ? "intended send time (open loop, corrected for coordinated " +
                "omission)" : "send (closed loop)");
            g.writeNumberField("count", r.latencyNs().getTotalCount());
            for (final double p : PERCENTILES)
            {
                g.writeNumberField("p" + (p == Math.rint(p) ? Long.toString((long)p) : Double.toString(p)),
                    r.latencyMs(p));
            }
            g.writeNumberField("max", r.maxLatencyMs());
            g.writeNumberField("mean", r.latencyNs().getTotalCount() == 0 ? 0 : r.latencyNs().getMean() / 1e6);
            g.writeEndObject();

            truth(g, r.truth());
            if (verify != null)
            {
                g.writeObjectFieldStart("verify");
                g.writeBooleanField("ok", verify.ok());
                g.writeNumberField("checked", verify.checked());
                g.writeNumberField("ignoredGroups", verify.ignoredGroups());
                g.writeArrayFieldStart("differences");
                for (final Difference d : verify.differences())
                {
                    g.writeStartObject();
                    g.writeNumberField("project", d.project());
                    g.writeStringField("release", d.release());
                    g.writeStringField("environment", d.environment());
                    g.writeStringField("status", d.status());
                    g.writeStringField("field", d.field());
                    g.writeNumberField("expected", d.expected());
                    g.writeNumberField("actual", d.actual());
                    g.writeNumberField("allowed", d.allowed());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }

    private static void truth(final JsonGenerator g, final GroundTruth t) throws IOException
    {
        g.writeObjectFieldStart("truth");
        g.writeNumberField("sessions", t.sessions());
        for (final Outcome o : Outcome.values())
        {
            g.writeNumberField(o.statusName(), t.sessions(o));
        }
        g.writeNumberField("users", t.users());
        g.writeNumberField("inDoubt", t.doubt());
        if (t.minStartedMs() != Long.MAX_VALUE)
        {
            g.writeStringField("firstStarted", Iso8601.format(t.minStartedMs()));
            g.writeStringField("lastStarted", Iso8601.format(t.maxStartedMs()));
        }
        g.writeArrayFieldStart("groups");
        for (final KeyTruth k : t.keys())
        {
            g.writeStartObject();
            g.writeNumberField("project", k.project());
            g.writeStringField("release", k.release());
            g.writeStringField("environment", k.environment());
            g.writeNumberField("sessions", k.sessions());
            for (final Outcome o : Outcome.values())
            {
                g.writeNumberField(o.statusName(), k.sessions(o));
            }
            g.writeNumberField("users", k.users());
            g.writeNumberField("erroredUsers", k.erroredUsers());
            g.writeNumberField("crashedUsers", k.crashedUsers());
            g.writeNumberField("abnormalUsers", k.abnormalUsers());
            g.writeNumberField("unhandledUsers", k.unhandledUsers());
            g.writeNumberField("inDoubt", k.doubt());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static String projects(final LoadgenOptions o)
    {
        final StringBuilder b = new StringBuilder();
        for (final Target t : o.targets())
        {
            b.append(b.length() == 0 ? "" : ", ").append(t.projectId());
        }
        return b.toString();
    }

    private static String ms(final RunResult r, final double percentile)
    {
        return r.latencyNs().getTotalCount() == 0 ? "-" : Loadgen.millis(r.latencyNs().getValueAtPercentile(percentile));
    }
}
