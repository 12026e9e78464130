/**
 * The deployable node: {@link io.crashfree.edge.CrashfreeMain} parses the command line and configuration and starts a
 * {@link io.crashfree.edge.CrashfreeNode}, which owns the HTTP edge and the data directory. Main thread only.
 */
package io.crashfree.edge;
