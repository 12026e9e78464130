/**
 * The query engine: Sentry's sessions API definitions ({@link io.crashfree.aggregation.query.Measures}) over the
 * merged store + live aggregates ({@link io.crashfree.aggregation.query.SessionsEngine}) and release health
 * ({@link io.crashfree.aggregation.query.ReleaseHealthEngine}). Runs on query threads; no I/O of its own beyond
 * the read view.
 */
package io.crashfree.aggregation.query;
