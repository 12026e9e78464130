package io.crashfree.releases.registry;

import static io.crashfree.releases.registry.RegistryFixture.ORG;
import static io.crashfree.releases.registry.RegistryFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashfree.releases.model.ChangeType;
import io.crashfree.releases.model.Commit;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.model.Repository;
import io.crashfree.releases.notify.DeployNotifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryRefsTest
{

    /** @return the database these tests run on (their {@code …OnPostgresTest} twin: PostgreSQL) */
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.SQLITE;
    }

    @TempDir
    Path tmp;
    private Path work;
    private Git git;
    private final List<String> shas = new ArrayList<>();
    private RegistryFixture fixture;
    private ReleaseRegistry registry;

    @BeforeEach
    void setUp() throws Exception
    {
        work = tmp.resolve("app");
        git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
        for (int i = 1; i <= 22; i++)
        {
            commit(i, "f" + i + ".txt", "one\n");
        }
        fixture = RegistryFixture.open(backend(), tmp.resolve("data"), List.of(
                        new Repository("app", "acme/app", work.toString()),
                        new Repository("remote", "acme/remote", work.toUri().toString()),
                        new Repository("gone", "acme/gone", tmp.resolve("missing").toString())),
                Set.of(), DeployNotifier.OFF);
        registry = fixture.registry;
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
        git.close();
    }

    private void commit(int n, String path, String content) throws Exception
    {
        Files.writeString(work.resolve(path), content);
        git.add().addFilepattern(path).call();
        PersonIdent who = new PersonIdent(n % 2 == 0 ? "Dev Two" : "Dev One",
                n % 2 == 0 ? "two@example.com" : "dev@example.com",
                Instant.ofEpochSecond(1_790_000_000L + n * 60L), ZoneOffset.UTC);
        shas.add(git.commit().setMessage("commit " + n).setAuthor(who).setCommitter(who).call().getName());
    }

    private static ReleaseInput refs(RefInput... refs)
    {
        return new ReleaseInput(null, null, null, null, null, null, null, null, null, List.of(refs));
    }

    private List<String> commitIds(String version) throws Exception
    {
        return registry.commits(ORG, version).value().stream().map(Commit::id).toList();
    }

    @Test
    void shouldTakeTheLatestTwentyWithoutBaselineThenStopAtThePreviousReleasesLastCommit() throws Exception
    {
        registry.createRelease(ORG, ReleaseInput.of("app@1.0", List.of("default")), T0);
        Release first = registry.updateRelease(ORG, "app@1.0", refs(new RefInput("acme/app", shas.get(21), null)))
                .value();
        assertEquals(20, first.commitCount(), "no baseline: the latest 20 commits");
        assertEquals(shas.get(21), first.lastCommit().id());
        assertEquals("acme/app", first.lastCommit().repository());
        assertEquals(List.of(new FileChange("f22.txt", ChangeType.A)), first.lastCommit().patchSet());
        registry.updateRelease(ORG, "app@1.0", new ReleaseInput(null, null, null, T0 + 1, null, null, null, null,
                null, null));

        commit(23, "f1.txt", "two\n");
        git.rm().addFilepattern("f2.txt").call();
        commit(24, "f24.txt", "new\n");
        registry.createRelease(ORG, ReleaseInput.of("app@1.1", List.of("default")), T0 + 10);
        Release second = registry.updateRelease(ORG, "app@1.1", refs(new RefInput("acme/app", "main", null))).value();
        assertEquals(List.of(shas.get(23), shas.get(22)), commitIds("app@1.1"),
                "baseline: app@1.0's last commit in acme/app");
        assertEquals(2, second.authors().size());
        List<FileChange> newest = registry.commits(ORG, "app@1.1").value().get(0).patchSet();
        assertEquals(List.of(new FileChange("f2.txt", ChangeType.D), new FileChange("f24.txt", ChangeType.A)), newest);
        assertEquals(List.of(new FileChange("f1.txt", ChangeType.M)),
                registry.commits(ORG, "app@1.1").value().get(1).patchSet());
    }

    @Test
    void shouldResolveAnExplicitRangeAlsoFromAGitUrl() throws Exception
    {
        registry.createRelease(ORG, ReleaseInput.of("app@2.0", List.of("default")), T0);
        registry.updateRelease(ORG, "app@2.0", refs(new RefInput("acme/remote", shas.get(21), shas.get(18))));
        assertEquals(List.of(shas.get(21), shas.get(20), shas.get(19)), commitIds("app@2.0"));
        assertTrue(Files.isDirectory(tmp.resolve("data/git-cache/repository-remote.git")), "cloned once, bare");
        commit(23, "f23.txt", "x\n");
        registry.updateRelease(ORG, "app@2.0", refs(new RefInput("acme/remote", shas.get(22), shas.get(21))));
        assertEquals(List.of(shas.get(22)), commitIds("app@2.0"), "the clone is fetched before resolving");
    }

    @Test
    void shouldRefuseUnknownCommitsAndRepositoriesAndWriteNothing() throws Exception
    {
        registry.createRelease(ORG, ReleaseInput.of("app@3.0", List.of("default")), T0);
        registry.updateRelease(ORG, "app@3.0", refs(new RefInput("acme/app", shas.get(5), shas.get(4))));
        long commitsBefore = fixture.count("commits");
        String[][] rows = {
                {"acme/app", "0123456789abcdef0123456789abcdef01234567", null,
                        "refs[0]: unknown commit in repository acme/app: 0123456789abcdef0123456789abcdef01234567"},
                {"acme/app", shas.get(10), "nonsense",
                        "refs[0]: unknown previous commit in repository acme/app: nonsense"},
                {"acme/nope", shas.get(10), null, "refs[0]: unknown repository: \"acme/nope\""},
                {"acme/gone", shas.get(10), null, "refs[0]: cannot read repository acme/gone at "},
        };
        for (String[] row : rows)
        {
            RegistryResult<Release> result = registry.updateRelease(ORG, "app@3.0",
                    refs(new RefInput(row[0], row[1], row[2])));
            assertEquals(400, result.status(), row[3]);
            assertTrue(result.detail().startsWith(row[3]), result.detail());
        }
        assertEquals(List.of(shas.get(5)), commitIds("app@3.0"), "the release keeps its commits");
        assertEquals(commitsBefore, fixture.count("commits"));
    }
}
