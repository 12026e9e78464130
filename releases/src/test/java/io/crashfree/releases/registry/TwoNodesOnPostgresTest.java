package io.crashfree.releases.registry;

import static io.crashfree.releases.registry.RegistryFixture.ORG;
import static io.crashfree.releases.registry.RegistryFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashfree.releases.model.Issue;
import io.crashfree.releases.model.IssueEvent;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.store.PostgresRegistryStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' registries on one PostgreSQL database, writing the same things at the same moment, as nodes behind a
 * load balancer do: the same release created on both (one 201, one 208, never an error), the same release seen in
 * sessions on both, events of one issue and new issues recorded on both (every event counted once, every user in the
 * sketch, short ids without duplicates or gaps), adoption recorded on both.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoNodesOnPostgresTest
{
    private static final int ROUNDS = 25;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    private RegistryFixture a;
    private RegistryFixture b;
    private ExecutorService pool;

    @BeforeEach
    void open() throws Exception
    {
        a = RegistryFixture.open(RegistryFixture.Backend.POSTGRESQL, dirA);
        b = a.otherNode(dirB);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void close()
    {
        pool.shutdownNow();
        b.close();
        a.close();
    }

    /** Runs {@code onA} and {@code onB} at the same moment and answers their results, A's first. */
    private <T> List<T> atOnce(Step<T> onA, Step<T> onB) throws Exception
    {
        CyclicBarrier barrier = new CyclicBarrier(2);
        Future<T> fa = pool.submit(() ->
        {
            barrier.await(30, TimeUnit.SECONDS);
            return onA.run();
        });
        Future<T> fb = pool.submit(() ->
        {
            barrier.await(30, TimeUnit.SECONDS);
            return onB.run();
        });
        return List.of(fa.get(60, TimeUnit.SECONDS), fb.get(60, TimeUnit.SECONDS));
    }

    @FunctionalInterface
    private interface Step<T>
    {
        T run() throws Exception;
    }

    @Test
    void shouldAnswerOneCreatedAndOneAlreadyExistsWhenTwoNodesCreateOneRelease() throws Exception
    {
        for (int i = 0; i < ROUNDS; i++)
        {
            String version = "app@2." + i;
            long t = T0 + i;
            List<Integer> statuses = atOnce(
                    () -> a.registry.createRelease(ORG, ReleaseInput.of(version, List.of("default")), t).status(),
                    () -> b.registry.createRelease(ORG, ReleaseInput.of(version, List.of("web")), t).status());
            assertEquals(List.of(201, 208), statuses.stream().sorted().toList(), version + ": " + statuses);
            Release seen = b.registry.release(ORG, version).value();
            assertEquals(List.of("default", "web"), seen.projects().stream().map(p -> p.slug()).toList(),
                    "both requests' projects are linked");
        }
        assertEquals(ROUNDS, a.count("releases"));
        System.out.println("two nodes creating " + ROUNDS + " releases at once: transactions retried "
                + (((PostgresRegistryStore) a.store).retries() + ((PostgresRegistryStore) b.store).retries()));
    }

    @Test
    void shouldKeepTheWidestSightingWhenTwoNodesSeeOneReleaseAtOnce() throws Exception
    {
        for (int i = 0; i < ROUNDS; i++)
        {
            String version = "app@3." + i;
            long t = T0 + 1_000L * i;
            List<Integer> statuses = atOnce(() -> a.registry.recordSeen(ORG, "default", version, t + 5).status(),
                    () -> b.registry.recordSeen(ORG, "web", version, t).status());
            assertEquals(List.of(200, 200), statuses, version);
            Release release = a.registry.release(ORG, version).value();
            assertEquals(t, release.firstEventMs());
            assertEquals(t + 5, release.lastEventMs());
            assertEquals(2, release.projects().size());
        }
        assertEquals(ROUNDS, a.count("releases"));
    }

    @Test
    void shouldCountEveryEventOnceAndNumberIssuesWithoutGapsWhenTwoNodesRecordAtOnce() throws Exception
    {
        IssueTracker onA = new IssueTracker(a.store);
        IssueTracker onB = new IssueTracker(b.store);
        for (int i = 0; i < ROUNDS; i++)
        {
            int round = i;
            // one issue both nodes see (own events, and one event delivered to both), and a new issue on each
            atOnce(() -> onA.record(ORG, "default", List.of(event("a" + round, "shared", "ua" + round),
                            event("dup" + round, "shared", "dup" + round), event("na" + round, "new-a" + round, "x")),
                            T0 + round).status(),
                    () -> onB.record(ORG, "default", List.of(event("b" + round, "shared", "ub" + round),
                            event("dup" + round, "shared", "dup" + round), event("nb" + round, "new-b" + round, "x")),
                            T0 + round).status());
        }
        List<Issue> issues = onB.issues(ORG, "default", null).value();
        assertEquals(1 + 2 * ROUNDS, issues.size());
        Issue shared = issues.stream().filter(x -> x.title().equals("shared")).findFirst().orElseThrow();
        assertEquals(3L * ROUNDS, shared.events(), "own events of each node, the duplicate once");
        assertEquals(3L * ROUNDS, shared.users(), "no user lost to a sketch written over");
        Set<String> shortIds = new TreeSet<>();
        for (Issue issue : issues)
        {
            shortIds.add(issue.shortId());
        }
        Set<String> expected = new TreeSet<>();
        for (int n = 1; n <= 1 + 2 * ROUNDS; n++)
        {
            expected.add("DEFAULT-" + n);
        }
        assertEquals(expected, shortIds, "short ids once each, no gaps");
    }

    @Test
    void shouldRecordAdoptionOnceWhenTwoNodesLookAtOnce() throws Exception
    {
        a.registry.createRelease(ORG, ReleaseInput.of("app@4.0", List.of("default")), T0);
        a.registry.createRelease(ORG, ReleaseInput.of("app@4.1", List.of("default")), T0);
        for (int i = 0; i < ROUNDS; i++)
        {
            long t = T0 + 60_000L * i;
            Set<String> adopted = i < ROUNDS / 2 ? Set.of("app@4.0") : Set.of("app@4.1");
            List<Integer> statuses = atOnce(
                    () -> a.registry.recordAdoption(ORG, "default", "production", adopted, t).status(),
                    () -> b.registry.recordAdoption(ORG, "default", "production", adopted, t + 1).status());
            assertEquals(List.of(200, 200), statuses);
        }
        var stages = b.registry.adoption(ORG, List.of("app@4.0", "app@4.1")).value();
        assertEquals(1, stages.get("app@4.0").size());
        long firstLook = stages.get("app@4.0").get(0).adoptedMs();
        assertTrue(firstLook == T0 || firstLook == T0 + 1, "adopted at the first committed look, A's or B's: " + firstLook);
        assertTrue(stages.get("app@4.0").get(0).unadoptedMs() != null, "replaced once 4.1 took over");
        long takeOver = stages.get("app@4.1").get(0).adoptedMs() - 60_000L * (ROUNDS / 2);
        assertTrue(takeOver == T0 || takeOver == T0 + 1, "4.1 adopted at its first committed look");
        assertEquals(null, stages.get("app@4.1").get(0).unadoptedMs());
        assertEquals(2, a.count("release_environments"));
    }

    private static IssueEvent event(String id, String hash, String user)
    {
        return new IssueEvent(id, hash, hash, null, "error", "app@1.0", "production", user, T0,
                new ArrayList<>(List.of("Checkout.java")));
    }
}
