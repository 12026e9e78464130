package io.crashfree.releases.version;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SemverOrderTest
{
    @Test
    void shouldPutTheHighestVersionFirstAndNonSemverLast()
    {
        List<String> versions = new ArrayList<>(List.of("app@1.2.0", "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
                "app@1.10.0", "app@1.2.0-rc.1", "app@2.0.0", "nightly", "app@1.2.0-beta", "app@1.9"));
        versions.sort(SemverOrder.HIGHEST_FIRST);
        assertEquals(List.of("app@2.0.0", "app@1.10.0", "app@1.9", "app@1.2.0", "app@1.2.0-rc.1", "app@1.2.0-beta",
                "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef", "nightly"), versions);
    }
}
