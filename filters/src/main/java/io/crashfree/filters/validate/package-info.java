/**
 * Validation rules for single session fields that need no configuration: release and environment names, and the nil
 * UUID that stands for an absent {@code did}.
 * <p>
 * Pure functions over byte or char windows, called by {@link io.crashfree.filters.SessionFilter} (and the edge's
 * decoder for the nil UUID) on the event-loop thread; they allocate nothing.
 */
package io.crashfree.filters.validate;
