/**
 * Forwarding what is not a session to the project's upstream error tracker (DESIGN §11), through a bounded spool of
 * memory-mapped segment files in the node's data directory.
 * <p>
 * Data flow and threads:
 * <pre>
 *   event loop (IngestWorker)                     forwarder thread (ForwarderAgent)
 *     SpoolWriter.tryClaim / commit  ──mapped──▶    SpoolReader: frames in order, per segment
 *     (before the 200; no lock, no syscall)         UpstreamSender: gzip, X-Sentry-Auth, X-Forwarded-For, HTTP
 *                                                   state word per frame + delivered cursor per segment
 *                                                   deletes a segment once every frame in it is settled
 * </pre>
 * Each event loop writes its own segment (single writer, no CAS); the forwarder reads all of them and is the only
 * thread that creates or deletes files. Nothing here touches a socket on an event loop.
 */
package io.crashfree.errors.forward;
