package io.crashfree.releases.store;

import io.crashfree.releases.notify.DeployNotifier;
import io.crashfree.releases.registry.RegistryContext;
import io.crashfree.releases.registry.ReleaseInput;
import io.crashfree.releases.registry.ReleaseRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The child JVM of {@link KillNineTest}: creates releases {@code app@1}, {@code app@2}, … as fast as it can and prints
 * {@code ACK <version>} after each create returned (the acknowledgement a client would get), until it is killed.
 */
public final class RegistryWriterProcess
{

    private RegistryWriterProcess()
    {
    }

    /**
     * Runs the writer.
     *
     * @param args the data directory
     * @throws Exception when the registry fails
     */
    public static void main(String[] args) throws Exception
    {
        Path dataDir = Path.of(args[0]);
        SqliteRegistryStore store = SqliteRegistryStore.open(dataDir, System.currentTimeMillis());
        ReleaseRegistry registry = ReleaseRegistry.open(store, new RegistryContext(
                List.of(new RegistryContext.Organization("acme", List.of("default"), List.of())), Set.of(),
                DeployNotifier.OFF, dataDir.resolve("git")));
        for (int n = 1; ; n++)
        {
            String version = "app@" + n;
            int status = registry.createRelease("acme", ReleaseInput.of(version, List.of("default")),
                    System.currentTimeMillis()).status();
            if (status != 201)
            {
                throw new IllegalStateException("create " + version + " answered " + status);
            }
            System.out.println("ACK " + version);
            System.out.flush();
        }
    }
}
