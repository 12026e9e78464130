package io.crashfree.aggregation;

import io.crashfree.aggregation.files.DataDirLock;
import io.crashfree.aggregation.files.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory as a whole: one user at a time, a manifest of its files that makes a missing one stop the open
 * (naming it), files it does not know left alone with a warning, and a directory of an earlier version adopted.
 */
class DataDirectoryTest
{
    private static final long NOW_MS = 1_764_000_000_000L;

    @TempDir
    Path dir;

    private AggregationSettings settings()
    {
        return new AggregationSettings(dir.resolve("data"), 60, 1024, 16, 64, 64, 1000, 48 * 3600L, 90 * 86_400L, 120,
            1000, 5 * 86_400L, 60, 0.75, 0);
    }

    @Test
    void shouldRefuseASecondUserOfTheDirectoryNamingItAndTheHolder() throws IOException
    {
        try (Aggregation first = Aggregation.openManual(settings(), () -> NOW_MS))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Aggregation.openManual(settings(), () -> NOW_MS).close());
            final Path real = settings().dataDir().toRealPath();
            assertTrue(ex.getMessage().startsWith("the data directory " + real + " is in use by another node (this " +
                "process, pid " + ProcessHandle.current().pid() + ", started "), ex.getMessage());
            assertTrue(ex.getMessage().contains(real.resolve(DataDirLock.FILE_NAME).toString()), ex.getMessage());
        }
        // released on close
        Aggregation.openManual(settings(), () -> NOW_MS).close();
    }

    @Test
    void shouldRefuseToOpenWhenAFileOfTheManifestIsMissingNamingIt() throws IOException
    {
        for (final String file : List.of("live/table.dat", "live/dense.dat", "live/sets.dat", "live/names.dat",
            "store/aggregates.cm"))
        {
            final AggregationSettings settings = new AggregationSettings(dir.resolve(file.replace('/', '-')), 60, 1024,
                16, 64, 64, 1000, 48 * 3600L, 90 * 86_400L, 120, 1000, 5 * 86_400L, 60, 0.75, 0);
            Aggregation.openManual(settings, () -> NOW_MS).close();
            assertTrue(Files.exists(settings.dataDir().resolve(DataDirectory.MANIFEST)));
            Files.delete(settings.dataDir().resolve(file));
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Aggregation.openManual(settings, () -> NOW_MS).close(), file);
            assertTrue(ex.getMessage().startsWith("data file " + settings.dataDir().resolve(file) + " is missing: "),
                ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
            assertFalse(Files.exists(settings.dataDir().resolve(file)), "nothing is made up in its place");
        }
    }

    @Test
    void shouldWarnAboutFilesItDoesNotKnowAndLeaveThemAlone() throws IOException
    {
        Aggregation.openManual(settings(), () -> NOW_MS).close();
        final Path data = settings().dataDir();
        Files.writeString(data.resolve("live/notes.txt"), "mine");
        Files.writeString(data.resolve("live/dedup-copy.dat"), "mine too");
        Files.writeString(data.resolve("stray.bin"), "and this");
        final List<String> warnings = new CopyOnWriteArrayList<>();
        Aggregation.openManual(settings(), () -> NOW_MS, warnings::add).close();
        for (final String stray : List.of("live/notes.txt", "live/dedup-copy.dat", "stray.bin"))
        {
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("ignoring unknown file " + data.resolve(stray) +
                " in the data directory")), stray + ": " + warnings);
            assertTrue(Files.exists(data.resolve(stray)), stray + " is left alone");
        }
        assertEquals(3, warnings.size(), warnings.toString());
    }

    @Test
    void shouldAdoptADirectoryWithoutAManifestAndWriteOne() throws IOException
    {
        Aggregation.openManual(settings(), () -> NOW_MS).close();
        final Path manifest = settings().dataDir().resolve(DataDirectory.MANIFEST);
        Files.delete(manifest);
        final List<String> warnings = new CopyOnWriteArrayList<>();
        Aggregation.openManual(settings(), () -> NOW_MS, warnings::add).close();
        assertTrue(warnings.get(0).contains("has no MANIFEST"), warnings.toString());
        final List<String> lines = Files.readAllLines(manifest);
        assertTrue(lines.contains("format=1"), lines.toString());
        for (final String file : List.of("live/table.dat", "live/dense.dat", "live/sets.dat", "live/names.dat",
            "store/aggregates.cm"))
        {
            assertTrue(lines.contains("file=" + file), lines.toString());
        }
    }

    @Test
    void shouldRefuseADamagedManifestNamingIt() throws IOException
    {
        Aggregation.openManual(settings(), () -> NOW_MS).close();
        final Path manifest = settings().dataDir().resolve(DataDirectory.MANIFEST);
        Files.writeString(manifest, "format=1\nfile=live/table.dat\n\u0000\u0001garbage\n");
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> Aggregation.openManual(settings(), () -> NOW_MS).close());
        assertTrue(ex.getMessage().startsWith("manifest " + manifest + " is damaged"), ex.getMessage());
    }
}
