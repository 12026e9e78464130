package io.crashfree.filters.release;

import java.util.Arrays;

/**
 * One compiled release glob: a program of single-character steps and {@code *}, matched case-insensitively against
 * the whole of a UTF-8 text.
 * <p>
 * Program layout ({@code int} per step):
 * <pre>
 *   op >= 0            one code point, already lower-cased
 *   op == ANY  (-1)    {@code ?}: any one code point
 *   op == STAR (-2)    {@code *}: any run of code points, including none (never two in a row)
 *   op <= CLASS (-16)  {@code [...]}: class number (CLASS - op); ranges in {@code classRanges[n]} as start,end pairs
 * </pre>
 * Matching walks text and program together and, on a mismatch, returns to the last {@code *} one code point further
 * on (the classic wildcard algorithm: linear in the common case, never recursive). Case folding is per code point
 * ({@link Character#toLowerCase(int)}); a class matches a code point when the point itself, its lower case or its
 * upper case falls in a range, as in Relay. A glob that is a single ASCII literal with {@code *} only at its ends
 * (exact, {@code 1.0*}, {@code *-dev}, {@code *beta*}: the common release filters) is matched by comparing that literal
 * at the one place it can be, without the program (ASCII case folding only).
 */
public final class ReleaseGlob
{
    static final int ANY = -1;
    static final int STAR = -2;
    static final int CLASS = -16;

    private static final int GENERAL = 0;
    private static final int EXACT = 1;
    private static final int PREFIX = 2;
    private static final int SUFFIX = 3;
    private static final int CONTAINS = 4;

    private final String source;
    private final int[] program;
    private final int[][] classRanges;
    private final boolean[] classNegated;
    /** Like Relay's match strategies: a glob that is one ASCII literal with stars only at its ends needs no program. */
    private final int strategy;
    private final byte[] literal;

    ReleaseGlob(final String source, final int[] program, final int[][] classRanges, final boolean[] classNegated)
    {
        this.source = source;
        this.program = program;
        this.classRanges = classRanges;
        this.classNegated = classNegated;
        final int n = program.length;
        final int first = n > 0 && program[0] == STAR ? 1 : 0;
        final int last = n > first && program[n - 1] == STAR ? n - 1 : n;
        boolean asciiLiteral = last > first;
        for (int i = first; i < last; i++)
        {
            asciiLiteral &= program[i] >= 0 && program[i] < 0x80;
        }
        if (asciiLiteral)
        {
            literal = new byte[last - first];
            for (int i = first; i < last; i++)
            {
                literal[i - first] = (byte)program[i];
            }
            strategy = first == 0 ? (last == n ? EXACT : PREFIX) : (last == n ? SUFFIX : CONTAINS);
        }
        else
        {
            literal = null;
            strategy = GENERAL;
        }
    }

    /**
     * Compiles one glob with no {@code {a,b}} group and no top-level comma (control plane).
     *
     * @param glob the glob.
     * @return the compiled glob.
     * @throws IllegalArgumentException saying what is malformed.
     */
    public static ReleaseGlob compile(final String glob)
    {
        return ReleaseGlobParser.compileOne(glob);
    }

    /**
     * @param text   UTF-8 bytes of the release.
     * @param length number of bytes.
     * @return whether the glob matches the whole text; an empty glob never matches.
     */
    public boolean matches(final byte[] text, final int length)
    {
        switch (strategy)
        {
            case EXACT:
                return length == literal.length && literalAt(text, 0);
            case PREFIX:
                return length >= literal.length && literalAt(text, 0);
            case SUFFIX:
                return length >= literal.length && literalAt(text, length - literal.length);
            case CONTAINS:
                for (int i = 0, last = length - literal.length; i <= last; i++)
                {
                    if (literalAt(text, i))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return matchesProgram(text, length);
        }
    }

    /** ASCII literals compare byte by byte: a UTF-8 multi-byte sequence never contains an ASCII byte. */
    private boolean literalAt(final byte[] text, final int offset)
    {
        final byte[] lit = literal;
        for (int k = 0; k < lit.length; k++)
        {
            int b = text[offset + k];
            if (b >= 'A' && b <= 'Z')
            {
                b += 'a' - 'A';
            }
            if (b != lit[k])
            {
                return false;
            }
        }
        return true;
    }

    private boolean matchesProgram(final byte[] text, final int length)
    {
        final int[] ops = program;
        final int n = ops.length;
        if (n == 0)
        {
            return false;
        }
        int p = 0;
        int s = 0;
        int starP = -1;
        int starS = 0;
        while (true)
        {
            if (p < n && ops[p] == STAR)
            {
                starP = ++p;
                starS = s;
                if (p == n)
                {
                    return true;
                }
                continue;
            }
            if (s < length)
            {
                if (p < n)
                {
                    final int lead = text[s];
                    final int width = lead >= 0 ? 1 : utf8Width(text, s, length);
                    final int cp = lead >= 0 ? lead : decode(text, s, width);
                    if (matchesOne(ops[p], cp))
                    {
                        p++;
                        s += width;
                        continue;
                    }
                }
                if (starP >= 0)
                {
                    starS += text[starS] >= 0 ? 1 : utf8Width(text, starS, length);
                    s = starS;
                    p = starP;
                    continue;
                }
                return false;
            }
            while (p < n && ops[p] == STAR)
            {
                p++;
            }
            return p == n;
        }
    }

    private boolean matchesOne(final int op, final int cp)
    {
        if (op >= 0)
        {
            return op == lowerCase(cp);
        }
        if (op == ANY)
        {
            return true;
        }
        final int index = CLASS - op;
        final int[] ranges = classRanges[index];
        final boolean inClass = inRanges(ranges, cp) || inRanges(ranges, lowerCase(cp)) ||
            inRanges(ranges, upperCase(cp));
        return inClass != classNegated[index];
    }

    private static boolean inRanges(final int[] ranges, final int cp)
    {
        for (int i = 0; i < ranges.length; i += 2)
        {
            if (cp >= ranges[i] && cp <= ranges[i + 1])
            {
                return true;
            }
        }
        return false;
    }

    static int lowerCase(final int cp)
    {
        if (cp < 0x80)
        {
            return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
        }
        return Character.toLowerCase(cp);
    }

    private static int upperCase(final int cp)
    {
        if (cp < 0x80)
        {
            return cp >= 'a' && cp <= 'z' ? cp - ('a' - 'A') : cp;
        }
        return Character.toUpperCase(cp);
    }

    /** @return the length of the UTF-8 sequence at {@code i}; 1 for a malformed one (then read as one byte). */
    private static int utf8Width(final byte[] text, final int i, final int length)
    {
        final int lead = text[i] & 0xFF;
        final int width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (i + width > length)
        {
            return 1;
        }
        for (int k = 1; k < width; k++)
        {
            if ((text[i + k] & 0xC0) != 0x80)
            {
                return 1;
            }
        }
        return width;
    }

    private static int decode(final byte[] text, final int i, final int width)
    {
        final int lead = text[i] & 0xFF;
        switch (width)
        {
            case 2:
                return (lead & 0x1F) << 6 | (text[i + 1] & 0x3F);
            case 3:
                return (lead & 0x0F) << 12 | (text[i + 1] & 0x3F) << 6 | (text[i + 2] & 0x3F);
            case 4:
                return (lead & 0x07) << 18 | (text[i + 1] & 0x3F) << 12 | (text[i + 2] & 0x3F) << 6 |
                    (text[i + 3] & 0x3F);
            default:
                return lead;
        }
    }

    /** @return the glob as written (after {@code {a,b}} expansion). */
    public String source()
    {
        return source;
    }

    @Override
    public String toString()
    {
        return source + " " + Arrays.toString(program);
    }
}
