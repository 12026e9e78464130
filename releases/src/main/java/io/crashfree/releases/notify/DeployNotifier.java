package io.crashfree.releases.notify;

/**
 * Tells people that a release was deployed. Called after the deploy's transaction committed, so a failing mail
 * server never loses a deploy.
 */
public interface DeployNotifier
{

    /** The notifier used when no SMTP server is configured: sends nothing. */
    DeployNotifier OFF = notice -> DeliveryReport.NOT_SENT;

    /**
     * What became of a notification.
     *
     * @param sent how many recipients the mail was handed to the server for
     * @param problem why it was not sent, or {@code null}
     */
    record DeliveryReport(int sent, String problem)
    {
        /** Nothing sent because notifications are off or there was nobody to tell. */
        public static final DeliveryReport NOT_SENT = new DeliveryReport(0, null);
    }

    /**
     * Sends the deploy notice.
     *
     * @param notice what to send and to whom
     * @return what happened; never throws for a mail failure
     */
    DeliveryReport notify(DeployNotice notice);
}
