/**
 * The release inbound filter: case-insensitive release globs ({@code *}, {@code ?}, {@code [...]}, {@code [!...]},
 * {@code {a,b}}, {@code \} escapes) compiled on the control plane into small programs that match UTF-8 bytes on the
 * event-loop thread without allocating. Semantics follow Relay's {@code relay-pattern} crate.
 */
package io.crashfree.filters.release;
