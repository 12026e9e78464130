/**
 * The ground truth of a run: what the node acknowledged, counted the way the node counts it (DESIGN.md §4) and
 * expressed the way the sessions API answers (reference §6.3: healthy, errored, crashed, abnormal, unhandled, users).
 * <p>
 * Each client thread records into its own {@link io.crashfree.loadgen.truth.TruthRecorder} (single writer, no locks);
 * the distinct-user sets ({@link io.crashfree.loadgen.truth.UserSets}) are shared by all threads, lock-free, and take
 * memory for the users seen (small tables that become bitsets over the population when dense), so a million users
 * across thousands of keys stay exact in bounded memory. After the run the main thread merges them into an immutable
 * {@link io.crashfree.loadgen.truth.GroundTruth}.
 */
package io.crashfree.loadgen.truth;
