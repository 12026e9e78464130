package io.crashfree.filters.validate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Release and environment names at and past every rule's boundary. */
class SessionNamesTest
{
    static Stream<Arguments> releases()
    {
        return Stream.of(
            row("a typical release", "myapp@1.2.3+456", true),
            row("200 characters", "r".repeat(200), true),
            row("201 characters", "r".repeat(201), false),
            row("200 characters of which some take 2 bytes (256 bytes)", "ä".repeat(56) + "r".repeat(144), true),
            row("200 characters, 2 bytes each (400 bytes): past the name table's room", "ä".repeat(200), false),
            row("201 characters with a 2-byte character at the end", "r".repeat(200) + "ä", false),
            row("128 characters of 2 bytes (256 bytes)", "ä".repeat(128), true),
            row("300 bytes (longer than the holder keeps)", "r".repeat(300), false),
            row("empty is missing", "", false),
            row("dot", ".", false),
            row("two dots", "..", false),
            row("three dots are fine", "...", true),
            row("latest", "latest", false),
            row("LATEST in any case", "LaTeSt", false),
            row("latest as a prefix is fine", "latest-1", true),
            row("space", "my app@1.0", false),
            row("newline", "1.0\n", false),
            row("carriage return", "1.0\r", false),
            row("tab", "1.0\t", false),
            row("NUL", "1.0\u0000", false),
            row("unit separator 0x1F", "1.0\u001f", false),
            row("DEL", "1.0\u007f", false),
            row("backslash", "a\\b", false),
            row("forward slash", "feature/x@1.0", false),
            row("non-ASCII is fine", "app@1.0-ü", true),
            row("punctuation is fine", "a+b_c-d~e:f;g,h!i@j#k$l%m^n&o*p(q)r[s]t{u}v", true));
    }

    static Stream<Arguments> environments()
    {
        return Stream.of(
            row("production", "production", true),
            row("64 bytes", "e".repeat(64), true),
            row("65 bytes", "e".repeat(65), false),
            row("empty is missing", "", false),
            row("dot", ".", false),
            row("two dots", "..", false),
            row("none", "none", false),
            row("NONE in any case", "NoNe", false),
            row("latest is a fine environment", "latest", true),
            row("space", "staging 2", false),
            row("slash", "eu/west", false),
            row("backslash", "eu\\west", false),
            row("newline", "prod\n", false),
            row("DEL", "prod\u007f", false));
    }

    private static Arguments row(final String name, final String value, final boolean valid)
    {
        return Arguments.of(name, value, valid);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releases")
    void shouldValidateReleases(final String name, final String value, final boolean valid)
    {
        final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        final byte[] holder = new byte[256];
        System.arraycopy(utf8, 0, holder, 0, Math.min(utf8.length, holder.length));
        assertEquals(valid, SessionNames.isValidRelease(holder, utf8.length), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("environments")
    void shouldValidateEnvironments(final String name, final String value, final boolean valid)
    {
        final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        final byte[] holder = new byte[128];
        System.arraycopy(utf8, 0, holder, 0, Math.min(utf8.length, holder.length));
        assertEquals(valid, SessionNames.isValidEnvironment(holder, utf8.length), name);
    }

    static Stream<Arguments> uuids()
    {
        return Stream.of(
            row("dashed nil", "00000000-0000-0000-0000-000000000000", true),
            row("plain nil", "00000000000000000000000000000000", true),
            row("a real UUID", "7751317762724069a05d82866b88741a", false),
            row("one nonzero digit", "00000000-0000-0000-0000-000000000001", false),
            row("dashes in the wrong place", "0000000-00000-0000-0000-000000000000", false),
            row("31 zeros", "0000000000000000000000000000000", false),
            row("empty", "", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uuids")
    void shouldRecognizeTheNilUuid(final String name, final String value, final boolean nil)
    {
        final char[] chars = ("xx" + value).toCharArray();
        assertEquals(nil, NilUuid.isNil(chars, 2, value.length()), name + " (chars)");
        final byte[] bytes = ("xx" + value).getBytes(StandardCharsets.US_ASCII);
        assertEquals(nil, NilUuid.isNil(bytes, 2, value.length()), name + " (bytes)");
    }
}
