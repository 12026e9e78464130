package io.crashfree.loadgen.workload;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What a run sends, validated: releases (drawn from a Zipf distribution, rank 0 the most popular), environments (with
 * weights; a null name means the attribute is left out), a user population, the outcome mix, the SDK's style and the
 * kind of envelopes. Immutable and shared by every client thread.
 */
public final class WorkloadSpec
{
    /** The most entries one {@code sessions} item may carry (Sentry's documented limit). */
    public static final int MAX_ENTRIES = 100;
    /** Length of every {@code did}: {@code user-} and 10 digits, so envelope sizes do not depend on who. */
    public static final int DID_LENGTH = 15;

    private final List<String> releases;
    private final byte[][] releaseBytes;
    private final double zipfExponent;
    private final List<String> environments;
    private final byte[][] environmentBytes;
    private final double[] environmentWeights;
    private final int users;
    private final double[] outcomeWeights;
    private final SdkStyle style;
    private final EnvelopeKind envelopeKind;
    private final double aggregateShare;
    private final int entriesPerEnvelope;
    private final int sessionsPerEntry;

    /**
     * @param releases           release names, most popular first.
     * @param zipfExponent       skew of the release distribution (0 = uniform).
     * @param environments       environment names; a null element means "no environment attribute".
     * @param environmentWeights one weight per environment.
     * @param users              size of the user population ({@code did} values), at least 1.
     * @param outcomeWeights     one weight per {@link Outcome}, in declaration order.
     * @param style              the SDK whose wire format is imitated.
     * @param envelopeKind       individual updates, aggregates or both.
     * @param aggregateShare     with {@link EnvelopeKind#MIX}: the share of envelopes that are aggregates.
     * @param entriesPerEnvelope entries per {@code sessions} item, at least 1 (Sentry's limit is {@link #MAX_ENTRIES};
     *                           more probes a node's 413).
     * @param sessionsPerEntry   sessions each aggregate entry stands for (drawn from the outcome mix).
     */
    public WorkloadSpec(final List<String> releases, final double zipfExponent, final List<String> environments,
        final double[] environmentWeights, final int users, final double[] outcomeWeights, final SdkStyle style,
        final EnvelopeKind envelopeKind, final double aggregateShare, final int entriesPerEnvelope,
        final int sessionsPerEntry)
    {
        if (releases.isEmpty())
        {
            throw new IllegalArgumentException("at least one release is needed");
        }
        if (environments.isEmpty() || environments.size() != environmentWeights.length)
        {
            throw new IllegalArgumentException("one weight per environment is needed");
        }
        if (users < 1)
        {
            throw new IllegalArgumentException("the user population must be at least 1: " + users);
        }
        if (outcomeWeights.length != Outcome.values().length)
        {
            throw new IllegalArgumentException("one weight per outcome is needed");
        }
        if (entriesPerEnvelope < 1 || sessionsPerEntry < 1)
        {
            throw new IllegalArgumentException("entries per envelope and sessions per entry must be at least 1");
        }
        if (!(aggregateShare >= 0 && aggregateShare <= 1))
        {
            throw new IllegalArgumentException("aggregate share must be between 0 and 1: " + aggregateShare);
        }
        this.releases = List.copyOf(releases);
        this.releaseBytes = new byte[releases.size()][];
        for (int i = 0; i < releases.size(); i++)
        {
            releaseBytes[i] = releases.get(i).getBytes(StandardCharsets.UTF_8);
        }
        this.zipfExponent = zipfExponent;
        this.environments = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(environments));
        this.environmentBytes = new byte[environments.size()][];
        for (int i = 0; i < environments.size(); i++)
        {
            final String e = environments.get(i);
            environmentBytes[i] = e == null ? null : e.getBytes(StandardCharsets.UTF_8);
        }
        this.environmentWeights = environmentWeights.clone();
        this.users = users;
        this.outcomeWeights = outcomeWeights.clone();
        this.style = style;
        this.envelopeKind = envelopeKind;
        this.aggregateShare = envelopeKind == EnvelopeKind.MIX ? aggregateShare :
            envelopeKind == EnvelopeKind.SESSIONS ? 1.0 : 0.0;
        this.entriesPerEnvelope = entriesPerEnvelope;
        this.sessionsPerEntry = sessionsPerEntry;
        // Built once here only to validate the exponent and weights; each client thread builds its own samplers.
        new Zipf(releases.size(), zipfExponent);
        new WeightedChoice(environmentWeights);
        new WeightedChoice(outcomeWeights);
    }

    /** @return release names, most popular first. */
    public List<String> releases()
    {
        return releases;
    }

    /**
     * @param index release index.
     * @return its name as UTF-8 (shared; do not modify).
     */
    public byte[] releaseBytes(final int index)
    {
        return releaseBytes[index];
    }

    /** @return the Zipf exponent of the release distribution. */
    public double zipfExponent()
    {
        return zipfExponent;
    }

    /** @return environment names; null elements stand for "no environment". */
    public List<String> environments()
    {
        return environments;
    }

    /**
     * @param index environment index.
     * @return its name as UTF-8, or null for "no environment" (shared; do not modify).
     */
    public byte[] environmentBytes(final int index)
    {
        return environmentBytes[index];
    }

    /** @return a copy of the environment weights. */
    public double[] environmentWeights()
    {
        return environmentWeights.clone();
    }

    /** @return the size of the user population. */
    public int users()
    {
        return users;
    }

    /** @return a copy of the outcome weights, in {@link Outcome} order. */
    public double[] outcomeWeights()
    {
        return outcomeWeights.clone();
    }

    /** @return the SDK whose wire format is imitated. */
    public SdkStyle style()
    {
        return style;
    }

    /** @return which envelopes are sent. */
    public EnvelopeKind envelopeKind()
    {
        return envelopeKind;
    }

    /** @return the share of envelopes that are aggregates (1 for {@link EnvelopeKind#SESSIONS}, 0 for session). */
    public double aggregateShare()
    {
        return aggregateShare;
    }

    /** @return entries per {@code sessions} item. */
    public int entriesPerEnvelope()
    {
        return entriesPerEnvelope;
    }

    /** @return sessions each aggregate entry stands for. */
    public int sessionsPerEntry()
    {
        return sessionsPerEntry;
    }

    /** @return number of (release, environment) keys: releases × environments. */
    public int keyCount()
    {
        return releases.size() * environments.size();
    }

    /**
     * @param release     release index.
     * @param environment environment index.
     * @return the key index of the pair.
     */
    public int key(final int release, final int environment)
    {
        return release * environments.size() + environment;
    }

    @Override
    public String toString()
    {
        return "releases=" + releases.size() + " zipf=" + zipfExponent + " environments=" + environments +
            " weights=" + Arrays.toString(environmentWeights) + " users=" + users + " mix=" +
            Arrays.toString(outcomeWeights) + " style=" + style + " envelopes=" + envelopeKind;
    }
}
