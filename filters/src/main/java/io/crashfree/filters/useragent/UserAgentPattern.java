package io.crashfree.filters.useragent;

/**
 * One case-insensitive pattern of the web-crawler lists, compiled from the regular-expression text the reference
 * gives into a short array of byte steps and matched by a tiny backtracking matcher that allocates nothing.
 * <p>
 * Only the regex subset those lists use is accepted (anything else is refused at start-up):
 * <pre>
 *   x        an ASCII character, compared ignoring ASCII case
 *   .        any byte but a newline
 *   \s \d    ASCII whitespace [ \t\n\u000B\f\r], an ASCII digit
 *   \x       the character x itself (for \. \) \\ \- ...)
 *   [...]    a class of the above (no ranges)
 *   a? a+    optional, one or more (greedy, with backtracking)
 *   (a|$)    a single step, or the end of the text
 * </pre>
 * Case folding and {@code \s} are ASCII-only, where the Rust regex Relay uses is Unicode-aware; the lists are ASCII.
 */
final class UserAgentPattern
{
    private static final byte STEP_LITERAL = 0;
    private static final byte STEP_ANY = 1;
    private static final byte STEP_CLASS = 2;
    private static final byte QUANT_ONE = 0;
    private static final byte QUANT_OPTIONAL = 1;
    private static final byte QUANT_PLUS = 2;

    private final String source;
    private final byte[] kind;
    private final byte[] literal;
    private final long[] classLow;
    private final long[] classHigh;
    private final byte[] quantifier;
    private final boolean[] orEnd;
    private int literalPrefix;

    private UserAgentPattern(final String source, final int capacity)
    {
        this.source = source;
        kind = new byte[capacity];
        literal = new byte[capacity];
        classLow = new long[capacity];
        classHigh = new long[capacity];
        quantifier = new byte[capacity];
        orEnd = new boolean[capacity];
    }

    /**
     * @param regex the pattern as the reference writes it.
     * @return the compiled pattern.
     * @throws IllegalArgumentException when it uses syntax outside the supported subset.
     */
    static UserAgentPattern compile(final String regex)
    {
        final UserAgentPattern p = new UserAgentPattern(regex, regex.length());
        int steps = 0;
        int i = 0;
        while (i < regex.length())
        {
            final char c = regex.charAt(i);
            if (c == '(')
            {
                // Only "(step|$)" is supported.
                i = p.parseStep(regex, i + 1, steps);
                if (!regex.startsWith("|$)", i))
                {
                    throw new IllegalArgumentException("unsupported group in " + regex);
                }
                p.orEnd[steps] = true;
                i += 3;
            }
            else if (c == '?' || c == '+' || c == '*' || c == '{' || c == '|' || c == ')' || c == '^' || c == '$')
            {
                throw new IllegalArgumentException("unsupported '" + c + "' in " + regex);
            }
            else
            {
                i = p.parseStep(regex, i, steps);
            }
            if (i < regex.length() && (regex.charAt(i) == '?' || regex.charAt(i) == '+'))
            {
                p.quantifier[steps] = regex.charAt(i) == '?' ? QUANT_OPTIONAL : QUANT_PLUS;
                i++;
            }
            steps++;
        }
        return p.trimmed(steps);
    }

    /** Parses one step at {@code i} into slot {@code step}; returns the index after it. */
    private int parseStep(final String regex, final int start, final int step)
    {
        int i = start;
        final char c = regex.charAt(i++);
        if (c == '.')
        {
            kind[step] = STEP_ANY;
        }
        else if (c == '[')
        {
            kind[step] = STEP_CLASS;
            while (regex.charAt(i) != ']')
            {
                char m = regex.charAt(i++);
                if (m == '\\')
                {
                    m = regex.charAt(i++);
                    if (m == 's' || m == 'd')
                    {
                        addEscapeClass(step, m);
                        continue;
                    }
                }
                addToClass(step, m);
            }
            i++;
        }
        else if (c == '\\')
        {
            final char e = regex.charAt(i++);
            if (e == 's' || e == 'd')
            {
                kind[step] = STEP_CLASS;
                addEscapeClass(step, e);
            }
            else
            {
                setLiteral(step, e);
            }
        }
        else
        {
            setLiteral(step, c);
        }
        return i;
    }

    private void setLiteral(final int step, final char c)
    {
        if (c > 0x7E)
        {
            throw new IllegalArgumentException("non-ASCII literal in " + source);
        }
        kind[step] = STEP_LITERAL;
        literal[step] = (byte)Character.toLowerCase(c);
    }

    private void addEscapeClass(final int step, final char escape)
    {
        final String members = escape == 's' ? " \t\n\u000B\f\r" : "0123456789";
        for (int k = 0; k < members.length(); k++)
        {
            addToClass(step, members.charAt(k));
        }
    }

    private void addToClass(final int step, final char c)
    {
        if (c > 0x7E)
        {
            throw new IllegalArgumentException("non-ASCII class member in " + source);
        }
        final char lower = Character.toLowerCase(c);
        final char upper = Character.toUpperCase(c);
        for (final char m : new char[] {c, lower, upper})
        {
            if (m < 64)
            {
                classLow[step] |= 1L << m;
            }
            else
            {
                classHigh[step] |= 1L << (m - 64);
            }
        }
    }

    private UserAgentPattern trimmed(final int steps)
    {
        final UserAgentPattern p = new UserAgentPattern(source, steps);
        System.arraycopy(kind, 0, p.kind, 0, steps);
        System.arraycopy(literal, 0, p.literal, 0, steps);
        System.arraycopy(classLow, 0, p.classLow, 0, steps);
        System.arraycopy(classHigh, 0, p.classHigh, 0, steps);
        System.arraycopy(quantifier, 0, p.quantifier, 0, steps);
        System.arraycopy(orEnd, 0, p.orEnd, 0, steps);
        int prefix = 0;
        while (prefix < steps && kind[prefix] == STEP_LITERAL && quantifier[prefix] == QUANT_ONE && !orEnd[prefix])
        {
            prefix++;
        }
        p.literalPrefix = prefix;
        return p;
    }

    /** @return how many leading steps are plain literals (no class, quantifier or end alternative). */
    int literalPrefixLength()
    {
        return literalPrefix;
    }

    /**
     * @param step below {@link #literalPrefixLength()}.
     * @return the lower-cased byte of that step.
     */
    int literal(final int step)
    {
        return literal[step];
    }

    /**
     * @param text   the user agent.
     * @param length its length.
     * @param start  where the match must begin.
     * @return whether the pattern matches text beginning at {@code start}.
     */
    boolean matchesAt(final byte[] text, final int length, final int start)
    {
        // Most patterns are plain words: compare the literal prefix in a flat loop before any backtracking.
        final int prefix = literalPrefix;
        if (start + prefix > length)
        {
            return false;
        }
        final byte[] fold = WebCrawlerMatcher.FOLD;
        for (int k = 0; k < prefix; k++)
        {
            if (fold[text[start + k] & 0xFF] != literal[k])
            {
                return false;
            }
        }
        return prefix == kind.length || matchFrom(prefix, text, length, start + prefix);
    }

    private boolean matchFrom(final int step, final byte[] text, final int length, final int position)
    {
        if (step == kind.length)
        {
            return true;
        }
        if (orEnd[step] && position == length)
        {
            return matchFrom(step + 1, text, length, position);
        }
        switch (quantifier[step])
        {
            case QUANT_OPTIONAL:
                return (position < length && matchesStep(step, text[position]) &&
                    matchFrom(step + 1, text, length, position + 1)) || matchFrom(step + 1, text, length, position);
            case QUANT_PLUS:
                int end = position;
                while (end < length && matchesStep(step, text[end]))
                {
                    end++;
                }
                for (int p = end; p > position; p--)
                {
                    if (matchFrom(step + 1, text, length, p))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return position < length && matchesStep(step, text[position]) &&
                    matchFrom(step + 1, text, length, position + 1);
        }
    }

    private boolean matchesStep(final int step, final byte b)
    {
        switch (kind[step])
        {
            case STEP_ANY:
                return b != '\n';
            case STEP_LITERAL:
                return WebCrawlerMatcher.FOLD[b & 0xFF] == literal[step];
            default:
                return b >= 0 && (b < 64 ? (classLow[step] >>> b & 1) != 0 : (classHigh[step] >>> (b - 64) & 1) != 0);
        }
    }

    /** @return the pattern as written. */
    String source()
    {
        return source;
    }

    @Override
    public String toString()
    {
        return source;
    }
}
