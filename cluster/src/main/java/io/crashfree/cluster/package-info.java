/**
 * Cluster mode (DESIGN.md §8): nodes behind a load balancer share one view through a compacted Kafka topic.
 * <pre>
 *  flusher thread ──▶ {@link io.crashfree.cluster.Publisher}: every cycle, the keys folds changed, as this node's
 *                     cumulative value (store + live) with an epoch that only increases ──▶ Kafka (acks=all)
 *  consumer thread ◀── {@link io.crashfree.cluster.TopicConsumer}: every partition from the beginning ──▶
 *                     {@link io.crashfree.cluster.ClusterView}: highest epoch per (key, writer); other writers' parts
 *                     are added to every read of the node's own store + live (query threads)
 * </pre>
 * The event loops never touch Kafka: ingest folds locally and answers exactly as a single node does.
 */
package io.crashfree.cluster;
