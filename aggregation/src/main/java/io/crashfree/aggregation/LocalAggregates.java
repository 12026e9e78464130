package io.crashfree.aggregation;

import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.sketch.HllSketches;
import io.crashfree.aggregation.store.AggregateStore;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE_READY;
import static io.crashfree.aggregation.live.LiveTableDescriptor.STATE_SEALED;

/**
 * This node's own aggregates per key as one cumulative value (store + live), and which keys changed: what cluster
 * mode publishes. Valid only on the flusher thread, inside a {@link CycleListener#onCycle} call: the flusher is the
 * only thread that moves data between the live table and the store, so while it runs this, a key's value read as
 * store + live records is one consistent state, and it only grows (folds add, flushes move, sketches only gain
 * registers). Retention removes whole keys, which are never asked for past it.
 * <pre>
 *   fold ──sets changed flag──▶ live record ──flush──▶ store
 *                                   │                    │
 *   takeChangedKeys(): flags swapped to 0 ──▶ keys        │
 *   cumulative(keys):  Σ live records of the key + stored value of the key  (fine and hourly widths)
 * </pre>
 */
public final class LocalAggregates
{
    private final LiveTable table;
    private final AggregateStore store;
    private final NameTable names;
    private final AggregationSettings settings;
    private final Set<StoreKey> flushedChanged;
    private final byte[] registers = new byte[HllSketches.K];
    private final int[] coupons = new int[BlockArena.SET_SLOTS];

    /** The flusher's cycle, seen by the cluster publisher. */
    @FunctionalInterface
    public interface CycleListener
    {
        /**
         * Called on the flusher thread at the end of every cycle, after its flushes.
         *
         * @param local the node's aggregates (valid during the call only).
         * @param nowMs the cycle's time.
         */
        void onCycle(LocalAggregates local, long nowMs);
    }

    LocalAggregates(final LiveTable table, final AggregateStore store, final NameTable names,
        final AggregationSettings settings, final Set<StoreKey> flushedChanged)
    {
        this.table = table;
        this.store = store;
        this.names = names;
        this.settings = settings;
        this.flushedChanged = flushedChanged;
    }

    /**
     * Takes the fine keys (width {@link AggregationSettings#bucketWidthSec()}, any age) that folds changed since the
     * last call: live records whose changed flag was set, and records the flusher moved to the store with it set.
     *
     * @return the changed keys (a new set).
     */
    public Set<StoreKey> takeChangedKeys()
    {
        final Set<StoreKey> changed = new HashSet<>(flushedChanged);
        flushedChanged.clear();
        final long width = settings.bucketWidthSec();
        for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
        {
            final int off = LiveTable.recordOffset(i);
            final int state = table.state(off);
            if ((state == STATE_READY || state == STATE_SEALED) && table.takeChanged(off))
            {
                changed.add(new StoreKey(table.project(off), width, table.bucketSec(off), table.releaseHash(off),
                    table.environmentHash(off)));
            }
        }
        return changed;
    }

    /**
     * Every key this node holds at both widths (stored fine buckets within retention, hourly roll-ups, live records):
     * what a start-up re-publishes, so that whatever a crash kept from being published goes out.
     *
     * @param nowMs now.
     * @return the keys.
     */
    public Set<StoreKey> allKeys(final long nowMs)
    {
        final Set<StoreKey> keys = new HashSet<>();
        final long fineStart = settings.fineRetentionStartSec(nowMs);
        for (final StoreKey key : store.keys())
        {
            if (key.widthSec() == AggregationSettings.COARSE_WIDTH_SEC || key.bucketSec() >= fineStart)
            {
                keys.add(key);
            }
        }
        final long width = settings.bucketWidthSec();
        for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
        {
            final int off = LiveTable.recordOffset(i);
            final int state = table.state(off);
            if (state == STATE_READY || state == STATE_SEALED)
            {
                final StoreKey fine = new StoreKey(table.project(off), width, table.bucketSec(off),
                    table.releaseHash(off), table.environmentHash(off));
                if (fine.bucketSec() >= fineStart)
                {
                    keys.add(fine);
                }
                keys.add(coarseOf(fine));
            }
        }
        return keys;
    }

    /**
     * @param fine a fine key.
     * @return the hourly roll-up key it belongs to.
     */
    public static StoreKey coarseOf(final StoreKey fine)
    {
        final long hour = Math.floorDiv(fine.bucketSec(), AggregationSettings.COARSE_WIDTH_SEC) *
            AggregationSettings.COARSE_WIDTH_SEC;
        return new StoreKey(fine.project(), AggregationSettings.COARSE_WIDTH_SEC, hour, fine.release(),
            fine.environment());
    }

    /**
     * The node's cumulative value of each key: its stored value plus every live record that rolls up to it (one pass
     * over the live table for all the keys). Keys of either width.
     *
     * @param keys the keys.
     * @return a value per key that has any data (counters, durations, every user sketch).
     */
    public Map<StoreKey, AggregateValue> cumulative(final Collection<StoreKey> keys)
    {
        final Map<StoreKey, AggregateValue> values = new HashMap<>();
        if (keys.isEmpty())
        {
            return values;
        }
        final Set<StoreKey> wanted = keys instanceof Set<StoreKey> set ? set : new HashSet<>(keys);
        final long width = settings.bucketWidthSec();
        for (int i = table.nextOccupied(0); i >= 0; i = table.nextOccupied(i + 1))
        {
            final int off = LiveTable.recordOffset(i);
            final int state = table.state(off);
            if (state != STATE_READY && state != STATE_SEALED)
            {
                continue;
            }
            final StoreKey fine = new StoreKey(table.project(off), width, table.bucketSec(off),
                table.releaseHash(off), table.environmentHash(off));
            if (wanted.contains(fine))
            {
                table.addTo(off, values.computeIfAbsent(fine, k -> new AggregateValue()), registers, coupons,
                    AggregateValue.ALL_SKETCHES);
            }
            final StoreKey coarse = coarseOf(fine);
            if (wanted.contains(coarse))
            {
                table.addTo(off, values.computeIfAbsent(coarse, k -> new AggregateValue()), registers, coupons,
                    AggregateValue.ALL_SKETCHES);
            }
        }
        for (final StoreKey key : wanted)
        {
            final byte[] bytes = store.getBytes(key);
            if (bytes != null)
            {
                values.computeIfAbsent(key, k -> new AggregateValue()).merge(AggregateValue.fromBytes(bytes));
            }
        }
        return values;
    }

    /**
     * @param project project id.
     * @param kind    {@link NameTable#KIND_RELEASE} or {@link NameTable#KIND_ENVIRONMENT}.
     * @param hash    the name's hash.
     * @return the name, or null.
     */
    public String name(final long project, final int kind, final long hash)
    {
        return names.name(project, kind, hash);
    }

    /** @return the fine bucket width, seconds. */
    public long bucketWidthSec()
    {
        return settings.bucketWidthSec();
    }

    /**
     * @param nowMs now.
     * @return the first fine bucket start kept, epoch seconds.
     */
    public long fineRetentionStartSec(final long nowMs)
    {
        return settings.fineRetentionStartSec(nowMs);
    }
}
