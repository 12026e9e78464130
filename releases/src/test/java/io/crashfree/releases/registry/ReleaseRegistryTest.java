package io.crashfree.releases.registry;

import static io.crashfree.releases.registry.RegistryFixture.ORG;
import static io.crashfree.releases.registry.RegistryFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashfree.releases.model.Release;
import io.crashfree.releases.model.ReleaseStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseRegistryTest
{

    /** @return the database these tests run on (their {@code …OnPostgresTest} twin: PostgreSQL) */
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.SQLITE;
    }

    @TempDir
    Path dataDir;
    private RegistryFixture fixture;
    private ReleaseRegistry registry;

    @BeforeEach
    void open() throws Exception
    {
        fixture = RegistryFixture.open(backend(), dataDir);
        registry = fixture.registry;
    }

    @AfterEach
    void close()
    {
        fixture.close();
    }

    @Test
    void shouldAnswerCreatedThenAlreadyExists() throws Exception
    {
        RegistryResult<Release> first = registry.createRelease(ORG, ReleaseInput.of("app@1.1", List.of("default")), T0);
        assertEquals(201, first.status());
        assertEquals("app@1.1", first.value().version());
        assertEquals(T0, first.value().dateCreatedMs());
        assertEquals(ReleaseStatus.OPEN, first.value().status());
        assertEquals("1.1", first.value().versionInfo().shortVersion());

        RegistryResult<Release> again = registry.createRelease(ORG, ReleaseInput.of("app@1.1", List.of("web")), T0 + 5);
        assertEquals(208, again.status());
        assertEquals(T0, again.value().dateCreatedMs(), "the existing release keeps its creation time");
        assertEquals(List.of("default", "web"), again.value().projects().stream().map(p -> p.slug()).toList());
        assertEquals(1, fixture.count("releases"));
    }

    @Test
    void shouldRefuseBadInputAndChangeNothing() throws Exception
    {
        registry.createRelease(ORG, ReleaseInput.of("app@1.0", List.of("default")), T0);
        record Row(String org, ReleaseInput input, int status, String detail)
        {
        }
        Row[] rows = {
                new Row(ORG, ReleaseInput.of("app 1.0", List.of("default")), 400,
                        "release version must not contain a space: \"app 1.0\""),
                new Row(ORG, ReleaseInput.of("..", List.of("default")), 400, "release version must not be '.', '..' or 'latest': \"..\""),
                new Row(ORG, ReleaseInput.of("x".repeat(201), List.of("default")), 400, null),
                new Row(ORG, ReleaseInput.of("app@2.0", List.of("default", "nope")), 400, "unknown project: \"nope\""),
                new Row(ORG, ReleaseInput.of("app@2.0", List.of()), 400, null),
                new Row("other", ReleaseInput.of("app@2.0", List.of("default")), 404, "unknown organization: \"other\""),
                new Row(ORG, new ReleaseInput("app@1.0", List.of("web"), null, T0 + 9, null, null, null, null,
                        List.of(new CommitInput(null, null, "no id", null, null, null, null)), null), 400,
                        "commits[0]: a commit needs an id"),
        };
        for (Row row : rows)
        {
            RegistryResult<Release> result = registry.createRelease(row.org(), row.input(), T0 + 1);
            assertEquals(row.status(), result.status(), "status for " + row.input().version());
            assertNull(result.value());
            if (row.detail() != null)
            {
                assertEquals(row.detail(), result.detail());
            }
        }
        assertEquals(1, fixture.count("releases"), "no release was added");
        Release kept = registry.release(ORG, "app@1.0").value();
        assertEquals(List.of("default"), kept.projects().stream().map(p -> p.slug()).toList(),
                "the refused request linked no project");
        assertNull(kept.dateReleasedMs(), "the refused request did not finalize");
    }

    @Test
    void shouldFinalizeArchiveRestoreAndDelete() throws Exception
    {
        registry.createRelease(ORG, ReleaseInput.of("app@1.1", List.of("default")), T0);
        ReleaseInput finalize = new ReleaseInput(null, List.of("default"), null, T0 + 100, "https://ci/1", "v1.1",
                "dev@example.com", null, null, null);
        Release finalized = registry.updateRelease(ORG, "app@1.1", finalize).value();
        assertEquals(T0 + 100, finalized.dateReleasedMs());
        assertEquals("https://ci/1", finalized.url());
        assertEquals("v1.1", finalized.ref());

        ReleaseInput archive = new ReleaseInput("app@1.1", List.of(), null, null, null, null, null,
                ReleaseStatus.ARCHIVED, null, null);
        assertEquals(208, registry.createRelease(ORG, archive, T0 + 200).status());
        assertEquals(ReleaseStatus.ARCHIVED, registry.release(ORG, "app@1.1").value().status());
        assertEquals(0, registry.listReleases(ORG, null, ReleaseStatus.OPEN).value().size());

        ReleaseInput restore = new ReleaseInput("app@1.1", List.of(), null, null, null, null, null,
                ReleaseStatus.OPEN, null, null);
        registry.createRelease(ORG, restore, T0 + 300);
        assertEquals(ReleaseStatus.OPEN, registry.release(ORG, "app@1.1").value().status());

        assertEquals(204, registry.deleteRelease(ORG, "app@1.1").status());
        assertEquals(404, registry.release(ORG, "app@1.1").status());
        assertEquals(404, registry.deleteRelease(ORG, "app@1.1").status());
        assertEquals(404, registry.updateRelease(ORG, "app@1.1", finalize).status());
    }

    @Test
    void shouldSortByDateReleasedFallingBackToDateCreatedPerProject() throws Exception
    {
        registry.createRelease(ORG, ReleaseInput.of("a", List.of("default")), T0);
        registry.createRelease(ORG, ReleaseInput.of("b", List.of("default")), T0 + 10);
        registry.createRelease(ORG, ReleaseInput.of("c", List.of("default")), T0 + 20);
        registry.createRelease(ORG, ReleaseInput.of("w", List.of("web")), T0 + 30);
        // a finalized late: it is now the newest of project default
        registry.updateRelease(ORG, "a", new ReleaseInput(null, null, null, T0 + 25, null, null, null, null, null, null));

        assertEquals(List.of("a", "c", "b"), versions(registry.listReleases(ORG, "default", null).value()));
        assertEquals(List.of("w", "a", "c", "b"), versions(registry.listReleases(ORG, null, null).value()));
        assertEquals("c", registry.previousRelease(ORG, "a").value().orElseThrow().version());
        assertEquals("b", registry.previousRelease(ORG, "c").value().orElseThrow().version());
        assertTrue(registry.previousRelease(ORG, "b").value().isEmpty());
        assertTrue(registry.previousRelease(ORG, "w").value().isEmpty(), "w shares no project with the others");
        assertEquals(404, registry.listReleases(ORG, "nope", null).status());
    }

    @Test
    void shouldLearnVersionsSeenInSessions() throws Exception
    {
        registry.recordSeen(ORG, "default", "app@3.0", T0 + 50);
        registry.recordSeen(ORG, "web", "app@3.0", T0 + 20);
        Release seen = registry.recordSeen(ORG, "default", "app@3.0", T0 + 90).value();
        assertEquals(T0 + 20, seen.firstEventMs());
        assertEquals(T0 + 90, seen.lastEventMs());
        assertEquals(T0 + 50, seen.dateCreatedMs());
        assertEquals(208, registry.createRelease(ORG, ReleaseInput.of("app@3.0", List.of("default")), T0 + 99).status(),
                "a release first seen in a session is the one releases new finds");
        assertEquals(400, registry.recordSeen(ORG, "default", "bad version", T0).status());
    }

    private static List<String> versions(List<Release> releases)
    {
        return releases.stream().map(Release::version).toList();
    }
}
