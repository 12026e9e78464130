/**
 * Operations: the node's metrics and their Prometheus rendering for {@code GET /metrics} (recorded from event loops,
 * wait-free; rendered on query threads), and the health check behind {@code GET /health} (answered on an event loop
 * from volatile state: essential threads alive, flusher cycles recent, memory pressure relieved).
 */
package io.crashfree.edge.ops;
