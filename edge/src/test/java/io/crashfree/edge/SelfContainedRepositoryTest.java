package io.crashfree.edge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A clone of the repository alone builds and passes its tests: no source, build file, script or document reaches for
 * the directory beside the project that the project was first developed next to (fixtures live in
 * {@code reference/}).
 */
class SelfContainedRepositoryTest
{
    // Spelled in two parts so that this file does not find itself.
    private static final String OUTSIDE = "../" + "shared";

    @Test
    void shouldReferToNothingOutsideTheRepository() throws IOException
    {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("bin/crashfree")))
        {
            root = root.getParent();
        }
        final List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final Path relative = root.relativize(file);
                if (Files.isRegularFile(file) && !ignored(relative) && mentions(file))
                {
                    offenders.add(relative.toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "files that refer to " + OUTSIDE);
    }

    private static boolean ignored(final Path relative)
    {
        for (final Path part : relative)
        {
            final String name = part.toString();
            if (name.equals("target") || name.equals(".git") || name.equals("data") || name.equals(".idea"))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean mentions(final Path file) throws IOException
    {
        try
        {
            return Files.readString(file).contains(OUTSIDE);
        }
        catch (final MalformedInputException binary)
        {
            return false;
        }
    }
}
