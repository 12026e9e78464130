package io.crashfree.releases.notify;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Properties;

/**
 * Deploy emails through an SMTP server with Jakarta Mail. One message per deploy, every recipient in {@code To}.
 * Sends on the calling thread (the handler's control-plane executor), with connect and read timeouts so a dead
 * server costs seconds, not a hung request.
 */
public final class SmtpDeployNotifier implements DeployNotifier
{

    /**
     * The SMTP settings ({@code notify.smtp.*}).
     *
     * @param host the server's host ({@code notify.smtp.host})
     * @param port its port ({@code notify.smtp.port})
     * @param from the sender address ({@code notify.smtp.from})
     * @param username the login, or {@code null} for none ({@code notify.smtp.username})
     * @param password the password, or {@code null} ({@code notify.smtp.password})
     * @param timeoutMs connect and read timeout
     */
    public record SmtpSettings(String host, int port, String from, String username, String password, int timeoutMs)
    {
    }

    private final SmtpSettings settings;
    private final Session session;

    /**
     * A notifier for one SMTP server.
     *
     * @param settings the server
     */
    public SmtpDeployNotifier(SmtpSettings settings)
    {
        this.settings = settings;
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", settings.host());
        properties.setProperty("mail.smtp.port", Integer.toString(settings.port()));
        properties.setProperty("mail.smtp.connectiontimeout", Integer.toString(settings.timeoutMs()));
        properties.setProperty("mail.smtp.timeout", Integer.toString(settings.timeoutMs()));
        properties.setProperty("mail.smtp.writetimeout", Integer.toString(settings.timeoutMs()));
        properties.setProperty("mail.smtp.auth", Boolean.toString(settings.username() != null));
        this.session = Session.getInstance(properties);
    }

    @Override
    public DeliveryReport notify(DeployNotice notice)
    {
        if (notice.recipients().isEmpty())
        {
            return DeliveryReport.NOT_SENT;
        }
        try
        {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(settings.from()));
            for (String recipient : notice.recipients())
            {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
            }
            message.setSubject("Deployed " + notice.version() + " to " + notice.deploy().environment(), "UTF-8");
            message.setText(body(notice), "UTF-8");
            if (settings.username() != null)
            {
                Transport.send(message, settings.username(), settings.password());
            }
            else
            {
                Transport.send(message);
            }
            return new DeliveryReport(notice.recipients().size(), null);
        }
        catch (MessagingException e)
        {
            return new DeliveryReport(0, "deploy email not sent through " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage());
        }
    }

    private static String body(DeployNotice notice)
    {
        StringBuilder text = new StringBuilder();
        text.append("Release ").append(notice.version()).append(" of ").append(notice.organization())
                .append(" was deployed to ").append(notice.deploy().environment())
                .append(" at ").append(Instant.ofEpochMilli(notice.deploy().dateFinishedMs())).append(".\n");
        if (notice.deploy().name() != null)
        {
            text.append("Deploy: ").append(notice.deploy().name()).append('\n');
        }
        if (notice.deploy().url() != null)
        {
            text.append("Link: ").append(notice.deploy().url()).append('\n');
        }
        text.append("It holds ").append(notice.commitCount()).append(" commit(s), some of them yours.\n");
        return text.toString();
    }
}
