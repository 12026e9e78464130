/**
 * The ingest path's protocol work, free of Netty: auth ({@link io.crashfree.edge.ingest.SentryAuth}), body
 * decompression with limits ({@link io.crashfree.edge.ingest.BodyDecompressor}), envelope decoding
 * ({@link io.crashfree.edge.ingest.EnvelopeDecoder}) and the verdicts ({@link io.crashfree.edge.ingest.Rejection}).
 * <p>
 * Runs on the event-loop thread that received the request; per-thread state is grouped in
 * {@link io.crashfree.edge.ingest.IngestWorker}.
 */
package io.crashfree.edge.ingest;
