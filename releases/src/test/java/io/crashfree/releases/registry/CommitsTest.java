package io.crashfree.releases.registry;

import static io.crashfree.releases.registry.RegistryFixture.ORG;
import static io.crashfree.releases.registry.RegistryFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashfree.releases.model.ChangeType;
import io.crashfree.releases.model.Commit;
import io.crashfree.releases.model.CommitFile;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.Release;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitsTest
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
        registry.createRelease(ORG, ReleaseInput.of("app@1.0", List.of("default")), T0);
    }

    @AfterEach
    void close()
    {
        fixture.close();
    }

    private static ReleaseInput commits(List<CommitInput> commits)
    {
        return new ReleaseInput(null, null, null, null, null, null, null, null, commits, null);
    }

    private static CommitInput commit(String id, Long timestampMs, String name, String email, FileChange... files)
    {
        return new CommitInput(id, "origin", "message " + id, timestampMs, name, email, List.of(files));
    }

    @Test
    void shouldSortByTimestampNewestFirstAndDeduplicateAuthorsByEmail() throws Exception
    {
        Release release = registry.updateRelease(ORG, "app@1.0", commits(List.of(
                commit("c1", T0 + 1, "Dev One", "dev@example.com", new FileChange("a.txt", ChangeType.A)),
                commit("c3", T0 + 3, "Dev One (laptop)", "DEV@example.com", new FileChange("src\\b.txt", ChangeType.M)),
                commit("c2", T0 + 2, "Dev Two", "two@example.com", new FileChange("a.txt", ChangeType.D))))).value();

        assertEquals(3, release.commitCount());
        assertEquals("c3", release.lastCommit().id());
        assertEquals(2, release.authors().size(), "dev@example.com twice is one author");
        assertEquals("dev@example.com", release.authors().get(0).email());
        List<Commit> listed = registry.commits(ORG, "app@1.0").value();
        assertEquals(List.of("c3", "c2", "c1"), listed.stream().map(Commit::id).toList());
        assertEquals(List.of(new FileChange("src/b.txt", ChangeType.M)), listed.get(0).patchSet(),
                "a backslash path is stored with slashes");
        List<CommitFile> files = registry.commitFiles(ORG, "app@1.0").value();
        assertEquals(List.of("src/b.txt", "a.txt", "a.txt"), files.stream().map(CommitFile::path).toList());
        assertEquals(ChangeType.D, files.get(1).type());
    }

    @Test
    void shouldKeepTheGivenOrderForCommitsWithoutTimestampsAndDefaultTheRepository() throws Exception
    {
        registry.updateRelease(ORG, "app@1.0", commits(List.of(
                new CommitInput("z", null, null, null, null, null, null),
                new CommitInput("a", null, null, T0, "No Mail", null, null),
                new CommitInput("m", null, null, null, null, null, null),
                new CommitInput("z", null, null, null, null, null, null))));
        List<Commit> listed = registry.commits(ORG, "app@1.0").value();
        assertEquals(List.of("a", "z", "m"), listed.stream().map(Commit::id).toList(),
                "the timed commit first, the others in the order given, duplicates once");
        assertTrue(listed.get(0).repository().matches("organization-\\d+"), listed.get(0).repository());
        assertNull(listed.get(0).author(), "no email, no author");
    }

    @Test
    void shouldReplaceOnSetCommitsAndClearWithAnEmptyList() throws Exception
    {
        registry.updateRelease(ORG, "app@1.0", commits(List.of(commit("c1", T0, "A", "a@example.com"))));
        registry.updateRelease(ORG, "app@1.0", commits(List.of(commit("c2", T0, "B", "b@example.com"))));
        Release replaced = registry.release(ORG, "app@1.0").value();
        assertEquals(1, replaced.commitCount());
        assertEquals("c2", replaced.lastCommit().id());
        assertEquals(List.of("b@example.com"), replaced.authors().stream().map(a -> a.email()).toList());

        Release cleared = registry.updateRelease(ORG, "app@1.0", commits(List.of())).value();
        assertEquals(0, cleared.commitCount());
        assertNull(cleared.lastCommit());
        assertTrue(cleared.authors().isEmpty());
    }

    @Test
    void shouldRefuseACommitWithoutIdAndKeepThePreviousCommits() throws Exception
    {
        registry.updateRelease(ORG, "app@1.0", commits(List.of(commit("c1", T0, "A", "a@example.com"))));
        RegistryResult<Release> refused = registry.updateRelease(ORG, "app@1.0", commits(List.of(
                commit("c2", T0, "B", "b@example.com"), new CommitInput(" ", null, null, null, null, null, null))));
        assertEquals(400, refused.status());
        assertEquals("commits[1]: a commit needs an id", refused.detail());
        assertEquals(List.of("c1"), registry.commits(ORG, "app@1.0").value().stream().map(Commit::id).toList());
        assertEquals(1, fixture.count("commits"), "the refused request stored no commit");
        assertEquals(1, fixture.count("commit_authors"));
    }

    @Test
    void shouldFindThePreviousReleaseWithCommits() throws Exception
    {
        assertTrue(registry.previousWithCommits(ORG, "app@1.0").value().isEmpty());
        registry.updateRelease(ORG, "app@1.0", commits(List.of(commit("c1", T0, "A", "a@example.com"))));
        registry.createRelease(ORG, ReleaseInput.of("app@1.1", List.of("default")), T0 + 10);
        registry.createRelease(ORG, ReleaseInput.of("app@1.2", List.of("default")), T0 + 20);
        Release previous = registry.previousWithCommits(ORG, "app@1.2").value().orElseThrow();
        assertEquals("app@1.0", previous.version(), "1.1 has no commits, so 1.0 is the previous with commits");
        assertEquals("c1", previous.lastCommit().id());
        assertEquals(404, registry.previousWithCommits(ORG, "app@9").status());
    }
}
