/**
 * Deploy notifications: an email to the release's commit authors who are known users, through a configured SMTP
 * server (Jakarta Mail), sent after the deploy committed; {@link io.crashfree.releases.notify.DeployNotifier#OFF}
 * when no server is configured. Control-plane threads only.
 */
package io.crashfree.releases.notify;
