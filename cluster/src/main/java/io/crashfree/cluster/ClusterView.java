package io.crashfree.cluster;

import io.crashfree.aggregation.AggregateView;
import io.crashfree.aggregation.AggregationSettings;
import io.crashfree.aggregation.RemoteParts;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The other nodes' aggregates, merged: per bucket key, per writer, the value of the highest epoch seen. A record of
 * an epoch at or below the one held (a duplicate, a replay from the beginning, a re-ordered or stale re-send) changes
 * nothing; a higher one replaces that writer's value whole (it is cumulative). Reads sum counters and union sketches
 * across writers ({@link AggregateView} does, treating each writer's value as one more part).
 * <p>
 * This node's own writer is skipped: the node reads its own store and live table, which are always at least as new
 * as what it published, so its own data is counted exactly once and is visible the moment it is acknowledged.
 * <p>
 * One writer thread (the consumer) and any number of readers (query threads): each key's writers are an immutable
 * array replaced whole, so a reader sees a writer's value entirely old or entirely new.
 */
public final class ClusterView implements RemoteParts
{
    /** What {@link #apply} did with a record. */
    public enum Outcome
    {
        /** A writer's newer value: now held. */
        APPLIED,
        /** An epoch at or below the one held: ignored (duplicates, replays, stale re-sends). */
        STALE,
        /** This node's own record: ignored (its own data is read locally). */
        OWN,
        /** Not a record of this layout: ignored and counted. */
        MALFORMED
    }

    private final UUID self;
    private final NameTable names;
    private final AggregationSettings settings;
    private final ConcurrentSkipListMap<StoreKey, Writers> parts = new ConcurrentSkipListMap<>();
    private final AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);

    /**
     * @param self     this node's writer id (its records are skipped).
     * @param names    the node's name table: other nodes' release and environment names are registered in it.
     * @param settings retention of the two widths.
     */
    public ClusterView(final UUID self, final NameTable names, final AggregationSettings settings)
    {
        this.self = self;
        this.names = names;
        this.settings = settings;
    }

    /** One key's writers, immutable. */
    private static final class Writers
    {
        final long[] writerHigh;
        final long[] writerLow;
        final long[] epochs;
        final byte[][] values;

        Writers(final long[] writerHigh, final long[] writerLow, final long[] epochs, final byte[][] values)
        {
            this.writerHigh = writerHigh;
            this.writerLow = writerLow;
            this.epochs = epochs;
            this.values = values;
        }

        int indexOf(final UUID writer)
        {
            for (int i = 0; i < epochs.length; i++)
            {
                if (writerHigh[i] == writer.getMostSignificantBits() && writerLow[i] == writer.getLeastSignificantBits())
                {
                    return i;
                }
            }
            return -1;
        }

        Writers with(final int index, final UUID writer, final long epoch, final byte[] value)
        {
            final int n = index >= 0 ? epochs.length : epochs.length + 1;
            final int at = index >= 0 ? index : epochs.length;
            final long[] high = Arrays.copyOf(writerHigh, n);
            final long[] low = Arrays.copyOf(writerLow, n);
            final long[] e = Arrays.copyOf(epochs, n);
            final byte[][] v = Arrays.copyOf(values, n);
            high[at] = writer.getMostSignificantBits();
            low[at] = writer.getLeastSignificantBits();
            e[at] = epoch;
            v[at] = value;
            return new Writers(high, low, e, v);
        }
    }

    private static final Writers NONE = new Writers(new long[0], new long[0], new long[0], new byte[0][]);

    /**
     * Applies one record of the topic (consumer thread).
     *
     * @param key   record key.
     * @param value record value.
     * @param nowMs now.
     * @return what it did.
     */
    public Outcome apply(final byte[] key, final byte[] value, final long nowMs)
    {
        final PartialDescriptor.Partial p = PartialDescriptor.decode(key, value);
        final Outcome outcome = p == null ? Outcome.MALFORMED : apply(p, nowMs);
        outcomes.lazySet(outcome.ordinal(), outcomes.get(outcome.ordinal()) + 1); // one writer
        return outcome;
    }

    private Outcome apply(final PartialDescriptor.Partial p, final long nowMs)
    {
        if (p.writer().equals(self))
        {
            return Outcome.OWN;
        }
        final Writers current = parts.getOrDefault(p.key(), NONE);
        final int index = current.indexOf(p.writer());
        if (index >= 0 && current.epochs[index] >= p.epoch())
        {
            return Outcome.STALE;
        }
        registerNames(p, nowMs);
        parts.put(p.key(), current.with(index, p.writer(), p.epoch(), p.aggregate()));
        return Outcome.APPLIED;
    }

    private void registerNames(final PartialDescriptor.Partial p, final long nowMs)
    {
        if (names == null)
        {
            return;
        }
        final StoreKey key = p.key();
        final long firstSeenMs = key.bucketSec() * 1000;
        final long lastSeenMs = Math.max(firstSeenMs, Math.min(nowMs, (key.bucketSec() + key.widthSec()) * 1000 - 1));
        // Fine keys name a release with their minute; an hourly key only when nothing named it yet.
        final boolean fine = key.widthSec() != AggregationSettings.COARSE_WIDTH_SEC;
        if (p.release().length > 0 && (fine || names.name(key.project(), NameTable.KIND_RELEASE, key.release()) == null))
        {
            names.registerReported(key.project(), NameTable.KIND_RELEASE, key.release(), p.release(),
                p.release().length, firstSeenMs, lastSeenMs);
        }
        if (key.environment() != 0 && p.environment().length > 0 &&
            (fine || names.name(key.project(), NameTable.KIND_ENVIRONMENT, key.environment()) == null))
        {
            names.registerReported(key.project(), NameTable.KIND_ENVIRONMENT, key.environment(), p.environment(),
                p.environment().length, firstSeenMs, lastSeenMs);
        }
    }

    @Override
    public void forEachPart(final long project, final long widthSec, final long fromSec, final long toSec,
        final int sketchMask, final boolean raw, final AggregateView.PartVisitor visitor)
    {
        if (fromSec >= toSec)
        {
            return;
        }
        for (final Map.Entry<StoreKey, Writers> e : parts.subMap(
            new StoreKey(project, widthSec, fromSec, Long.MIN_VALUE, Long.MIN_VALUE), true,
            new StoreKey(project, widthSec, toSec, Long.MIN_VALUE, Long.MIN_VALUE), false).entrySet())
        {
            final Writers w = e.getValue();
            for (int i = 0; i < w.values.length; i++)
            {
                visitor.onPart(e.getKey(), AggregateValue.fromBytes(w.values[i], sketchMask, raw));
            }
        }
    }

    /**
     * Drops keys past their retention (consumer thread, now and then): fine buckets before the fine retention, hourly
     * roll-ups past theirs, as the node's own store drops them.
     *
     * @param nowMs now.
     * @return keys dropped.
     */
    public int evictExpired(final long nowMs)
    {
        final long fineStart = settings.fineRetentionStartSec(nowMs);
        final long coarseCutoff = nowMs / 1000 - settings.coarseRetentionSec();
        int dropped = 0;
        for (final Iterator<StoreKey> it = parts.keySet().iterator(); it.hasNext(); )
        {
            final StoreKey key = it.next();
            final boolean expired = key.widthSec() == AggregationSettings.COARSE_WIDTH_SEC ?
                key.bucketSec() + key.widthSec() <= coarseCutoff : key.bucketSec() < fineStart;
            if (expired)
            {
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * @param outcome an outcome.
     * @return records that had it since start.
     */
    public long count(final Outcome outcome)
    {
        return outcomes.get(outcome.ordinal());
    }

    /** @return records read (any outcome) since start. */
    public long records()
    {
        long n = 0;
        for (int i = 0; i < outcomes.length(); i++)
        {
            n += outcomes.get(i);
        }
        return n;
    }

    /** @return bucket keys held (with at least one other writer). */
    public int keys()
    {
        return parts.size();
    }

    /**
     * @param key a bucket key.
     * @return the epochs held per writer, for tests and diagnosis.
     */
    public Map<UUID, Long> epochs(final StoreKey key)
    {
        final Writers w = parts.getOrDefault(key, NONE);
        final Map<UUID, Long> result = new java.util.HashMap<>();
        for (int i = 0; i < w.epochs.length; i++)
        {
            result.put(new UUID(w.writerHigh[i], w.writerLow[i]), w.epochs[i]);
        }
        return result;
    }
}
