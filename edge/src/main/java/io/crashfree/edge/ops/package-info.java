/**
 * Operations: the node's metrics and their Prometheus rendering for {@code GET /metrics}. Recorded from event loops
 * (wait-free), rendered on query threads.
 */
package io.crashfree.edge.ops;
