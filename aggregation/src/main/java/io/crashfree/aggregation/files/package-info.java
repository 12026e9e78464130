/**
 * The node's files on disk, apart from their layouts: the data directory's lock and manifest
 * ({@link io.crashfree.aggregation.files.DataDirectory}), allocating files in full before they are mapped
 * ({@link io.crashfree.aggregation.files.DiskSpace}), and what went wrong writing them
 * ({@link io.crashfree.aggregation.files.StorageStatus}).
 * <p>
 * Start-up (the thread that opens {@link io.crashfree.aggregation.Aggregation}) and the flusher thread use these; event
 * loops never do: they only write into pages these classes made sure exist on disk.
 */
package io.crashfree.aggregation.files;
