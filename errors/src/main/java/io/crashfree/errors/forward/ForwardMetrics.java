package io.crashfree.errors.forward;

import java.util.concurrent.atomic.LongAdder;

/**
 * What forwarding did, for {@code /metrics}: envelopes delivered, retried, refused at ingest by reason, rejected by
 * the upstream by status, and what the spool holds. Counters are written by event loops (refusals) and the forwarder
 * thread (the rest); a scrape reads them.
 */
public final class ForwardMetrics
{
    /** Refusal reasons at ingest, by index. */
    public static final String[] REFUSAL_REASONS = { "spool-full", "spool-not-ready", "too-large" };
    /** {@link #onRefused}: the spool holds {@code forward.spool.max.megabytes}. */
    public static final int REFUSED_SPOOL_FULL = 0;
    /** {@link #onRefused}: the writer's next segment was not made yet. */
    public static final int REFUSED_NOT_READY = 1;
    /** {@link #onRefused}: the envelope's forwarded part is larger than a spool segment. */
    public static final int REFUSED_TOO_LARGE = 2;

    /** Retry causes, by index. */
    public static final String[] RETRY_CAUSES = { "network", "server", "rate-limited" };
    static final int RETRY_NETWORK = 0;
    static final int RETRY_SERVER = 1;
    static final int RETRY_RATE_LIMITED = 2;

    private final LongAdder[] refused = adders(REFUSAL_REASONS.length);
    private final LongAdder[] retried = adders(RETRY_CAUSES.length);
    private final LongAdder[] rejectedByStatus = adders(100); // 400..499
    private final LongAdder delivered = new LongAdder();
    private final LongAdder deliveredBytes = new LongAdder();
    private final LongAdder noUpstream = new LongAdder();
    private final LongAdder damaged = new LongAdder();
    private final LongAdder skippedItems = new LongAdder();
    private volatile long pendingFrames;
    private volatile long pendingBytes;
    private volatile long oldestPendingMs = Long.MAX_VALUE;
    private volatile Spool spool;

    private static LongAdder[] adders(final int n)
    {
        final LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** @param reason a {@code REFUSED_*} index (event loops). */
    public void onRefused(final int reason)
    {
        refused[reason].increment();
    }

    /**
     * @param reason a {@code REFUSED_*} index.
     * @return envelopes refused for it since start.
     */
    public long refused(final int reason)
    {
        return refused[reason].sum();
    }

    void onRetry(final int cause)
    {
        retried[cause].increment();
    }

    /**
     * @param cause a retry cause index ({@link #RETRY_CAUSES}).
     * @return retries for it since start.
     */
    public long retried(final int cause)
    {
        return retried[cause].sum();
    }

    void onDelivered(final int envelopeBytes)
    {
        delivered.increment();
        deliveredBytes.add(envelopeBytes);
    }

    /** @return envelopes the upstreams accepted since start. */
    public long delivered()
    {
        return delivered.sum();
    }

    void onRejected(final int status)
    {
        rejectedByStatus[Math.max(0, Math.min(99, status - 400))].increment();
    }

    /** @return envelopes the upstreams refused for good since start (4xx other than 429). */
    public long rejected()
    {
        long n = 0;
        for (final LongAdder a : rejectedByStatus)
        {
            n += a.sum();
        }
        return n;
    }

    void onNoUpstream()
    {
        noUpstream.increment();
    }

    void onDamaged()
    {
        damaged.increment();
    }

    /** @param items items of types other than sessions that a project without an upstream sent (event loops). */
    public void onSkipped(final int items)
    {
        skippedItems.add(items);
    }

    void pending(final long frames, final long bytes, final long oldestMs)
    {
        pendingFrames = frames;
        pendingBytes = bytes;
        oldestPendingMs = oldestMs;
    }

    /** @return envelopes in the spool not yet settled. */
    public long pendingFrames()
    {
        return pendingFrames;
    }

    /** @return bytes of the spooled envelopes not yet settled (frames, with their headers). */
    public long pendingBytes()
    {
        return pendingBytes;
    }

    void spool(final Spool spool)
    {
        this.spool = spool;
    }

    /**
     * Appends the forwarding metrics in the Prometheus text format.
     *
     * @param out   where.
     * @param nowMs now.
     */
    public void render(final StringBuilder out, final long nowMs)
    {
        header(out, "crashfree_forward_envelopes_total", "counter",
            "Envelopes of non-session items settled by the forwarder, by outcome (delivered: the upstream took it; " +
            "rejected: the upstream refused it with a 4xx other than 429; no-upstream: its project has none any " +
            "more; damaged: its checksum failed).");
        line(out, "crashfree_forward_envelopes_total{outcome=\"delivered\"}", delivered.sum());
        line(out, "crashfree_forward_envelopes_total{outcome=\"rejected\"}", rejected());
        line(out, "crashfree_forward_envelopes_total{outcome=\"no-upstream\"}", noUpstream.sum());
        line(out, "crashfree_forward_envelopes_total{outcome=\"damaged\"}", damaged.sum());
        header(out, "crashfree_forward_delivered_bytes_total", "counter",
            "Envelope bytes the upstreams accepted (before compression).");
        line(out, "crashfree_forward_delivered_bytes_total", deliveredBytes.sum());
        header(out, "crashfree_forward_rejected_total", "counter",
            "Envelopes the upstream refused for good, by its status (dropped: retrying cannot help).");
        for (int i = 0; i < rejectedByStatus.length; i++)
        {
            final long n = rejectedByStatus[i].sum();
            if (n > 0)
            {
                out.append("crashfree_forward_rejected_total{status=\"").append(400 + i).append("\"} ").append(n)
                    .append('\n');
            }
        }
        header(out, "crashfree_forward_retries_total", "counter",
            "Sends that will be retried, by cause (network error or timeout, 5xx, 429 or a rate limit).");
        for (int i = 0; i < RETRY_CAUSES.length; i++)
        {
            line(out, "crashfree_forward_retries_total{cause=\"" + RETRY_CAUSES[i] + "\"}", retried[i].sum());
        }
        header(out, "crashfree_forward_refused_total", "counter",
            "Envelopes refused at ingest because their non-session items could not be spooled, by reason.");
        for (int i = 0; i < REFUSAL_REASONS.length; i++)
        {
            line(out, "crashfree_forward_refused_total{reason=\"" + REFUSAL_REASONS[i] + "\"}", refused[i].sum());
        }
        header(out, "crashfree_forward_items_skipped_total", "counter",
            "Non-session items of projects without an upstream, skipped.");
        line(out, "crashfree_forward_items_skipped_total", skippedItems.sum());
        final Spool s = spool;
        header(out, "crashfree_forward_spooled_envelopes", "gauge", "Envelopes in the spool not yet settled.");
        line(out, "crashfree_forward_spooled_envelopes", pendingFrames);
        header(out, "crashfree_forward_spooled_bytes", "gauge",
            "Bytes of the envelopes in the spool not yet settled.");
        line(out, "crashfree_forward_spooled_bytes", pendingBytes);
        header(out, "crashfree_forward_spooled_total", "counter", "Envelopes appended to the spool since start.");
        line(out, "crashfree_forward_spooled_total", s == null ? 0 : s.appendedFrames());
        header(out, "crashfree_forward_spool_file_bytes", "gauge",
            "Bytes of spool segment files on disk (whole segments; forward.spool.max.megabytes bounds them).");
        line(out, "crashfree_forward_spool_file_bytes", s == null ? 0 : s.fileBytes());
        header(out, "crashfree_forward_spool_max_bytes", "gauge", "forward.spool.max.megabytes in bytes.");
        line(out, "crashfree_forward_spool_max_bytes", s == null ? 0 : s.maxBytes());
        final long oldest = oldestPendingMs;
        header(out, "crashfree_forward_oldest_spooled_age_seconds", "gauge",
            "Age of the oldest envelope in the spool not yet settled (0 when none).");
        out.append("crashfree_forward_oldest_spooled_age_seconds ")
            .append(oldest == Long.MAX_VALUE ? "0" : String.valueOf(Math.max(0, nowMs - oldest) / 1000.0))
            .append('\n');
    }

    private static void header(final StringBuilder out, final String name, final String type, final String help)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(final StringBuilder out, final String series, final long value)
    {
        out.append(series).append(' ').append(value).append('\n');
    }
}
