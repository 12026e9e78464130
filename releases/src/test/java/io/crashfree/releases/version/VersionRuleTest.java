package io.crashfree.releases.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VersionRuleTest
{

    private record Row(String version, VersionRule expected)
    {
    }

    @Test
    void shouldNameTheFirstBrokenRuleForEachVersion()
    {
        String twoHundredCjk = "版".repeat(200);
        Row[] rows = {
                new Row("app@1.0.0", null),
                new Row("1.0 (1234)", VersionRule.SPACE),
                new Row("", VersionRule.EMPTY),
                new Row(null, VersionRule.EMPTY),
                new Row(".", VersionRule.RESTRICTED_NAME),
                new Row("..", VersionRule.RESTRICTED_NAME),
                new Row("...", null),
                new Row("a\nb", VersionRule.NEWLINE),
                new Row("a\rb", VersionRule.NEWLINE),
                new Row("a\tb", VersionRule.TAB),
                new Row("a b", VersionRule.SPACE),
                new Row("a\\b", VersionRule.BACKSLASH),
                new Row("app/1.0", VersionRule.SLASH),
                new Row("latest", VersionRule.RESTRICTED_NAME),
                new Row("LaTeSt", VersionRule.RESTRICTED_NAME),
                new Row("latest-build", null),
                new Row("a\u0001b", VersionRule.CONTROL),
                new Row("a\u007fb", VersionRule.CONTROL),
                new Row("x".repeat(200), null),
                new Row("x".repeat(201), VersionRule.TOO_LONG),
                // 600 bytes in UTF-8 but 200 characters: characters count, not bytes
                new Row(twoHundredCjk, null),
                new Row(twoHundredCjk + "x", VersionRule.TOO_LONG),
                // a character outside the BMP is one character (two UTF-16 units)
                new Row("😀".repeat(200), null),
        };
        for (Row row : rows)
        {
            assertEquals(row.expected(), VersionRule.firstBroken(row.version()), "version " + row.version());
        }
    }

    @Test
    void shouldNameTheRuleInTheMessage()
    {
        assertEquals("release version must not contain a backslash", VersionRule.BACKSLASH.message());
        assertEquals("release version must be at most 200 characters", VersionRule.TOO_LONG.message());
    }
}
