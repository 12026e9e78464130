/**
 * The releases registry's HTTP API ({@code /api/0/…} but the sessions query): Sentry's release, commit, deploy,
 * repository and project routes that {@code sentry-cli} calls, answered from
 * {@link io.crashfree.releases.registry.ReleaseRegistry}. Runs on the query threads, never on an event loop: every
 * request is a database transaction, and a few read git repositories or send mail.
 */
package io.crashfree.edge.registry;
