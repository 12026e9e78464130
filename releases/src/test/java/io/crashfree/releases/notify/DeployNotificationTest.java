package io.crashfree.releases.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.crashfree.releases.model.Deploy;
import io.crashfree.releases.model.Release;
import io.crashfree.releases.registry.CommitInput;
import io.crashfree.releases.registry.DeployInput;
import io.crashfree.releases.registry.RegistryContext;
import io.crashfree.releases.registry.RegistryResult;
import io.crashfree.releases.registry.ReleaseInput;
import io.crashfree.releases.registry.ReleaseRegistry;
import io.crashfree.releases.store.SqliteRegistryStore;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DeployNotificationTest
{

    private static final long T0 = 1_790_000_000_000L;

    @TempDir
    Path dataDir;
    private GreenMail smtp;
    private SqliteRegistryStore store;

    @BeforeEach
    void startSmtp()
    {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stop()
    {
        if (store != null)
        {
            store.close();
        }
        smtp.stop();
    }

    private ReleaseRegistry registry(DeployNotifier notifier) throws Exception
    {
        store = SqliteRegistryStore.open(dataDir, T0);
        return ReleaseRegistry.open(store, new RegistryContext(
                List.of(new RegistryContext.Organization("acme", List.of("default"), List.of())),
                Set.of("Dev@Example.com", "ops@example.com"), notifier, dataDir.resolve("git")));
    }

    private void releaseWithCommits(ReleaseRegistry registry) throws Exception
    {
        registry.createRelease("acme", new ReleaseInput("app@1.1", List.of("default"), null, null, null, null, null,
                null, List.of(
                        new CommitInput("c2", null, "two", T0 + 2, "Dev One", "dev@example.com", null),
                        new CommitInput("c1", null, "one", T0 + 1, "Stranger", "stranger@example.com", null)),
                null), T0);
    }

    @Test
    void shouldEmailTheCommitAuthorsWhoAreKnownUsersThroughSmtp() throws Exception
    {
        int port = smtp.getSmtp().getPort();
        ReleaseRegistry registry = registry(new SmtpDeployNotifier(new SmtpDeployNotifier.SmtpSettings(
                "127.0.0.1", port, "crashfree@example.com", null, null, 5_000)));
        releaseWithCommits(registry);

        RegistryResult<ReleaseRegistry.DeployRecorded> result = registry.createDeploy("acme", "app@1.1",
                new DeployInput("production", "deploy 7", "https://ci/7", T0 + 70_000, T0 + 100_000), T0 + 200_000);
        assertEquals(201, result.status());
        assertEquals(1, result.value().notification().sent());
        assertNull(result.value().notification().problem());

        assertTrue(smtp.waitForIncomingEmail(10_000, 1));
        MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(1, received.length, "one message: the stranger is not a known user");
        assertEquals("Deployed app@1.1 to production", received[0].getSubject());
        assertEquals("[dev@example.com]", Arrays.toString(received[0].getRecipients(Message.RecipientType.TO)));
        String body = received[0].getContent().toString();
        assertTrue(body.contains("deploy 7") && body.contains("https://ci/7"), body);

        Release release = registry.release("acme", "app@1.1").value();
        assertEquals(1, release.deployCount());
        Deploy last = release.lastDeploy();
        assertEquals("production", last.environment());
        assertEquals(T0 + 70_000, last.dateStartedMs());
        assertEquals(T0 + 100_000, last.dateFinishedMs());
    }

    @Test
    void shouldSendNothingWhenUnconfiguredAndStillRecordTheDeploy() throws Exception
    {
        ReleaseRegistry registry = registry(DeployNotifier.OFF);
        releaseWithCommits(registry);
        registry.createDeploy("acme", "app@1.1", new DeployInput("staging", null, null, null, null), T0 + 5);
        registry.createDeploy("acme", "app@1.1", new DeployInput("production", null, null, null, null), T0 + 9);
        assertEquals(0, smtp.getReceivedMessages().length);
        List<Deploy> deploys = registry.deploys("acme", "app@1.1").value();
        assertEquals(List.of("production", "staging"), deploys.stream().map(Deploy::environment).toList());
        Release release = registry.release("acme", "app@1.1").value();
        assertEquals(2, release.deployCount());
        assertEquals(T0 + 9, release.lastDeploy().dateFinishedMs(), "no finish time given: now");
    }

    @Test
    void shouldRecordTheDeployEvenWhenTheMailServerIsDown() throws Exception
    {
        int port = smtp.getSmtp().getPort();
        smtp.stop();
        ReleaseRegistry registry = registry(new SmtpDeployNotifier(new SmtpDeployNotifier.SmtpSettings(
                "127.0.0.1", port, "crashfree@example.com", null, null, 2_000)));
        releaseWithCommits(registry);
        var result = registry.createDeploy("acme", "app@1.1", new DeployInput("production", null, null, null, null),
                T0 + 5);
        assertEquals(201, result.status());
        assertTrue(result.value().notification().problem().startsWith("deploy email not sent through 127.0.0.1:"),
                result.value().notification().problem());
        assertEquals(1, registry.deploys("acme", "app@1.1").value().size());
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @Test
    void shouldRefuseBadDeploysAndWriteNothing() throws Exception
    {
        ReleaseRegistry registry = registry(DeployNotifier.OFF);
        releaseWithCommits(registry);
        assertEquals(400, registry.createDeploy("acme", "app@1.1", new DeployInput(null, null, null, null, null), T0)
                .status());
        assertEquals(400, registry.createDeploy("acme", "app@1.1",
                new DeployInput("prod uction", null, null, null, null), T0).status());
        assertEquals(404, registry.createDeploy("acme", "app@9", new DeployInput("production", null, null, null, null),
                T0).status());
        assertEquals(0, registry.deploys("acme", "app@1.1").value().size());
    }
}
