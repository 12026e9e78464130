package io.crashfree.bench.soak;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.crashfree.loadgen.verify.Difference;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The soak's JSON report: settings, each row with the node's metrics (null where the node did not say), the summary
 * and the verification's differences.
 */
final class SoakReport
{
    private SoakReport()
    {
    }

    static void writeJson(final SoakResult r, final Path path) throws IOException
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
            g.writeStringField("start", Instant.ofEpochMilli(r.startMs()).toString());
            g.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
            g.writeStringField("node", r.node());
            final SoakOptions o = r.options();
            g.writeObjectFieldStart("options");
            g.writeNumberField("minutes", o.minutes());
            g.writeNumberField("rowSeconds", o.rowSeconds());
            g.writeNumberField("projects", o.projects());
            g.writeNumberField("releases", o.releases());
            g.writeStringField("environments", o.environments());
            g.writeNumberField("users", o.users());
            g.writeStringField("sdk", o.sdk());
            g.writeNumberField("aggregateShare", o.aggregateShare());
            g.writeNumberField("entries", o.entries());
            g.writeStringField("sessionLength", o.sessionLength());
            g.writeStringField("mix", o.mix());
            g.writeNumberField("connections", o.connections());
            g.writeNumberField("threads", o.threads());
            g.writeNumberField("seed", o.seed());
            g.writeBooleanField("quick", o.quick());
            g.writeEndObject();
            number(g, "probedMaxRate", r.probedMaxRate());
            if (r.probe() != null)
            {
                g.writeNumberField("probeOk", r.probe().ok());
                g.writeNumberField("probeRefused", r.probe().rejected());
            }
            g.writeNumberField("rate", r.rate());
            g.writeArrayFieldStart("rows");
            for (final SoakRow row : r.rows())
            {
                g.writeStartObject();
                g.writeNumberField("index", row.index());
                g.writeNumberField("fromSeconds", row.fromSeconds());
                g.writeNumberField("toSeconds", row.toSeconds());
                g.writeNumberField("offeredPerSecond", row.offeredPerSecond());
                g.writeNumberField("sentPerSecond", row.sentPerSecond());
                g.writeNumberField("okPerSecond", row.okPerSecond());
                g.writeNumberField("sessionsPerSecond", row.sessionsPerSecond());
                g.writeNumberField("answered", row.answered());
                g.writeNumberField("refused", row.refused());
                g.writeNumberField("refused429", row.refused429());
                g.writeNumberField("refused503", row.refused503());
                g.writeNumberField("clientErrors", row.clientErrors());
                g.writeNumberField("terminalsPending", row.terminalsPending());
                final NodeSample n = row.node();
                g.writeNumberField("rssBytes", n.rssBytes());
                number(g, "liveMemoryBytes", n.liveMemoryBytes());
                number(g, "liveMemoryBudgetBytes", n.liveMemoryBudgetBytes());
                number(g, "earlyFlushes", row.earlyFlushes());
                number(g, "flushLagSeconds", n.flushLagSeconds());
                number(g, "liveKeys", n.liveKeys());
                number(g, "nodeErrors", row.nodeErrors());
                number(g, "rateLimited", row.rateLimited());
                number(g, "nodeIngest429Total", n.ingest429());
                number(g, "nodeIngest503Total", n.ingest503());
                if (n.scrapeError() != null)
                {
                    g.writeStringField("scrapeError", n.scrapeError());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("summary");
            number(g, "medianOkPerSecond", r.medianOkPerSecond());
            g.writeNumberField("refusedShare", r.refusedShare());
            g.writeNumberField("share429", r.share(429));
            g.writeNumberField("share503", r.share(503));
            g.writeNumberField("sent", r.run().sent());
            g.writeNumberField("ok", r.run().ok());
            g.writeNumberField("sessionsOk", r.run().sessionsOk());
            g.writeNumberField("terminalsNotSent", r.run().terminalsPending());
            if (r.firstWarmRow() != null)
            {
                g.writeNumberField("rssFirstWarmBytes", r.firstWarmRow().node().rssBytes());
                g.writeNumberField("rssLastBytes", r.lastRow().node().rssBytes());
            }
            g.writeBooleanField("verified", r.verified());
            g.writeStringField("verify", r.verifySummary());
            g.writeEndObject();
            if (r.verify() != null)
            {
                g.writeArrayFieldStart("differences");
                for (final Difference d : r.verify().differences())
                {
                    g.writeString(d.toString());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }

    private static void number(final JsonGenerator g, final String name, final double v) throws IOException
    {
        if (Double.isNaN(v))
        {
            g.writeNullField(name);
        }
        else
        {
            g.writeNumberField(name, v);
        }
    }
}
