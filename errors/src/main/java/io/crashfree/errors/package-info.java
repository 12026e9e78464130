/**
 * Error events as release health needs them (DESIGN §11): {@link io.crashfree.errors.event.EventReader} reads, with
 * the streaming parser, only what grouping needs of an event; {@link io.crashfree.errors.group.Grouper} groups events
 * into issues as Sentry's defaults do; {@link io.crashfree.errors.resolve.CommitResolutions} finds the issues a commit
 * message resolves. No socket I/O and no storage: the node wires them in.
 */
package io.crashfree.errors;
