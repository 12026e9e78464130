package io.crashfree.loadgen.workload;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What a run sends, validated: projects (with weights), releases (drawn from a Zipf distribution, rank 0 the most
 * popular), environments (with weights; a null name means the attribute is left out), a user population, the outcome
 * mix, the SDKs imitated (with weights), the kind of envelopes, and optionally long sessions whose end is sent minutes
 * after their start. Immutable and shared by every client thread; the {@code with…} methods return changed copies.
 * <p>
 * Keys of the ground truth are (project, release, environment), numbered {@link #key}.
 */
public final class WorkloadSpec
{
    /** The most entries one {@code sessions} item may carry (Sentry's documented limit). */
    public static final int MAX_ENTRIES = 100;
    /** Length of every {@code did}: {@code user-} and 10 digits, so envelope sizes do not depend on who. */
    public static final int DID_LENGTH = 15;

    private final long[] projectIds;
    private final double[] projectWeights;
    private final double[] styleWeights;
    private final long sessionMinMs;
    private final long sessionMaxMs;
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
        this.projectIds = new long[] {1};
        this.projectWeights = new double[] {1};
        this.styleWeights = new double[SdkStyle.values().length];
        this.styleWeights[style.ordinal()] = 1;
        this.sessionMinMs = -1;
        this.sessionMaxMs = -1;
        // Built once here only to validate the exponent and weights; each client thread builds its own samplers.
        new Zipf(releases.size(), zipfExponent);
        new WeightedChoice(environmentWeights);
        new WeightedChoice(outcomeWeights);
    }

    private WorkloadSpec(final WorkloadSpec base, final long[] projectIds, final double[] projectWeights,
        final double[] styleWeights, final long sessionMinMs, final long sessionMaxMs)
    {
        this.releases = base.releases;
        this.releaseBytes = base.releaseBytes;
        this.zipfExponent = base.zipfExponent;
        this.environments = base.environments;
        this.environmentBytes = base.environmentBytes;
        this.environmentWeights = base.environmentWeights;
        this.users = base.users;
        this.outcomeWeights = base.outcomeWeights;
        this.envelopeKind = base.envelopeKind;
        this.aggregateShare = base.aggregateShare;
        this.entriesPerEnvelope = base.entriesPerEnvelope;
        this.sessionsPerEntry = base.sessionsPerEntry;
        this.projectIds = projectIds.clone();
        this.projectWeights = projectWeights.clone();
        this.styleWeights = styleWeights.clone();
        this.sessionMinMs = sessionMinMs;
        this.sessionMaxMs = sessionMaxMs;
        this.style = firstStyle(styleWeights);
        new WeightedChoice(projectWeights);
        new WeightedChoice(styleWeights);
        Math.multiplyExact(Math.multiplyExact(projectIds.length, releases.size()), environments.size());
    }

    /**
     * @param ids     project ids the run sends to (the DSNs' projects), each once.
     * @param weights one weight per project: its share of the traffic.
     * @return a copy sending to these projects.
     */
    public WorkloadSpec withProjects(final long[] ids, final double[] weights)
    {
        if (ids.length == 0 || ids.length != weights.length)
        {
            throw new IllegalArgumentException("one weight per project is needed");
        }
        for (int i = 0; i < ids.length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (ids[i] == ids[j])
                {
                    throw new IllegalArgumentException("project " + ids[i] + " appears twice");
                }
            }
        }
        return new WorkloadSpec(this, ids, weights, styleWeights, sessionMinMs, sessionMaxMs);
    }

    /**
     * @param weights one weight per {@link SdkStyle}, in declaration order: each SDK's share of the sessions and
     *                aggregate envelopes.
     * @return a copy imitating these SDKs.
     */
    public WorkloadSpec withStyles(final double[] weights)
    {
        if (weights.length != SdkStyle.values().length)
        {
            throw new IllegalArgumentException("one weight per SDK style is needed");
        }
        return new WorkloadSpec(this, projectIds, projectWeights, weights, sessionMinMs, sessionMaxMs);
    }

    /**
     * Long sessions: each session's init update is sent when it starts and its terminal update a uniformly drawn
     * {@code minMs..maxMs} later, both with the same {@code started}.
     *
     * @param minMs shortest session, milliseconds (at least 0).
     * @param maxMs longest session, milliseconds (at least {@code minMs}).
     * @return a copy with long sessions.
     */
    public WorkloadSpec withSessionLength(final long minMs, final long maxMs)
    {
        if (minMs < 0 || maxMs < minMs)
        {
            throw new IllegalArgumentException("session length must be 0 <= min <= max: " + minMs + ".." + maxMs);
        }
        return new WorkloadSpec(this, projectIds, projectWeights, styleWeights, minMs, maxMs);
    }

    private static SdkStyle firstStyle(final double[] weights)
    {
        SdkStyle best = SdkStyle.values()[0];
        for (final SdkStyle s : SdkStyle.values())
        {
            if (weights[s.ordinal()] > weights[best.ordinal()])
            {
                best = s;
            }
        }
        return best;
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

    /** @return the SDK with the largest share (the only one, unless {@link #withStyles} mixed them). */
    public SdkStyle style()
    {
        return style;
    }

    /** @return a copy of the SDK weights, by {@link SdkStyle} ordinal. */
    public double[] styleWeights()
    {
        return styleWeights.clone();
    }

    /**
     * @param style an SDK.
     * @return whether the run sends any of its traffic.
     */
    public boolean uses(final SdkStyle style)
    {
        return styleWeights[style.ordinal()] > 0;
    }

    /** @return the SDK mix as the command line writes it: {@code node}, or {@code java:0.5,node:0.5}. */
    public String describeStyles()
    {
        final StringBuilder b = new StringBuilder();
        int used = 0;
        for (final SdkStyle s : SdkStyle.values())
        {
            used += uses(s) ? 1 : 0;
        }
        for (final SdkStyle s : SdkStyle.values())
        {
            if (uses(s))
            {
                b.append(b.length() == 0 ? "" : ",").append(s.name().toLowerCase(java.util.Locale.ROOT));
                if (used > 1)
                {
                    b.append(':').append(styleWeights[s.ordinal()]);
                }
            }
        }
        return b.toString();
    }

    /** @return how many projects the run sends to. */
    public int projects()
    {
        return projectIds.length;
    }

    /**
     * @param index project index.
     * @return its project id.
     */
    public long projectId(final int index)
    {
        return projectIds[index];
    }

    /** @return a copy of the project weights, by project index. */
    public double[] projectWeights()
    {
        return projectWeights.clone();
    }

    /** @return whether sessions are long: init now, terminal update later ({@link #withSessionLength}). */
    public boolean longSessions()
    {
        return sessionMinMs >= 0;
    }

    /** @return the shortest long session in milliseconds, or -1 when sessions are not long. */
    public long sessionMinMs()
    {
        return sessionMinMs;
    }

    /** @return the longest long session in milliseconds, or -1 when sessions are not long. */
    public long sessionMaxMs()
    {
        return sessionMaxMs;
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

    /** @return number of (project, release, environment) keys: projects × releases × environments. */
    public int keyCount()
    {
        return projectIds.length * releases.size() * environments.size();
    }

    /**
     * @param project     project index.
     * @param release     release index.
     * @param environment environment index.
     * @return the key index of the triple.
     */
    public int key(final int project, final int release, final int environment)
    {
        return (project * releases.size() + release) * environments.size() + environment;
    }

    /**
     * @param key a key index.
     * @return its project index.
     */
    public int projectOf(final int key)
    {
        return key / (releases.size() * environments.size());
    }

    /**
     * @param key a key index.
     * @return its release index.
     */
    public int releaseOf(final int key)
    {
        return key / environments.size() % releases.size();
    }

    /**
     * @param key a key index.
     * @return its environment index.
     */
    public int environmentOf(final int key)
    {
        return key % environments.size();
    }

    @Override
    public String toString()
    {
        return "projects=" + Arrays.toString(projectIds) + " weights=" + Arrays.toString(projectWeights) +
            " releases=" + releases.size() + " zipf=" + zipfExponent + " environments=" + environments +
            " weights=" + Arrays.toString(environmentWeights) + " users=" + users + " mix=" +
            Arrays.toString(outcomeWeights) + " sdk=" + describeStyles() + " envelopes=" + envelopeKind +
            (longSessions() ? " session=" + sessionMinMs + ".." + sessionMaxMs + "ms" : "");
    }
}
