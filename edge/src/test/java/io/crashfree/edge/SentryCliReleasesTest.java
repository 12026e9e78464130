package io.crashfree.edge;

import io.crashfree.edge.config.DevelopmentDefaults;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.registry.Outcome;
import io.crashfree.releases.registry.RegistryResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code sentry-cli} 3.8.0 (installed from npm by {@code bin/install-sentry-cli} into {@code .tools/}) against
 * a real node, in a git repository the test makes: the release flow a CI job runs, each command's exit code, and the
 * state it leaves in the registry. Skipped, saying so, only where npm is absent.
 */
@Timeout(120)
class SentryCliReleasesTest
{
    private static final String ORG = "crashfree";
    private static final String VERSION = "app@1.0";

    @TempDir
    Path dir;
    CrashfreeNode node;
    Path sentryCli;
    Path repo;

    /** What a command printed and how it exited. */
    record Run(int exitCode, String output)
    {
    }

    @BeforeEach
    void setUp() throws Exception
    {
        sentryCli = installSentryCli();
        node = TestNodes.start(dir.resolve("data"), new RecordingSessionSink(), Map.of(), Clock.systemUTC());
        repo = Files.createDirectories(dir.resolve("repo"));
        git("init", "-q");
        git("remote", "add", "origin", "https://github.com/acme/app.git");
        Files.writeString(repo.resolve("a.txt"), "a\n");
        git("add", "a.txt");
        git("commit", "-q", "-m", "Start the app");
        Files.writeString(repo.resolve("b.txt"), "b\n");
        git("add", "b.txt");
        git("commit", "-q", "-m", "Fix crash on start\n\nFixes CRASHFREE-12");
    }

    @AfterEach
    void tearDown()
    {
        if (node != null)
        {
            node.close();
        }
    }

    @Test
    void shouldRunTheReleaseFlowOfACiJob() throws Exception
    {
        expectOk(cli("info"), "project:releases");

        expectOk(cli("releases", "new", VERSION), VERSION);
        assertEquals(1, release().projects().size());
        expectOk(cli("releases", "new", VERSION), VERSION); // 208: already there, not an error

        expectOk(cli("releases", "set-commits", "--local", VERSION), "");
        Release withCommits = release();
        assertEquals(2, withCommits.commitCount(), "both commits of the local walk");
        assertEquals(head(), withCommits.lastCommit().id());

        expectOk(cli("releases", "finalize", VERSION), "");
        assertNotNull(release().dateReleasedMs(), "finalized");

        expectOk(cli("releases", "deploys", VERSION, "new", "-e", "production", "-n", "deploy 7", "-t", "30"), "");
        final Release deployed = release();
        assertEquals(1, deployed.deployCount());
        assertEquals("production", deployed.lastDeploy().environment());
        expectOk(cli("releases", "deploys", VERSION, "list"), "production");

        expectOk(cli("releases", "list"), VERSION);
        expectOk(cli("releases", "info", VERSION), VERSION);

        expectOk(cli("releases", "delete", VERSION), "");
        final RegistryResult<Release> gone = node.registry().release(ORG, VERSION);
        assertEquals(Outcome.NOT_FOUND, gone.outcome(), "deleted");

        final Run refused = cli("releases", "new", "app 2.0");
        assertTrue(refused.exitCode() != 0 && refused.output().contains("400"), refused.output());
    }

    @Test
    void shouldStopTheLocalWalkAtThePreviousReleaseAndArchiveAndRestore() throws Exception
    {
        expectOk(cli("releases", "new", "-p", "captures", "--finalize", VERSION), VERSION);
        expectOk(cli("releases", "set-commits", "--local", VERSION), "");
        assertEquals(2, release(VERSION).commitCount());
        Files.writeString(repo.resolve("c.txt"), "c\n");
        git("add", "c.txt");
        git("commit", "-q", "-m", "Third");
        expectOk(cli("releases", "new", "app@1.1"), "app@1.1");
        expectOk(cli("releases", "set-commits", "--local", "app@1.1"), "");
        final Release next = release("app@1.1");
        assertEquals(1, next.commitCount(), "the walk stops at app@1.0's last commit (previous-with-commits)");
        assertEquals(head(), next.lastCommit().id());
        expectOk(cli("releases", "info", "-C", "app@1.1"), "app@1.1");

        expectOk(cli("releases", "archive", VERSION), "");
        assertEquals("archived", release(VERSION).status().wireName());
        expectOk(cli("releases", "restore", VERSION), "");
        assertEquals("open", release(VERSION).status().wireName());
        expectOk(cli("projects", "list"), "captures");
    }

    @Test
    void shouldResolveAutoAndCommitRangesFromTheNodesRepository() throws Exception
    {
        // the node reads a bare clone of the repository, configured as acme/app; the local remote points at it
        final Path bare = dir.resolve("origin.git");
        git("clone", "-q", "--bare", repo.toString(), bare.toString());
        git("remote", "set-url", "origin", bare.toString());
        node.close();
        node = TestNodes.start(dir.resolve("data"), new RecordingSessionSink(), Map.of(
            "repository.app.name", "acme/app", "repository.app.url", bare.toString()), Clock.systemUTC());
        final String first = git("rev-list", "--max-parents=0", "HEAD").output().trim().split("\n")[1].trim();

        expectOk(cli("releases", "new", VERSION), VERSION);
        expectOk(cli("releases", "set-commits", "--commit", "acme/app@" + first + ".." + head(), VERSION), "");
        Release ranged = release();
        assertEquals(1, ranged.commitCount(), "the commits after FROM up to TO");
        assertEquals(head(), ranged.lastCommit().id());

        expectOk(cli("releases", "set-commits", "--auto", VERSION), "");
        final Release auto = release();
        assertEquals(head(), auto.lastCommit().id());
        assertEquals("acme/app", auto.lastCommit().repository(), "--auto sent refs, resolved by the node's JGit");

        final Run unknown = cli("releases", "set-commits", "--commit", "acme/nope@" + head(), VERSION);
        assertTrue(unknown.exitCode() != 0, unknown.output());
        assertEquals(head(), release().lastCommit().id(), "a refused request changed nothing");
    }

    /** Sentry's recommended package@version+build: sentry-cli puts the '+' into paths unencoded. */
    @Test
    void shouldFinalizeAndDeployAVersionWithABuildNumber() throws Exception
    {
        final String version = "io.crashfree.app@1.0.0+42";
        expectOk(cli("releases", "new", version), version);
        expectOk(cli("releases", "set-commits", "--local", version), "");
        expectOk(cli("releases", "finalize", version), "");
        expectOk(cli("releases", "deploys", version, "new", "-e", "production"), "");
        expectOk(cli("releases", "info", version), version);
        final Release release = release(version);
        assertEquals(2, release.commitCount());
        assertNotNull(release.dateReleasedMs(), "finalized");
        assertEquals(1, release.deployCount());
    }

    private Release release() throws Exception
    {
        return release(VERSION);
    }

    private Release release(final String version) throws Exception
    {
        final RegistryResult<Release> r = node.registry().release(ORG, version);
        assertTrue(r.isSuccess(), String.valueOf(r.detail()));
        return r.value();
    }

    private static void expectOk(final Run run, final String expected)
    {
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains(expected), run.output());
    }

    private Run cli(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(sentryCli.toString());
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
        final Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SENTRY_"));
        env.put("HOME", dir.toString()); // no ~/.sentryclirc of the machine's user
        env.put("SENTRY_URL", "http://127.0.0.1:" + node.port());
        env.put("SENTRY_ORG", ORG);
        env.put("SENTRY_PROJECT", "captures");
        env.put("SENTRY_AUTH_TOKEN", DevelopmentDefaults.RELEASE_TOKEN);
        env.put("SENTRY_DISABLE_UPDATE_CHECK", "true");
        return run(pb, "sentry-cli " + String.join(" ", args));
    }

    private String head() throws Exception
    {
        final String[] lines = git("rev-parse", "HEAD").output().trim().split("\n");
        return lines[lines.length - 1].trim();
    }

    private Run git(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Dev One", "-c",
            "user.email=dev@example.com", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        final Run run = run(new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true),
            "git " + String.join(" ", args));
        assertEquals(0, run.exitCode(), run.output());
        return run;
    }

    private static Run run(final ProcessBuilder pb, final String what) throws IOException, InterruptedException
    {
        final Process process = pb.start();
        process.getOutputStream().close();
        final byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError(what + " did not finish in 30 s");
        }
        return new Run(process.exitValue(), what + " ->\n" + new String(out, StandardCharsets.UTF_8));
    }

    /** The binary, installed by the project's script when missing; skips the test only where npm is absent. */
    static Path installSentryCli() throws Exception
    {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("bin/install-sentry-cli")))
        {
            root = root.getParent();
        }
        final Run install = run(new ProcessBuilder("sh", root.resolve("bin/install-sentry-cli").toString())
            .redirectErrorStream(false), "bin/install-sentry-cli");
        Assumptions.assumeFalse(install.exitCode() == 2,
            "npm is not installed: the real sentry-cli cannot be installed, so this test is skipped");
        assertEquals(0, install.exitCode(), install.output());
        final String[] lines = install.output().trim().split("\n");
        final Path binary = Path.of(lines[lines.length - 1].trim());
        assertTrue(Files.isExecutable(binary), install.output());
        return binary;
    }
}
