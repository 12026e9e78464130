package io.crashfree.aggregation.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A node's data directory while it opens: locked ({@link DataDirLock}), checked against its manifest, scanned for
 * files it does not know, and tidied up again if opening fails.
 * <p>
 * The manifest, {@value #MANIFEST}, lists the files the directory was initialised with; it is written once, when the
 * directory is first opened successfully. From then on a listed file that is missing stops start-up with a message
 * naming it, instead of a node that silently starts again from nothing. A directory without a manifest is new, or was
 * written by an earlier version: it is adopted (its files are taken as they are) and gets one.
 *
 * <pre>
 *  # Crashfree data directory: ...
 *  format=1
 *  created=2026-11-25T12:00:00Z
 *  file=live/table.dat
 *  file=...
 * </pre>
 */
public final class DataDirectory implements AutoCloseable
{
    /** The manifest file, in the data directory. */
    public static final String MANIFEST = "MANIFEST";
    /** The releases registry's subdirectory (its database and git clones): the node's, not an unknown file. */
    public static final String REGISTRY_SUBDIR = "registry";
    /** The forwarding spool's subdirectory (segment files of envelopes for upstream error trackers): the node's. */
    public static final String SPOOL_SUBDIR = "spool";

    private static final int FORMAT = 1;
    private static final String TMP_SUFFIX = ".tmp";
    private static final String IMPORT_SUFFIX = ".import";

    private final Path dir;
    private final DataDirLock lock;
    private final boolean hasManifest;
    private final Set<Path> filesBefore;
    private final List<Path> dirsBefore;
    private final List<String> expected;

    private DataDirectory(final Path dir, final DataDirLock lock, final boolean hasManifest,
        final Set<Path> filesBefore, final List<Path> dirsBefore, final List<String> expected)
    {
        this.dir = dir;
        this.lock = lock;
        this.hasManifest = hasManifest;
        this.filesBefore = filesBefore;
        this.dirsBefore = dirsBefore;
        this.expected = expected;
    }

    /**
     * Creates the directory if needed, locks it, checks the files its manifest lists, and warns about files it does
     * not know (they are left alone).
     *
     * @param dir          the data directory.
     * @param subdirs      its subdirectories that hold data files ({@code live}, {@code store}).
     * @param expected     the files it must hold, relative ({@code live/table.dat}): what a new manifest lists.
     * @param alternatives for an expected file, another relative path that stands for it while a conversion is under
     *                     way ({@code live/names.dat} → {@code live/names.dat.import}); may be empty.
     * @param known        whether a relative path is one of the node's files (expected, or made as it runs).
     * @param log          receives warnings (one line each).
     * @return the opened directory; {@link #close} releases it, {@link #abandon} also removes what was made since.
     * @throws IllegalStateException naming the directory or file when another node has it, the manifest is damaged, or
     *                               a listed file is missing.
     */
    public static DataDirectory open(final Path dir, final List<String> subdirs, final List<String> expected,
        final Map<String, String> alternatives, final Predicate<String> known, final Consumer<String> log)
    {
        final List<Path> dirsBefore = new ArrayList<>();
        try
        {
            for (final String sub : subdirs)
            {
                if (Files.isDirectory(dir.resolve(sub)))
                {
                    dirsBefore.add(dir.resolve(sub));
                }
            }
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the data directory " + dir + ": " + ex.getMessage(), ex);
        }
        final DataDirLock lock = DataDirLock.acquire(dir);
        try
        {
            final Path manifest = dir.resolve(MANIFEST);
            Files.deleteIfExists(dir.resolve(MANIFEST + TMP_SUFFIX));
            final boolean hasManifest = Files.exists(manifest);
            if (hasManifest)
            {
                for (final String file : readManifest(manifest))
                {
                    final String alternative = alternatives.get(file);
                    if (!Files.exists(dir.resolve(file)) && (alternative == null ||
                        !Files.exists(dir.resolve(alternative))))
                    {
                        throw new IllegalStateException("data file " + dir.resolve(file) + " is missing: " +
                            manifest + " lists it among the files this data directory was initialised with. " +
                            "Restore it from a backup; or, to start without what it held, move the directory's " +
                            "files away (or remove that line from the manifest) and restart");
                    }
                }
            }
            final Set<Path> before = new HashSet<>();
            for (final String sub : subdirs)
            {
                final Path subdir = dir.resolve(sub);
                if (!Files.isDirectory(subdir))
                {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(subdir))
                {
                    for (final Path f : files)
                    {
                        before.add(f);
                        final String relative = sub + "/" + f.getFileName();
                        if (!known.test(relative))
                        {
                            log.accept("ignoring unknown file " + f + " in the data directory (not a Crashfree " +
                                "data file; move it elsewhere to silence this warning)");
                        }
                    }
                }
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir))
            {
                for (final Path f : files)
                {
                    final String name = f.getFileName().toString();
                    if (!name.equals(MANIFEST) && !name.equals(DataDirLock.FILE_NAME) && !subdirs.contains(name) &&
                        !name.equals(REGISTRY_SUBDIR) && !name.equals(SPOOL_SUBDIR))
                    {
                        log.accept("ignoring unknown file " + f + " in the data directory (not a Crashfree data " +
                            "file; move it elsewhere to silence this warning)");
                    }
                }
            }
            return new DataDirectory(dir, lock, hasManifest, before, dirsBefore, List.copyOf(expected));
        }
        catch (final IOException ex)
        {
            lock.close();
            throw new UncheckedIOException("cannot read the data directory " + dir + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            lock.close();
            throw ex;
        }
    }

    private static List<String> readManifest(final Path manifest) throws IOException
    {
        final List<String> files = new ArrayList<>();
        boolean format = false;
        for (final String raw : Files.readAllLines(manifest, StandardCharsets.UTF_8))
        {
            final String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            if (line.equals("format=" + FORMAT))
            {
                format = true;
            }
            else if (line.startsWith("file=") && line.length() > 5 && !line.contains(".."))
            {
                files.add(line.substring(5));
            }
            else if (!line.startsWith("created="))
            {
                throw new IllegalStateException("manifest " + manifest + " is damaged or of another version: " +
                    "unexpected line '" + line + "' (expected format=" + FORMAT + ", created=, file= lines). Restore " +
                    "it from a backup, or move it away to have it written anew from the files present");
            }
        }
        if (!format)
        {
            throw new IllegalStateException("manifest " + manifest + " is damaged or of another version: no line " +
                "format=" + FORMAT + ". Restore it from a backup, or move it away to have it written anew from the " +
                "files present");
        }
        return files;
    }

    /** @return whether the directory had a manifest (false: it is new, or was written by an earlier version). */
    public boolean hasManifest()
    {
        return hasManifest;
    }

    /** @return whether the directory held data files before this open (an earlier run left them). */
    public boolean hadFiles()
    {
        return !filesBefore.isEmpty();
    }

    /** @return the directory. */
    public Path path()
    {
        return dir;
    }

    /**
     * Checks that the files still to be made fit on the directory's filesystem, before any is made.
     *
     * @param planned relative path → bytes of every file the open will create if missing (files that exist are
     *                skipped).
     * @throws DiskFullException naming the directory, the bytes needed (per file) and the bytes usable.
     */
    public void checkSpace(final Map<String, Long> planned)
    {
        long needed = 0;
        final StringBuilder detail = new StringBuilder();
        final Map<String, Long> missing = new LinkedHashMap<>();
        for (final Map.Entry<String, Long> e : planned.entrySet())
        {
            if (!Files.exists(dir.resolve(e.getKey())))
            {
                missing.merge(e.getKey(), e.getValue(), Long::sum);
            }
        }
        for (final Map.Entry<String, Long> e : missing.entrySet())
        {
            needed += e.getValue();
            detail.append(detail.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        final long usable = DiskSpace.usableBytes(dir);
        if (needed > usable)
        {
            throw new DiskFullException(dir, needed, usable, "for its new files (" + detail + ")", null);
        }
    }

    /**
     * The open succeeded: writes the manifest if the directory had none (under a temporary name, then renamed).
     */
    public void commit()
    {
        if (hasManifest)
        {
            return;
        }
        final StringBuilder text = new StringBuilder()
            .append("# Crashfree data directory: the files start-up expects here. A listed file that is missing ")
            .append("stops start-up.\n")
            .append("format=").append(FORMAT).append('\n')
            .append("created=").append(Instant.now()).append('\n');
        for (final String file : expected)
        {
            text.append("file=").append(file).append('\n');
        }
        final Path manifest = dir.resolve(MANIFEST);
        final Path tmp = dir.resolve(MANIFEST + TMP_SUFFIX);
        try
        {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, manifest, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(tmp);
            }
            catch (final IOException ignored)
            {
                // the first error is the one reported
            }
            throw new UncheckedIOException("cannot write the manifest " + manifest + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The open failed: removes every file made in the data subdirectories since {@link #open} (and those
     * subdirectories if they were made too; but never a {@code .import} file, an earlier file renamed for a
     * conversion), then releases the directory. Call after closing what was opened.
     */
    public void abandon()
    {
        try
        {
            for (final Path sub : subdirsNow())
            {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(sub))
                {
                    for (final Path f : files)
                    {
                        // An ".import" file is an earlier file renamed while it is converted: never made from nothing
                        if (!filesBefore.contains(f) && !f.getFileName().toString().endsWith(IMPORT_SUFFIX))
                        {
                            Files.deleteIfExists(f);
                        }
                    }
                }
                if (!dirsBefore.contains(sub))
                {
                    try (DirectoryStream<Path> left = Files.newDirectoryStream(sub))
                    {
                        if (!left.iterator().hasNext())
                        {
                            Files.delete(sub);
                        }
                    }
                }
            }
        }
        catch (final IOException ignored)
        {
            // best effort: the failure that made us abandon is the one reported
        }
        finally
        {
            close();
        }
    }

    private List<Path> subdirsNow() throws IOException
    {
        final List<Path> subs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir))
        {
            for (final Path p : entries)
            {
                if (Files.isDirectory(p) && (dirsBefore.contains(p) || expected.stream().anyMatch(
                    e -> e.startsWith(p.getFileName() + "/"))))
                {
                    subs.add(p);
                }
            }
        }
        return subs;
    }

    /** Releases the directory. */
    @Override
    public void close()
    {
        lock.close();
    }
}
