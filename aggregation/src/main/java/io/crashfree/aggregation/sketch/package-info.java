/**
 * User sketches: how a hashed {@code did} becomes a DataSketches HLL coupon, and how the live table's sparse coupon
 * arrays and dense register blocks become library {@code HllSketch}es again (for flushing, merging and estimating).
 * <p>
 * Pure functions and small value builders; no threads of their own. The coupon and register formats are the
 * library's, so every estimate, union and serialized form stays Apache DataSketches'.
 */
package io.crashfree.aggregation.sketch;
