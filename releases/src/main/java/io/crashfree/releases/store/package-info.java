/**
 * The registry's storage: the {@link io.crashfree.releases.store.RegistryStore} interface (one transaction per
 * request), the embedded SQLite implementation and the versioned schema migrations applied at open. Runs on whatever
 * control-plane thread calls the registry; never on an event loop.
 */
package io.crashfree.releases.store;
