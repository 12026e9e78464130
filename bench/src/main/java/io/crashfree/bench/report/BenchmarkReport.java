package io.crashfree.bench.report;

import io.crashfree.bench.OptionValues;
import io.crashfree.bench.e2e.EndToEndOptions;
import io.crashfree.bench.soak.SoakOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/crashfree bench report}: runs the benchmarks of the chosen sections (the JMH suites through JMH's Java
 * API, the one-shot benchmarks in child JVMs, the end-to-end scenarios through {@code EndToEndBenchmark}) and writes
 * each section's figures into its generated block of BENCHMARKS.md ({@link GeneratedBlocks}), with the command that
 * reproduces them, the machine's cores, the Java version, the date and the load average at the start. The prose
 * around the blocks is never touched; sections not run keep their old block.
 * <p>
 * Every block's markers are checked before anything runs, and the file is rewritten after each section, so a
 * failure late in a long run keeps the sections already measured.
 */
public final class BenchmarkReport
{
    /** The first line of every block a {@code --quick} run writes. */
    public static final String QUICK_LABEL = "**Quick run, not a measurement**";

    private static final String DEFAULT_CONFIG = "conf/crashfree.properties";

    private final ReportOptions options;
    private final PrintStream out;

    /**
     * @param options the settings.
     * @param out     where progress goes (JMH's and the children's output too).
     */
    public BenchmarkReport(final ReportOptions options, final PrintStream out)
    {
        this.options = options;
        this.out = out;
    }

    /**
     * @param args see {@link ReportOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final ReportOptions options = OptionValues.parseOrExit("report: ", ReportOptions::parse, args);
        try
        {
            new BenchmarkReport(options, System.out).run();
            System.exit(0);
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            System.err.println("report: " + ex.getMessage());
            System.exit(1);
        }
        catch (final Exception ex)
        {
            System.err.println("report: " + ex);
            ex.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Runs each chosen section and replaces its block in {@link ReportOptions#out()}.
     *
     * @return the blocks written, by section.
     * @throws Exception when a block's markers are missing (before anything runs), or a benchmark fails.
     */
    public Map<Section, String> run() throws Exception
    {
        final Path file = options.out();
        if (!Files.exists(file))
        {
            writeAtomically(file, skeleton());
            out.println("report: created " + file + " with an empty block per section");
        }
        final Map<String, String> check = new LinkedHashMap<>();
        for (final Section s : options.sections())
        {
            check.put(s.id(), "");
        }
        GeneratedBlocks.replace(read(file), check);
        final EndToEndOptions e2e = options.sections().contains(Section.E2E) ?
            EndToEndSection.e2eOptions(options) : null;
        final SoakOptions soak = options.sections().contains(Section.SOAK) ? SoakSection.soakOptions(options) : null;

        final Map<Section, String> written = new LinkedHashMap<>();
        for (final Section s : options.sections())
        {
            out.println();
            out.println("== report: " + s.id() + " (" + s.title() + ")" + (options.quick() ? ", quick run" : ""));
            final Machine machine = Machine.capture(Instant.now());
            final String body = switch (s)
            {
                case DECODE, FOLD, FILTERS, QUERY -> JmhTables.render(s, JmhRun.run(s, options, out));
                case FLUSH -> OneShotSections.flush(options, out);
                case QUERY_LOAD -> OneShotSections.queryLoad(options, out);
                case E2E -> EndToEndSection.run(e2e, out);
                case SOAK -> SoakSection.run(soak, out);
            };
            final String block = block(s, options, machine, body);
            // Read again: the prose may have been edited while the section ran.
            writeAtomically(file, GeneratedBlocks.replace(read(file), Map.of(s.id(), block)));
            written.put(s, block);
            out.println("report: " + s.id() + " written to " + file);
        }
        return written;
    }

    /**
     * @param s       the section.
     * @param options the driver's settings.
     * @param machine the machine at the section's start.
     * @param body    the section's table and comparisons.
     * @return the block: quick-run label, machine, commands, then the body.
     */
    static String block(final Section s, final ReportOptions options, final Machine machine, final String body)
    {
        final StringBuilder b = new StringBuilder();
        if (options.quick())
        {
            b.append(QUICK_LABEL).append(": `--quick` ").append(quickNote(s))
                .append("; the figures below only show that the report driver works.\n\n");
        }
        b.append(machine.markdown()).append("\n\n");
        b.append("Command: `").append(reportCommand(s, options)).append("`; without the driver: ")
            .append(String.join(", then ", commands(s, options))).append(".\n\n");
        b.append(body);
        return b.toString();
    }

    /** @return what {@code --quick} cut short in this section. */
    private static String quickNote(final Section s)
    {
        return switch (s)
        {
            case DECODE, FOLD, FILTERS, QUERY -> "runs 1 warm-up and 1 measured iteration of 100 ms per benchmark";
            case FLUSH -> "flushes 1,000 keys instead of 100,000, after a 0.3 s baseline";
            case QUERY_LOAD -> "holds 2 h of data for 5 releases instead of a day for 100, with 1.5 s legs";
            case E2E -> "runs one pair of 1 s legs per scenario, without warm-up";
            case SOAK -> "probes 8 s and runs 48 s of load with a row every 12 s and sessions of 5..30 s";
        };
    }

    /** @return the driver's command for this section alone, with the options that shaped its figures. */
    static String reportCommand(final Section s, final ReportOptions options)
    {
        final StringBuilder c = new StringBuilder("bin/crashfree bench report --only ").append(s.id());
        if (options.quick())
        {
            c.append(" --quick");
        }
        if (s.jmhInclude() != null && options.forks() >= 0)
        {
            c.append(" --forks ").append(options.forks());
        }
        if (s.jmhInclude() != null && options.benchmarks() != null)
        {
            c.append(" --benchmarks '").append(options.benchmarks()).append('\'');
        }
        if ((s == Section.E2E || s == Section.SOAK) && !options.config().toString().equals(DEFAULT_CONFIG))
        {
            c.append(" --config ").append(options.config());
        }
        if (s == Section.E2E && !options.e2eArgs().isEmpty())
        {
            c.append(" --e2e '").append(String.join(" ", options.e2eArgs())).append('\'');
        }
        if (s == Section.SOAK && !options.soakArgs().isEmpty())
        {
            c.append(" --soak '").append(String.join(" ", options.soakArgs())).append('\'');
        }
        return c.toString();
    }

    private static List<String> commands(final Section s, final ReportOptions options)
    {
        return switch (s)
        {
            case DECODE, FOLD, FILTERS, QUERY -> List.of("`" + JmhRun.jmhCommand(s, options) + "` (its forks, " +
                "like the driver's, get the node's JVM flags: the parent pom's `crashfree.jvm.flags`)");
            case FLUSH -> OneShotSections.flushCommands(options);
            case QUERY_LOAD -> OneShotSections.queryLoadCommands(options);
            case E2E -> EndToEndSection.commands(options);
            case SOAK -> SoakSection.commands(options);
        };
    }

    /** @return a new report file: a heading and an empty block per section. */
    static String skeleton()
    {
        final List<String> lines = new ArrayList<>(List.of("# Benchmarks", "",
            "Written by `bin/crashfree bench report`: each block between generated markers is replaced by a run of " +
                "its section; text outside the blocks is kept.", ""));
        for (final Section s : Section.values())
        {
            final String heading = Character.toUpperCase(s.title().charAt(0)) + s.title().substring(1);
            lines.addAll(List.of("## " + heading, "", GeneratedBlocks.begin(s.id()), "Not run yet.",
                GeneratedBlocks.end(s.id()), ""));
        }
        return String.join("\n", lines);
    }

    private static String read(final Path file) throws IOException
    {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void writeAtomically(final Path file, final String text) throws IOException
    {
        final Path absolute = file.toAbsolutePath();
        final Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
