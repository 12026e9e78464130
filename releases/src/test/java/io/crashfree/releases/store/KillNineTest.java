package io.crashfree.releases.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashfree.releases.notify.DeployNotifier;
import io.crashfree.releases.registry.RegistryContext;
import io.crashfree.releases.registry.ReleaseRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability with a real {@code kill -9}: a child JVM creates releases and acknowledges each one on stdout; it is
 * killed with SIGKILL mid-stream; every acknowledged release must be there when the file is reopened.
 */
class KillNineTest
{

    private static final int ACKS_BEFORE_KILL = 50;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(120)
    void shouldKeepEveryAcknowledgedReleaseAfterKillNine() throws Exception
    {
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"),
                RegistryWriterProcess.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        List<String> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)))
        {
            String line;
            while (acked.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null)
            {
                if (line.startsWith("ACK "))
                {
                    acked.add(line.substring(4));
                }
                else
                {
                    System.out.println("child: " + line);
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child died");
        }
        assertEquals(ACKS_BEFORE_KILL, acked.size(), "the child acknowledged writes before the kill");
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        try (SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, System.currentTimeMillis()))
        {
            ReleaseRegistry registry = ReleaseRegistry.open(store, new RegistryContext(
                    List.of(new RegistryContext.Organization("acme", List.of("default"), List.of())), Set.of(),
                    DeployNotifier.OFF, dataDir.resolve("git")));
            for (String version : acked)
            {
                assertEquals(200, registry.release("acme", version).status(), "acknowledged " + version + " survived");
            }
            int kept = registry.listReleases("acme", null, null).value().size();
            assertTrue(kept >= acked.size(), "kept " + kept);
        }
    }
}
