package io.crashfree.edge;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

import static io.crashfree.edge.RegistryClient.ORG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deploy email over HTTP: a real node configured with {@code notify.smtp.*} pointing at a real SMTP server in the
 * test JVM (GreenMail) and {@code notify.users} naming one commit author. A deploy that {@code sentry-cli releases
 * deploys V new} records sends one message to the release's commit authors who are known users (deduplicated by
 * email, compared case-insensitively) and to nobody else; with notify unconfigured no message goes out and the deploy
 * is still recorded.
 */
@Timeout(60)
class DeployEmailHttpTest
{
    private static final String WRITE = "ci-release-token-0123456789";
    private static final Map<String, String> TOKEN = Map.of(
        "auth.token.ci.value", WRITE, "auth.token.ci.scopes", "org:read, project:releases");

    @TempDir
    static Path dir;
    static GreenMail smtp;
    static CrashfreeNode node;
    static RegistryClient client;

    @BeforeAll
    static void start() throws Exception
    {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        final java.util.HashMap<String, String> settings = new java.util.HashMap<>(TOKEN);
        settings.put("notify.smtp.host", "127.0.0.1");
        settings.put("notify.smtp.port", String.valueOf(smtp.getSmtp().getPort()));
        settings.put("notify.smtp.from", "crashfree@example.com");
        settings.put("notify.smtp.timeout.ms", "5000");
        settings.put("notify.users", "Dev@Example.com, ops@example.com");
        node = TestNodes.start(dir.resolve("notifying"), new RecordingSessionSink(), settings, Clock.systemUTC());
        client = new RegistryClient(node.port());
    }

    @AfterAll
    static void stop() throws Exception
    {
        client.close();
        node.close();
        smtp.stop();
    }

    @BeforeEach
    void emptyMailboxes() throws Exception
    {
        smtp.purgeEmailFromAllMailboxes();
    }

    @Test
    void shouldEmailTheKnownCommitAuthorOnceAndNobodyElse() throws Exception
    {
        releaseWithCommits(client, "app@1.1", "dev@example.com", "stranger@example.com");

        // what sentry-cli sends for: releases deploys app@1.1 new -e production -n "deploy 7" -u https://ci/7 -t 30
        final RawHttp.Response deploy = client.call("POST", ORG + "/releases/app@1.1/deploys/", WRITE,
            "{\"environment\":\"production\",\"name\":\"deploy 7\",\"url\":\"https://ci/7\"," +
                "\"dateStarted\":\"2026-12-01T14:00:00Z\",\"dateFinished\":\"2026-12-01T14:00:30Z\"}");
        assertEquals(201, deploy.status(), deploy.body());

        assertTrue(smtp.waitForIncomingEmail(10_000, 1), "a deploy email arrived");
        final MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(1, received.length, "exactly one delivery: dev@example.com, whose two commits count once; " +
            "stranger@example.com is not a known user");
        final MimeMessage mail = received[0];
        assertEquals("[dev@example.com]", Arrays.toString(mail.getRecipients(Message.RecipientType.TO)));
        assertEquals("[crashfree@example.com]", Arrays.toString(mail.getFrom()));
        final String subject = mail.getSubject();
        assertTrue(subject.contains("app@1.1") && subject.contains("production"), subject);
        final String body = mail.getContent().toString();
        for (final String expected : new String[] { "app@1.1", "production", "deploy 7", "https://ci/7" })
        {
            assertTrue(body.contains(expected), "the mail names " + expected + ": " + body);
        }
        assertEquals(1, client.get(ORG + "/releases/app@1.1/", WRITE).get("deployCount").asInt());
    }

    @Test
    void shouldSendNothingWhenNoCommitAuthorIsAKnownUser() throws Exception
    {
        releaseWithCommits(client, "app@2.0", "stranger@example.com", "other@example.com");
        assertEquals(201, client.call("POST", ORG + "/releases/app@2.0/deploys/", WRITE,
            "{\"environment\":\"staging\",\"name\":\"quiet\"}").status());
        // the email goes out before the deploy is answered; a second deploy that does mail marks the end
        releaseWithCommits(client, "app@2.1", "ops@example.com", "stranger@example.com");
        assertEquals(201, client.call("POST", ORG + "/releases/app@2.1/deploys/", WRITE,
            "{\"environment\":\"staging\",\"name\":\"marker\"}").status());
        assertTrue(smtp.waitForIncomingEmail(10_000, 1));
        final MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(1, received.length, "only the marker deploy mailed");
        assertTrue(received[0].getSubject().contains("app@2.1"), received[0].getSubject());
        assertEquals("[ops@example.com]", Arrays.toString(received[0].getRecipients(Message.RecipientType.TO)));
    }

    @Test
    void shouldRecordTheDeployAndSendNothingWhenNotifyIsUnconfigured() throws Exception
    {
        // known users, but no SMTP server: notification is off
        final java.util.HashMap<String, String> settings = new java.util.HashMap<>(TOKEN);
        settings.put("notify.users", "dev@example.com");
        try (CrashfreeNode quiet = TestNodes.start(dir.resolve("quiet"), new RecordingSessionSink(), settings,
            Clock.systemUTC()); RegistryClient quietClient = new RegistryClient(quiet.port()))
        {
            releaseWithCommits(quietClient, "app@3.0", "dev@example.com", "stranger@example.com");
            final RawHttp.Response deploy = quietClient.call("POST", ORG + "/releases/app@3.0/deploys/", WRITE,
                "{\"environment\":\"production\",\"name\":\"deploy 9\"}");
            assertEquals(201, deploy.status(), deploy.body());
            assertEquals(1, quietClient.get(ORG + "/releases/app@3.0/", WRITE).get("deployCount").asInt());
            assertEquals(1, quietClient.get(ORG + "/releases/app@3.0/deploys/", WRITE).size());
        }
        assertEquals(0, smtp.getReceivedMessages().length, "no mail from a node without notify.smtp.host");
    }

    /** The release as sentry-cli makes it: new, then set-commits (two commits by the first author, one by the second). */
    private static void releaseWithCommits(final RegistryClient to, final String version, final String author,
        final String otherAuthor) throws Exception
    {
        assertEquals(201, to.call("POST", ORG + "/releases/", WRITE,
            "{\"version\":\"" + version + "\",\"projects\":[\"captures\"],\"dateStarted\":\"2026-12-01T10:00:00Z\"}")
            .status());
        final RawHttp.Response commits = to.call("PUT", ORG + "/releases/" + version + '/', WRITE, "{\"commits\":[" +
            commit("c3" + version, author, "2026-12-01T13:06:00Z") + ',' +
            commit("c2" + version, otherAuthor, "2026-12-01T13:05:00Z") + ',' +
            commit("c1" + version, author.toUpperCase(java.util.Locale.ROOT), "2026-12-01T13:04:00Z") + "]}");
        assertEquals(200, commits.status(), commits.body());
        assertEquals(3, RegistryClient.json(commits).get("commitCount").asInt(), commits.body());
        assertEquals(2, RegistryClient.json(commits).get("authors").size(), "authors deduplicated by email: " +
            commits.body());
    }

    private static String commit(final String id, final String email, final String timestamp)
    {
        return "{\"patch_set\":[{\"path\":\"b.txt\",\"type\":\"A\"}],\"repository\":\"origin\"," +
            "\"author_name\":\"" + email.substring(0, email.indexOf('@')) + "\",\"author_email\":\"" + email + "\"," +
            "\"timestamp\":\"" + timestamp + "\",\"message\":\"change\\n\",\"id\":\"" + id + "\"}";
    }
}
