/**
 * Session validation, normalization and inbound filters: the step between decoding an envelope and folding its
 * sessions (DESIGN.md §3; reference §3 and §4).
 * <p>
 * Data flow: the edge decodes an envelope into its own reusable records, adapts each to a view defined here
 * ({@link io.crashfree.filters.SessionUpdateView}, {@link io.crashfree.filters.SessionAggregatesView}), and runs them
 * through its thread's {@link io.crashfree.filters.SessionFilter}; what comes back null is folded, the rest is counted
 * by {@link io.crashfree.filters.DropReason}. Runs on the event-loop thread that decoded the envelope, allocates
 * nothing per session, does no I/O and reads no clock (the receive time is passed in).
 * <p>
 * Sub-packages by role: {@code config} (keys, compiled settings, reload), {@code ip} (addresses, client IP, CIDR
 * sets), {@code release} (release globs), {@code useragent} (browser parsing, legacy rules, crawler matcher),
 * {@code validate} (field rules). This module depends on nothing else of Crashfree's.
 */
package io.crashfree.filters;
