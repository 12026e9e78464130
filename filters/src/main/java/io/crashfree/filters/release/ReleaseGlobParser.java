package io.crashfree.filters.release;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns configured glob text into {@link ReleaseGlob}s (control plane): splits a comma list, expands {@code {a,b}}
 * groups and compiles each result. Errors are {@link IllegalArgumentException}s saying what is wrong and where.
 * <p>
 * The grammar is Relay's {@code relay-pattern}: {@code *}, {@code ?}, {@code [abc]}, {@code [a-z]}, {@code [!a-z]},
 * one level of {@code {a,b}} groups, and {@code \} to escape any character. Malformed: an unclosed {@code [}, a
 * {@code [} inside a class, a stray {@code ]}, a range whose end is below its start, a dangling {@code \}, nested
 * or unbalanced braces. An empty class ({@code []}, {@code [!]}) is ignored, as Relay ignores it.
 */
final class ReleaseGlobParser
{
    /** Most globs one configured entry may expand to. */
    static final int MAX_EXPANSIONS = 256;

    private ReleaseGlobParser()
    {
    }

    /**
     * Splits a configured value at commas outside classes, braces and escapes; trims entries and drops empty ones.
     *
     * @param value the configured list.
     * @return the entries.
     */
    static List<String> splitEntries(final String value)
    {
        final List<String> entries = new ArrayList<>();
        int depthBrace = 0;
        boolean inClass = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '\\')
            {
                i++;
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '{')
            {
                depthBrace++;
            }
            else if (c == '}')
            {
                depthBrace = Math.max(0, depthBrace - 1);
            }
            else if (c == ',' && depthBrace == 0)
            {
                addTrimmed(entries, value.substring(start, i));
                start = i + 1;
            }
        }
        addTrimmed(entries, value.substring(start));
        return entries;
    }

    private static void addTrimmed(final List<String> entries, final String entry)
    {
        final String trimmed = entry.strip();
        if (!trimmed.isEmpty())
        {
            entries.add(trimmed);
        }
    }

    /**
     * Expands the {@code {a,b}} groups of one entry into plain globs; empty alternatives are dropped, as in Relay.
     *
     * @param entry one configured glob.
     * @return the globs it stands for (none when a group has only empty alternatives).
     */
    static List<String> expandAlternates(final String entry)
    {
        final List<String> out = new ArrayList<>();
        expand("", entry, out);
        return out;
    }

    private static void expand(final String prefix, final String rest, final List<String> out)
    {
        boolean inClass = false;
        for (int i = 0; i < rest.length(); i++)
        {
            final char c = rest.charAt(i);
            if (c == '\\')
            {
                i++;
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '}')
            {
                throw new IllegalArgumentException("unbalanced '}' in \"" + prefix + rest + "\"");
            }
            else if (c == '{')
            {
                final List<String> alternatives = new ArrayList<>();
                final int close = splitGroup(rest, i + 1, alternatives, prefix + rest);
                final String head = prefix + rest.substring(0, i);
                final List<String> tails = new ArrayList<>();
                expand("", rest.substring(close + 1), tails);
                for (final String alternative : alternatives)
                {
                    for (final String tail : tails)
                    {
                        out.add(head + alternative + tail);
                        if (out.size() > MAX_EXPANSIONS)
                        {
                            throw new IllegalArgumentException("more than " + MAX_EXPANSIONS +
                                " alternatives in \"" + prefix + rest + "\"");
                        }
                    }
                }
                return;
            }
        }
        out.add(prefix + rest);
    }

    private static int splitGroup(final String text, final int from, final List<String> alternatives,
        final String whole)
    {
        boolean inClass = false;
        int start = from;
        for (int i = from; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\\')
            {
                i++;
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '{')
            {
                throw new IllegalArgumentException("nested '{' in \"" + whole + "\"");
            }
            else if (c == ',' || c == '}')
            {
                if (i > start)
                {
                    alternatives.add(text.substring(start, i));
                }
                start = i + 1;
                if (c == '}')
                {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unclosed '{' in \"" + whole + "\"");
    }

    /**
     * Compiles one glob without groups.
     *
     * @param glob the glob.
     * @return the compiled glob.
     */
    static ReleaseGlob compileOne(final String glob)
    {
        final List<Integer> program = new ArrayList<>();
        final List<int[]> classes = new ArrayList<>();
        final List<Boolean> negations = new ArrayList<>();
        final int[] cps = glob.codePoints().toArray();
        for (int i = 0; i < cps.length; i++)
        {
            final int cp = cps[i];
            switch (cp)
            {
                case '*':
                    if (program.isEmpty() || program.get(program.size() - 1) != ReleaseGlob.STAR)
                    {
                        program.add(ReleaseGlob.STAR);
                    }
                    break;
                case '?':
                    program.add(ReleaseGlob.ANY);
                    break;
                case ']':
                    throw new IllegalArgumentException("unbalanced ']' in \"" + glob + "\"");
                case '{':
                case '}':
                    throw new IllegalArgumentException("unbalanced '" + (char)cp + "' in \"" + glob + "\"");
                case '\\':
                    if (i + 1 == cps.length)
                    {
                        throw new IllegalArgumentException("dangling '\\' in \"" + glob + "\"");
                    }
                    program.add(ReleaseGlob.lowerCase(cps[++i]));
                    break;
                case '[':
                    i = compileClass(glob, cps, i + 1, program, classes, negations);
                    break;
                default:
                    program.add(ReleaseGlob.lowerCase(cp));
            }
        }
        final int[] ops = program.stream().mapToInt(Integer::intValue).toArray();
        final boolean[] negated = new boolean[negations.size()];
        for (int k = 0; k < negated.length; k++)
        {
            negated[k] = negations.get(k);
        }
        return new ReleaseGlob(glob, ops, classes.toArray(new int[0][]), negated);
    }

    /** @return the index of the closing {@code ]}. */
    private static int compileClass(
        final String glob,
        final int[] cps,
        final int from,
        final List<Integer> program,
        final List<int[]> classes,
        final List<Boolean> negations)
    {
        int i = from;
        final boolean negated = i < cps.length && cps[i] == '!';
        if (negated)
        {
            i++;
        }
        final List<Integer> ranges = new ArrayList<>();
        boolean first = true;
        boolean inRange = false;
        for (; i < cps.length; i++)
        {
            int cp = cps[i];
            if (cp == ']')
            {
                if (inRange)
                {
                    ranges.add((int)'-');
                    ranges.add((int)'-');
                }
                if (!ranges.isEmpty())
                {
                    program.add(ReleaseGlob.CLASS - classes.size());
                    classes.add(ranges.stream().mapToInt(Integer::intValue).toArray());
                    negations.add(negated);
                }
                return i;
            }
            if (cp == '[')
            {
                throw new IllegalArgumentException("'[' inside a character class in \"" + glob + "\"");
            }
            if (cp == '-' && !first && !inRange)
            {
                inRange = true;
                first = false;
                continue;
            }
            if (cp == '\\')
            {
                if (i + 1 == cps.length)
                {
                    throw new IllegalArgumentException("dangling '\\' in \"" + glob + "\"");
                }
                cp = cps[++i];
            }
            if (inRange)
            {
                final int start = ranges.get(ranges.size() - 2);
                if (cp < start)
                {
                    throw new IllegalArgumentException("range end below its start in \"" + glob + "\"");
                }
                ranges.set(ranges.size() - 1, cp);
                inRange = false;
            }
            else
            {
                ranges.add(cp);
                ranges.add(cp);
            }
            first = false;
        }
        throw new IllegalArgumentException("unclosed '[' in \"" + glob + "\"");
    }
}
