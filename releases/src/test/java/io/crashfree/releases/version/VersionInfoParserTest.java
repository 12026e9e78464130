package io.crashfree.releases.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class VersionInfoParserTest
{

    /** One row: the release, then package, raw, major.minor.patch or null, pre, buildCode, components, description,
     * buildHash, shortVersion. */
    private record Row(String release, String pkg, String raw, String triple, String pre, String buildCode,
                       int components, String description, String buildHash, String shortVersion)
    {
    }

    @Test
    void shouldReadVersionsAsSentryShowsThem()
    {
        String sha = "085240e737828d8326719bf97730188e927e49ca";
        Row[] rows = {
                new Row("app@1.1", "app", "1.1", "1.1.0", null, null, 2, "1.1", null, "1.1"),
                new Row("org.example.FooApp@1.0rc1+20200101100", "org.example.FooApp", "1.0rc1+20200101100", "1.0.0",
                        "rc1", "20200101100", 2, "1.0rc1 (20200101100)", null, "1.0rc1+20200101100"),
                new Row("@foo.bar.baz/blah@1.2.3-dev+BUILD-code", "@foo.bar.baz/blah", "1.2.3-dev+BUILD-code",
                        "1.2.3", "dev", "BUILD-code", 3, "1.2.3-dev (BUILD-code)", null, "1.2.3-dev+BUILD-code"),
                new Row(sha, null, sha, null, null, null, 0, "085240e73782", sha, "085240e73782"),
                new Row("app@" + sha, "app", sha, null, null, null, 0, "085240e73782", sha, "085240e73782"),
                new Row("app@1.0.0+" + sha, "app", "1.0.0+" + sha, "1.0.0", null, sha, 3, "1.0.0 (085240e73782)",
                        sha, "1.0.0+" + sha),
                new Row("1.2.3.4", null, "1.2.3.4", "1.2.3", null, null, 4, "1.2.3.4", null, "1.2.3.4"),
                new Row("1-a1", null, "1-a1", "1.0.0", "a1", null, 1, "1-a1", null, "1-a1"),
                new Row("1a1", null, "1a1", null, null, null, 0, "1a1", null, "1a1"),
                new Row("nightly", null, "nightly", null, null, null, 0, "nightly", null, "nightly"),
                new Row("backend@latest-build", "backend", "latest-build", null, null, null, 0, "latest-build", null,
                        "latest-build"),
        };
        for (Row row : rows)
        {
            VersionInfo info = VersionInfoParser.parse(row.release());
            String at = "release " + row.release();
            assertEquals(row.pkg(), info.packageName(), at + " package");
            assertEquals(row.raw(), info.raw(), at + " raw");
            assertEquals(row.description(), info.description(), at + " description");
            assertEquals(row.buildHash(), info.buildHash(), at + " buildHash");
            assertEquals(row.shortVersion(), info.shortVersion(), at + " shortVersion");
            if (row.triple() == null)
            {
                assertNull(info.parsed(), at + " parsed");
                continue;
            }
            VersionInfo.Parsed p = info.parsed();
            assertEquals(row.triple(), p.major() + "." + p.minor() + "." + p.patch(), at + " triple");
            assertEquals(row.pre(), p.pre(), at + " pre");
            assertEquals(row.buildCode(), p.buildCode(), at + " buildCode");
            assertEquals(row.components(), p.components(), at + " components");
        }
    }
}
