package io.crashfree.loadgen;

import io.crashfree.loadgen.workload.EnvelopeKind;
import io.crashfree.loadgen.workload.SdkStyle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Options: the defaults, the SDK defaults and their overrides, and one row per bad value with the message that names
 * it.
 */
class LoadgenOptionsTest
{
    @Test
    void shouldDefaultToTheDefaultNodeAndTheNodeSdk() throws Exception
    {
        final LoadgenOptions o = LoadgenOptions.parse();
        assertEquals(Target.DEFAULT_DSN, "http://" + o.target().publicKey() + "@" + o.target().host() + ":" +
            o.target().address().getPort() + "/" + o.target().projectId());
        assertEquals(SdkStyle.NODE, o.workload().style());
        assertFalse(o.close());
        assertFalse(o.gzip());
        assertEquals(EnvelopeKind.SESSION, o.workload().envelopeKind());
        assertEquals(10.0, o.durationSeconds());
        assertEquals(20, o.workload().releases().size());
        assertTrue(o.workload().releases().get(0).startsWith("loadgen-" + o.runId() + "@1."));
        assertEquals(0, o.rate());
    }

    @Test
    void shouldTakeTheJavaSdksHabitsUnlessOverridden() throws Exception
    {
        final LoadgenOptions java = LoadgenOptions.parse("--sdk", "java");
        assertTrue(java.close() && java.gzip());
        final LoadgenOptions overridden = LoadgenOptions.parse("--sdk", "java", "--connection", "keep-alive",
            "--no-gzip");
        assertFalse(overridden.close() || overridden.gzip());
        final LoadgenOptions none = LoadgenOptions.parse("--environments", "production:3,none:1");
        assertNull(none.workload().environments().get(1), "'none' sends no environment");
        assertEquals(600.0, LoadgenOptions.parse("--count", "5").durationSeconds(), "a count alone is bounded too");
    }

    @Test
    void shouldTakeSeveralProjectsAnSdkMixAndLongSessions() throws Exception
    {
        final LoadgenOptions o = LoadgenOptions.parse("--dsn", "http://" + "a".repeat(32) + "@127.0.0.1:9400/1",
            "--dsn", "http://" + "b".repeat(32) + "@127.0.0.1:9400/2", "--dsn", "http://" + "c".repeat(32) +
                "@localhost:9400/3", "--project-weights", "2,1,1", "--sdk", "java:0.25,node:0.75",
            "--session-length", "60..1800", "--users", "1000000", "--releases", "200", "--environments",
            "production,staging,development");
        assertEquals(3, o.workload().projects());
        assertEquals(List.of(1L, 2L, 3L), List.of(o.workload().projectId(0), o.workload().projectId(1),
            o.workload().projectId(2)));
        assertArrayEquals(new double[] {2, 1, 1}, o.workload().projectWeights());
        assertEquals("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", o.targets().get(1).publicKey());
        assertArrayEquals(new double[] {0.25, 0.75}, o.workload().styleWeights());
        assertEquals("java:0.25,node:0.75", o.workload().describeStyles());
        assertTrue(o.close(SdkStyle.JAVA) && !o.close(SdkStyle.NODE), "each SDK keeps its connection habit");
        assertTrue(o.gzip(SdkStyle.JAVA) && !o.gzip(SdkStyle.NODE), "each SDK keeps its encoding");
        assertTrue(o.workload().longSessions());
        assertEquals(60_000, o.workload().sessionMinMs());
        assertEquals(1_800_000, o.workload().sessionMaxMs());
        assertEquals(3 * 200 * 3, o.workload().keyCount());
        assertTrue(o.describe().contains("3 projects") && o.describe().contains("sessions of 60.0..1800.0 s"),
            o.describe());
        final LoadgenOptions even = LoadgenOptions.parse("--dsn", "http://" + "a".repeat(32) + "@127.0.0.1:9400/1",
            "--dsn", "http://" + "b".repeat(32) + "@127.0.0.1:9400/2", "--session-length", "30",
            "--connection", "keep-alive", "--sdk", "java,node");
        assertArrayEquals(new double[] {1, 1}, even.workload().projectWeights(), "even by default");
        assertEquals(30_000, even.workload().sessionMinMs());
        assertEquals(30_000, even.workload().sessionMaxMs());
        assertFalse(even.close(SdkStyle.JAVA), "--connection overrides every SDK");
        assertFalse(LoadgenOptions.parse().workload().longSessions(), "sessions end at once by default");
    }

    @Test
    void shouldNameTheBadOptionAndValue()
    {
        final String[][] rows = {
            {"--sdk=python", "unknown option"},
            {"--sdk", "python", "--sdk must be java, node or a mix such as java:0.5,node:0.5: python"},
            {"--sdk", "java:1,java:2", "--sdk: java appears twice"},
            {"--sdk", "java:0,node:0", "--sdk: at least one weight must be positive"},
            {"--sdk", "java:x", "--sdk must be a number: x"},
            {"--session-length", "1800..60", "--session-length MIN..MAX needs MIN <= MAX"},
            {"--session-length", "60..", "--session-length must be a number"},
            {"--session-length", "-1..5", "--session-length must be between 0"},
            {"--dsn", "http://" + "a".repeat(32) + "@127.0.0.1:9400/1", "--dsn", "http://" + "b".repeat(32) +
                "@127.0.0.1:9401/2", "every --dsn must name the same node"},
            {"--dsn", "http://" + "a".repeat(32) + "@127.0.0.1:9400/1", "--dsn", "http://" + "b".repeat(32) +
                "@127.0.0.1:9400/1", "project 1 appears twice"},
            {"--project-weights", "1,1", "--project-weights needs one weight per --dsn: 2 weights, 1 DSNs"},
            {"--project-weights", "0", "--project-weights: at least one weight must be positive"},
            {"--connection", "sometimes", "--connection must be keep-alive or close"},
            {"--envelopes", "events", "--envelopes must be session, sessions or mix"},
            {"--connections", "0", "--connections must be between 1 and"},
            {"--rate", "fast", "--rate must be a number: fast"},
            {"--duration", "0", "--duration must be between"},
            {"--mix", "crashed", "--mix entries are status:weight"},
            {"--mix", "exploded:1", "--mix: unknown status exploded"},
            {"--mix", "healthy:0", "at least one weight must be positive"},
            {"--environments", "prod uction", "may not contain spaces"},
            {"--environments", "a,a", "appears twice"},
            {"--release-prefix", "my app@", "--release-prefix: names may not contain spaces"},
            {"--release-prefix", "a/b@", "'/'"},
            {"--warmup", "10", "--duration", "5", "--warmup must be shorter than --duration"},
            {"--users", "100000001", "--users must be between 1 and 100000000"},
            {"--org", "a b", "--org must be a slug"},
            {"--dsn", "http://x@127.0.0.1:9400/1", "32-hex-character public key"},
            {"--count", "-1", "--count must be between 1"},
            {"--seed", "", "--seed must be an integer"},
            {"--threads", "x", "--threads must be an integer: x"},
            {"--quiet", "--duration", "--duration needs a value"},
        };
        for (final String[] row : rows)
        {
            final String[] args = java.util.Arrays.copyOf(row, row.length - 1);
            final String expected = row[row.length - 1];
            final LoadgenException ex = assertThrows(LoadgenException.class, () -> LoadgenOptions.parse(args),
                String.join(" ", args));
            assertEquals(LoadgenException.USAGE, ex.exitCode(), String.join(" ", args));
            assertTrue(ex.getMessage().contains(expected), String.join(" ", args) + " -> " + ex.getMessage());
        }
    }

    @Test
    void shouldPrintUsageAndExitZeroOnHelp()
    {
        for (final String help : new String[] { "--help", "-h" })
        {
            final java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            final java.io.PrintStream stdout = System.out;
            System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            final int exit;
            try
            {
                exit = LoadgenMain.run(new String[] { help });
            }
            finally
            {
                System.setOut(stdout);
            }
            assertEquals(0, exit, help);
            assertTrue(captured.toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("usage:"), help);
        }
    }
}
