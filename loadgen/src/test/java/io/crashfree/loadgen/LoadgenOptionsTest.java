package io.crashfree.loadgen;

import io.crashfree.loadgen.workload.EnvelopeKind;
import io.crashfree.loadgen.workload.SdkStyle;
import org.junit.jupiter.api.Test;

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
    void shouldNameTheBadOptionAndValue()
    {
        final String[][] rows = {
            {"--sdk=python", "unknown option"},
            {"--sdk", "python", "--sdk must be java or node: python"},
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
}
