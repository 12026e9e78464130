package io.crashfree.bench.report;

import io.crashfree.bench.HelpRequested;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of the report driver, from its command line.
 *
 * @param sections   sections to run, in the order of {@link Section}.
 * @param quick      tiny iteration counts and durations: a smoke run, labelled as such in every block it writes.
 * @param out        the Markdown file whose generated blocks are replaced.
 * @param forks      JMH forks per benchmark, or -1 for what each benchmark's {@code @Fork} says (0 = in this JVM).
 * @param benchmarks a regex narrowing the JMH benchmarks of the chosen sections, or null for all of them.
 * @param nodeJar    the node's shaded jar (end-to-end section), or null.
 * @param jvmFlags   the node's JVM flags (the parent pom's {@code crashfree.jvm.flags}), given to JMH forks, the
 *                   one-shot child JVMs and the end-to-end node.
 * @param config     the node's configuration file (end-to-end section).
 * @param e2eArgs    further options for the end-to-end section ({@code bin/crashfree bench e2e --help}).
 * @param soakArgs   further options for the soak section ({@code bin/crashfree bench soak --help}).
 */
public record ReportOptions(List<Section> sections, boolean quick, Path out, int forks, String benchmarks,
    Path nodeJar, List<String> jvmFlags, Path config, List<String> e2eArgs, List<String> soakArgs)
{
    /** Usage text. */
    public static final String USAGE = String.join("\n",
        "usage: bin/crashfree bench report [options]",
        "  runs the benchmarks and rewrites the generated blocks of BENCHMARKS.md (<!-- generated:ID begin/end -->),",
        "  leaving the prose around them as it is",
        "  --only LIST          sections to run: " + Section.ids() + " (default all, in that order)",
        "  --quick              1 warm-up and 1 measured iteration of 100 ms, one-shots and end-to-end cut short:",
        "                       a smoke run, not a measurement (every block it writes says so)",
        "  --out FILE           the Markdown file to update (default BENCHMARKS.md; created when missing)",
        "  --forks N            JMH forks per benchmark (default: each benchmark's @Fork; 0 runs in this JVM)",
        "  --benchmarks REGEX   only the JMH benchmarks of the chosen sections that match REGEX",
        "  --e2e \"OPTIONS\"      more options for the end-to-end section (see bin/crashfree bench e2e --help)",
        "  --soak \"OPTIONS\"     more options for the soak section (see bin/crashfree bench soak --help)",
        "  --node-jar JAR --jvm-flags \"...\" --config FILE   how to start the node (bin/crashfree passes them)");

    /**
     * @param args command line.
     * @return the settings.
     * @throws IllegalArgumentException naming the bad option (its message is the usage for {@code --help}).
     */
    public static ReportOptions parse(final String... args)
    {
        List<Section> sections = List.of(Section.values());
        boolean quick = false;
        Path out = Path.of("BENCHMARKS.md");
        int forks = -1;
        String benchmarks = null;
        Path nodeJar = null;
        List<String> jvmFlags = split(System.getProperty("crashfree.jvm.flags", ""));
        Path config = Path.of("conf/crashfree.properties");
        List<String> e2eArgs = List.of();
        List<String> soakArgs = List.of();
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if (a.equals("--quick"))
            {
                quick = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h"))
            {
                throw new HelpRequested(USAGE);
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
            }
            final String v = args[++i];
            switch (a)
            {
                case "--only" -> sections = sections(v);
                case "--out" -> out = Path.of(v);
                case "--forks" -> forks = forks(v);
                case "--benchmarks" -> benchmarks = regex(v);
                case "--node-jar" -> nodeJar = Path.of(v);
                case "--jvm-flags" -> jvmFlags = split(v);
                case "--config" -> config = Path.of(v);
                case "--e2e" -> e2eArgs = split(v);
                case "--soak" -> soakArgs = split(v);
                default -> throw new IllegalArgumentException("unknown option: " + a + "\n" + USAGE);
            }
        }
        for (final Section s : List.of(Section.E2E, Section.SOAK))
        {
            if (sections.contains(s) && nodeJar == null)
            {
                throw new IllegalArgumentException("--node-jar is required for the " + s.id() + " section " +
                    "(bin/crashfree bench report passes it)");
            }
        }
        return new ReportOptions(sections, quick, out, forks, benchmarks, nodeJar, jvmFlags, config, e2eArgs,
            soakArgs);
    }

    private static List<Section> sections(final String list)
    {
        final List<Section> chosen = new ArrayList<>();
        for (final String id : list.split(","))
        {
            final Section s = Section.byId(id.trim());
            if (s == null)
            {
                throw new IllegalArgumentException("--only: unknown section " + id.trim() + " (" + Section.ids() +
                    ")");
            }
            if (!chosen.contains(s))
            {
                chosen.add(s);
            }
        }
        chosen.sort(null);
        return List.copyOf(chosen);
    }

    private static int forks(final String v)
    {
        try
        {
            final int n = Integer.parseInt(v);
            if (n >= 0 && n <= 100)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // answered below
        }
        throw new IllegalArgumentException("--forks must be a whole number from 0 to 100: " + v);
    }

    private static String regex(final String v)
    {
        try
        {
            Pattern.compile(v);
            return v;
        }
        catch (final PatternSyntaxException ex)
        {
            throw new IllegalArgumentException("--benchmarks is not a regex: " + v + " (" + ex.getDescription() + ")");
        }
    }

    private static List<String> split(final String v)
    {
        return v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
    }
}
