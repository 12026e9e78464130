package io.crashfree.aggregation;

/**
 * Aggregates that other nodes hold (cluster mode): the read side adds them to this node's own store and live parts,
 * so that every query answers for the whole cluster. Implemented by the cluster module's merged view; read by query
 * threads, concurrently with its updates.
 */
@FunctionalInterface
public interface RemoteParts
{
    /**
     * Streams the other nodes' parts of a range: one part per (key, other writer), each that writer's latest
     * cumulative value of the key.
     *
     * @param project    project id.
     * @param widthSec   the fine bucket width or {@link AggregationSettings#COARSE_WIDTH_SEC}.
     * @param fromSec    first bucket start, inclusive (already clamped to retention by the caller).
     * @param toSec      end, exclusive.
     * @param sketchMask sketches to include.
     * @param raw        keep sketches as undecoded images (see {@link io.crashfree.aggregation.store.AggregateValue}).
     * @param visitor    receives every part.
     */
    void forEachPart(long project, long widthSec, long fromSec, long toSec, int sketchMask, boolean raw,
        AggregateView.PartVisitor visitor);
}
