/**
 * {@code --verify}: asks the node's sessions API (reference §6, {@code GET /api/0/organizations/{org}/sessions/})
 * what it counted for the run's releases and compares every value with the
 * {@link io.crashfree.loadgen.truth.GroundTruth}: {@code sum(session)} per release, environment and
 * {@code session.status} exactly (within the sessions of requests that got no answer), distinct users within the
 * sketch's stated error.
 * <p>
 * Runs on the main thread after the load has stopped; plain JDK HTTP client and jackson-core, no Netty.
 */
package io.crashfree.loadgen.verify;
