/**
 * The releases registry's API: {@link io.crashfree.releases.registry.ReleaseRegistry} takes plain request records
 * ({@link io.crashfree.releases.registry.ReleaseInput}, {@link io.crashfree.releases.registry.DeployInput}) and
 * answers {@link io.crashfree.releases.registry.RegistryResult}s carrying an
 * {@link io.crashfree.releases.registry.Outcome} (the HTTP status) and a {@code detail} on failure, so a thin HTTP
 * handler only decodes, authorizes, calls and encodes. Each call is one database transaction; a failed call changes
 * nothing. Called on a control-plane executor, never on an event loop (it does database, git and SMTP I/O).
 */
package io.crashfree.releases.registry;
