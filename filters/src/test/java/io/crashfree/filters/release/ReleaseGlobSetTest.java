package io.crashfree.filters.release;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Release globs: Relay's {@code relay-pattern} semantics, case-insensitive, over UTF-8 bytes. */
class ReleaseGlobSetTest
{
    static Stream<Arguments> cases()
    {
        return Stream.of(
            row("literal matches itself", "1.0.0", "1.0.0", true),
            row("literal is whole-string", "1.0.0", "1.0.0.1", false),
            row("literal ignores case", "MyApp@1.0", "myapp@1.0", true),
            row("prefix star", "myapp@*", "myapp@2.3.1+build.7", true),
            row("prefix star matches nothing after", "myapp@*", "myapp@", true),
            row("prefix star needs the prefix", "myapp@*", "other@1.0", false),
            row("suffix star", "*-dev", "web@2.0.0-dev", true),
            row("suffix star ignores case", "*-dev", "web@2.0.0-DEV", true),
            row("suffix star is anchored at the end", "*-dev", "web@2.0.0-dev.1", false),
            row("contains", "*beta*", "app@3.0.0-beta.2", true),
            row("star crosses dots, dashes and slashes", "a*z", "a.b-c/d_z", true),
            row("lone star matches everything", "*", "anything at all", true),
            row("lone star matches the empty release", "*", "", true),
            row("two stars in a row are one", "foo**", "foo", true),
            row("question mark is exactly one character", "1.0.?", "1.0.7", true),
            row("question mark needs a character", "1.0.?", "1.0.", false),
            row("question mark is not two characters", "1.0.?", "1.0.10", false),
            row("question mark is one UTF-8 character, not one byte", "r?", "rä", true),
            row("'foo*?*' needs one more character", "foo*?*", "foo", false),
            row("'foo*?*' with one more character", "foo*?*", "foo_", true),
            row("'?*?*foo' needs two before", "?*?*foo", "_foo", false),
            row("'?*?*foo' with two before", "?*?*foo", "__foo", true),
            row("backtracking star", "*a*b*c", "xxaxxbxxbxxc", true),
            row("backtracking star fails", "*a*b*c", "xxaxxbxxbxx", false),
            row("class", "1.0.[0-4]", "1.0.3", true),
            row("class outside the range", "1.0.[0-4]", "1.0.5", false),
            row("class of letters ignores case", "v[a-c]", "vB", true),
            row("upper-case class ignores case", "v[A-C]", "vb", true),
            row("negated class", "1.0.[!0-4]", "1.0.5", true),
            row("negated class excludes the range", "1.0.[!0-4]", "1.0.3", false),
            row("class with a leading dash", "a[-x]b", "a-b", true),
            row("class with a trailing dash", "a[x-]b", "a-b", true),
            row("several ranges", "[a-cx-z]1", "y1", true),
            row("escaped star is literal", "a\\*b", "a*b", true),
            row("escaped star is not a wildcard", "a\\*b", "axb", false),
            row("escaped bracket is literal", "\\[1\\]", "[1]", true),
            row("alternates", "myapp@{1.0,2.0}", "myapp@2.0", true),
            row("alternates: none matches", "myapp@{1.0,2.0}", "myapp@3.0", false),
            row("alternates with globs inside", "{*-dev,*-rc?}", "api@1.0-rc2", true),
            row("two groups", "{a,b}-{x,y}", "b-x", true),
            row("empty alternative is dropped", "v{,1}", "v", false),
            row("empty alternative is dropped, others kept", "v{,1}", "v1", true),
            row("a comma list: second entry", "*-dev, 1.0.?", "1.0.4", true),
            row("a comma list: neither entry", "*-dev, 1.0.?", "1.1.4", false),
            row("a comma inside a group does not split", "x{1,2}", "x2", true),
            row("non-ASCII literal ignores case", "ÄPFEL-*", "äpfel-1", true),
            row("empty list matches nothing", "", "1.0", false),
            row("blank entries are ignored", " , ,1.0", "1.0", true),
            row("an empty class is ignored", "a[]b", "ab", true),
            row("exact literal of another length", "1.0", "1.00", false),
            row("prefix longer than the release", "myapp@1.0*", "myapp@", false),
            row("suffix longer than the release", "*-staging", "-dev", false),
            row("contains at the very start", "*web*", "web@1", true),
            row("contains at the very end", "*@1*", "web@1", true),
            row("contains longer than the release", "*abcdef*", "abc", false),
            row("suffix after a multi-byte character", "*-dev", "ä-dev", true),
            row("prefix in upper case text", "web*", "WEB@1.0", true));
    }

    private static Arguments row(final String name, final String globs, final String release, final boolean matches)
    {
        return Arguments.of(name, globs, release, matches);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldMatchReleasesLikeRelay(final String name, final String globs, final String release,
        final boolean matches)
    {
        final ReleaseGlobSet set = ReleaseGlobSet.compile(globs);
        final byte[] bytes = release.getBytes(StandardCharsets.UTF_8);
        assertEquals(matches, set.matches(bytes, bytes.length), name + ": " + globs + " ~ " + release);
    }

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            Arguments.of("unclosed class", "[abc", "unclosed '['"),
            Arguments.of("unclosed class after a prefix", "1.0.[0-9", "unclosed '['"),
            Arguments.of("stray closing bracket", "abc]", "unbalanced ']'"),
            Arguments.of("bracket inside a class", "[a[b]", "'[' inside a character class"),
            Arguments.of("reversed range", "[z-a]", "range end below its start"),
            Arguments.of("dangling escape", "abc\\", "dangling '\\'"),
            Arguments.of("unclosed group", "{a,b", "unclosed '{'"),
            Arguments.of("stray closing brace", "a}", "unbalanced '}'"),
            Arguments.of("nested groups", "{a,{b,c}}", "nested '{'"),
            Arguments.of("one bad entry in a list", "*-dev, [abc", "unclosed '['"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRefuseMalformedGlobs(final String name, final String globs, final String problem)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> ReleaseGlobSet.compile(globs), name);
        assertTrue(ex.getMessage().contains(problem), name + ": " + ex.getMessage());
    }
}
