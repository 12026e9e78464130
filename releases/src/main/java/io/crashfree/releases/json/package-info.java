/**
 * Sentry's JSON shapes for the registry: request bodies read into request records (bad input becomes a
 * {@code 400} result with a {@code detail}) and values written as Sentry answers them. Jackson databind trees; the
 * control plane, not the ingest path.
 */
package io.crashfree.releases.json;
