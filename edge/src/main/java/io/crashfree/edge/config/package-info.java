/**
 * Configuration: a {@code .properties} file of dotted keys, validated into a {@link io.crashfree.edge.config.NodeConfig}.
 * Unknown keys and bad values stop start-up with a message naming the key. Main thread, at start-up only.
 */
package io.crashfree.edge.config;
