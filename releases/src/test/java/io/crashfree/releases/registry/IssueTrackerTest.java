package io.crashfree.releases.registry;

import static io.crashfree.releases.registry.RegistryFixture.ORG;
import static io.crashfree.releases.registry.RegistryFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashfree.releases.model.ChangeType;
import io.crashfree.releases.model.FileChange;
import io.crashfree.releases.model.Issue;
import io.crashfree.releases.model.IssueDetails;
import io.crashfree.releases.model.IssueEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues per release against a real SQLite registry: counting per release (an event id twice counts once), new
 * issues, suspect commits from the first release's commits, resolution by a commit message and a regression from a
 * later release only.
 */
class IssueTrackerTest
{

    /** @return the database these tests run on (their {@code …OnPostgresTest} twin: PostgreSQL) */
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.SQLITE;
    }

    private static final List<String> CHECKOUT = List.of("Checkout.java", "src/main/java/com/acme/Checkout.java");

    @TempDir
    Path dataDir;
    private RegistryFixture fixture;
    private ReleaseRegistry registry;
    private IssueTracker tracker;

    @BeforeEach
    void open() throws Exception
    {
        fixture = RegistryFixture.open(backend(), dataDir);
        registry = fixture.registry;
        tracker = new IssueTracker(fixture.store);
    }

    @AfterEach
    void close()
    {
        fixture.close();
    }

    @Test
    void shouldCountEventsPerReleaseOnceEachAndNameNewIssues() throws Exception
    {
        RegistryResult<Integer> first = tracker.record(ORG, "default", List.of(
            event("e1", "h1", "app@1.0", "u1", T0), event("e2", "h1", "app@1.0", "u2", T0 + 1),
            event("e3", "h2", "app@1.1", "u1", T0 + 2), event(null, "h1", "app@1.1", "u1", T0 + 3)), T0 + 10);
        assertEquals(4, first.value());
        assertEquals(0, tracker.record(ORG, "default", List.of(event("e1", "h1", "app@1.0", "u9", T0 + 4)),
            T0 + 10).value(), "an event delivered twice counts once");

        List<Issue> issues = tracker.issues(ORG, "default", null).value();
        assertEquals(2, issues.size());
        Issue h1 = issues.stream().filter(i -> i.title().equals("title h1")).findFirst().orElseThrow();
        assertEquals(3, h1.events());
        assertEquals(2, h1.users());
        assertEquals("app@1.0", h1.firstRelease());
        assertEquals("app@1.1", h1.lastRelease());
        assertEquals("DEFAULT-1", h1.shortId());
        IssueDetails details = tracker.issue(ORG, "default-1").value();
        assertEquals(List.of("app@1.1", "app@1.0"), details.releases().stream().map(r -> r.version()).toList());
        assertEquals(2, details.releases().get(1).events());

        assertEquals(List.of("DEFAULT-2"), ids(tracker.issues(ORG, "default", "firstRelease:app@1.1").value()));
        assertEquals(List.of("DEFAULT-1", "DEFAULT-2"), ids(tracker.issues(ORG, "default", "release:app@1.1")
            .value()));
        assertEquals(java.util.Map.of("app@1.1", java.util.Map.of("default", 1L)),
            tracker.newIssues(ORG, List.of("app@1.1", "app@9")));
        assertTrue(registry.release(ORG, "app@1.1").isSuccess(), "an event's release is a release of the registry");
        assertEquals(400, tracker.issues(ORG, "default", "assigned:me").status());
        assertEquals(404, tracker.issue(ORG, "DEFAULT-99").status());
    }

    @Test
    void shouldNameSuspectCommitsThatTouchedTheFramesFiles() throws Exception
    {
        registry.createRelease(ORG, withCommits("app@2.0", List.of(
            commit("c3", "Tidy docs", T0 + 30, new FileChange("README.md", ChangeType.M)),
            commit("c2", "Charge cards twice", T0 + 20, new FileChange("src/main/java/com/acme/Checkout.java",
                ChangeType.M)),
            commit("c1", "Checkout from Windows", T0 + 10, new FileChange("src\\main\\java\\com\\acme\\Checkout.java",
                ChangeType.A)))), T0);
        tracker.record(ORG, "default", List.of(event("e1", "h1", "app@2.0", "u1", T0 + 100)), T0 + 100);
        IssueDetails details = tracker.issue(ORG, "DEFAULT-1").value();
        assertEquals(List.of("c2", "c1"), details.suspects().stream().map(s -> s.commit().id()).toList(),
            "newest first, only commits touching the frames' files");
        assertEquals("dev@example.com", details.suspects().get(0).commit().author().email());
    }

    @Test
    void shouldResolveByCommitAndRegressOnlyFromALaterRelease() throws Exception
    {
        registry.createRelease(ORG, ReleaseInput.of("app@1.0", List.of("default")), T0);
        tracker.record(ORG, "default", List.of(event("e1", "h1", "app@1.0", "u1", T0 + 1)), T0 + 1);
        registry.createRelease(ORG, withCommits("app@1.1", List.of(
            commit("c9", "Guard the null card\n\nFixes DEFAULT-1", T0 + 50))), T0 + 100);
        Issue resolved = tracker.issue(ORG, "DEFAULT-1").value().issue();
        assertEquals("resolved", resolved.status());
        assertEquals("app@1.1", resolved.resolvedInRelease());
        assertEquals("c9", resolved.resolvedByCommit());

        // an old client still on 1.0, and the resolving release itself: still resolved
        tracker.record(ORG, "default", List.of(event("e2", "h1", "app@1.0", "u2", T0 + 200),
            event("e3", "h1", "app@1.1", "u2", T0 + 201)), T0 + 201);
        assertEquals("resolved", tracker.issue(ORG, "DEFAULT-1").value().issue().status());

        // a release after the fix: a regression of that release
        registry.createRelease(ORG, ReleaseInput.of("app@1.2", List.of("default")), T0 + 300);
        tracker.record(ORG, "default", List.of(event("e4", "h1", "app@1.2", "u3", T0 + 400)), T0 + 400);
        Issue regressed = tracker.issue(ORG, "DEFAULT-1").value().issue();
        assertEquals("unresolved", regressed.status());
        assertTrue(regressed.isRegressed());
        assertEquals("app@1.2", regressed.regressedInRelease());
        assertEquals(List.of("DEFAULT-1"), ids(tracker.issues(ORG, "default", "is:regressed").value()));
        assertEquals(List.of(), ids(tracker.issues(ORG, "default", "is:resolved").value()));
        assertFalse(tracker.issues(ORG, "default", "is:unresolved release:\"app@1.2\"").value().isEmpty());
        assertNull(tracker.issues(ORG, "nope", null).value());
    }

    private static List<String> ids(List<Issue> issues)
    {
        List<String> ids = new ArrayList<>();
        for (Issue issue : issues)
        {
            ids.add(issue.shortId());
        }
        return ids;
    }

    private static IssueEvent event(String id, String hash, String release, String user, long ms)
    {
        return new IssueEvent(id, hash, "title " + hash, "com.acme.Checkout in pay", "error", release, "production",
            user, ms, CHECKOUT);
    }

    private static CommitInput commit(String id, String message, long ms, FileChange... files)
    {
        return new CommitInput(id, "acme/app", message, ms, "Dev One", "dev@example.com", List.of(files));
    }

    private static ReleaseInput withCommits(String version, List<CommitInput> commits)
    {
        return new ReleaseInput(version, List.of("default"), null, null, null, null, null, null, commits, null);
    }
}
