package io.crashfree.filters;

import io.crashfree.filters.config.FilterSettings;
import io.crashfree.filters.config.ProjectFilters;
import io.crashfree.filters.config.ValidationSettings;
import io.crashfree.filters.ip.MutableIpAddress;
import io.crashfree.filters.useragent.UserAgentCache;
import io.crashfree.filters.useragent.UserAgentParser;
import io.crashfree.filters.validate.SessionNames;

/**
 * The filter chain one event-loop thread runs on every session between decoding and folding: inbound filters, then
 * validation and normalization. One instance per thread, reused for every envelope; it allocates nothing.
 * <p>
 * Per envelope, call {@link #beginEnvelope} with the settings snapshot, the project, the receive and send times, the
 * client IP and the request's {@code User-Agent}; then {@link #filterUpdate} for each {@code session} item and
 * {@link #filterAggregates} for each {@code sessions} item. A null result means keep (the record has been normalized
 * in place through its view); otherwise drop the record and count it under the {@link DropReason}.
 * <p>
 * Order, as Relay: the inbound filters see the raw payload (so {@code {{auto}}} is not yet resolved for the localhost
 * filter) and the first match wins:
 * <ol>
 *   <li>client IP (the request's derived client IP) → {@link DropReason#IP_ADDRESS};</li>
 *   <li>release glob → {@link DropReason#RELEASE_VERSION}; localhost → {@link DropReason#LOCALHOST};</li>
 *   <li>legacy browser, then web crawler, on {@code attrs.user_agent}, or when that is absent or empty on the
 *       request's {@code User-Agent} (browser SDKs send the browser's own).</li>
 * </ol>
 * Then validation: {@code seq} 2^64-1, an unknown {@code status}, an invalid release, a missing {@code started}.
 * Then times: when |receive time - {@code sent_at}| is 55 minutes or more (in whole seconds, as Relay), the drift is
 * added to {@code started} and {@code timestamp} (to each entry's {@code started} for aggregates); a
 * {@code timestamp} before {@code started} is raised to it; {@code started} more than the maximum age in the past or
 * the maximum future ahead, or {@code timestamp} too far ahead, drops the session (an aggregate entry is removed
 * instead). Exactly at a limit is kept. Last, normalization: an invalid environment is removed, and an
 * {@code ip_address} of {@code {{auto}}} becomes the client IP (or is removed when there is none). An absent
 * {@code timestamp} is left absent.
 * <p>
 * User-agent work for the request header is done once per envelope; for {@code attrs.user_agent} once per item. Either
 * way the answer for an agent seen recently comes from a per-thread {@link UserAgentCache} (user agents repeat
 * massively), so the scan runs only for agents new to this thread.
 */
public final class SessionFilter
{
    /** Most bytes of the request's {@code User-Agent} kept; the edge keeps the same for {@code attrs.user_agent}. */
    public static final int MAX_USER_AGENT_BYTES = 512;
    /** Agents each thread remembers: 256 slots of {@link UserAgentCache#MAX_AGENT_BYTES} (128 KiB per thread). */
    public static final int USER_AGENT_CACHE_SLOTS = 256;

    private static final byte[] AUTO = {'{', '{', 'a', 'u', 't', 'o', '}', '}'};
    private static final byte[] LOCALHOST_V4 = {'1', '2', '7', '.', '0', '.', '0', '.', '1'};
    private static final byte[] LOCALHOST_V6 = {':', ':', '1'};
    private static final int UNKNOWN = -1;
    private static final int NO = 0;
    private static final int YES = 1;
    private static final int NOTHING = 0;
    private static final int LEGACY = 1;
    private static final int CRAWLER = 2;

    private final UserAgentParser userAgentParser = new UserAgentParser();
    private final UserAgentCache agentCache = new UserAgentCache(USER_AGENT_CACHE_SLOTS);
    private final MutableIpAddress clientIp = new MutableIpAddress();
    private final byte[] clientIpText = new byte[MutableIpAddress.MAX_FORMATTED_LENGTH];
    private final byte[] headerUserAgent = new byte[MAX_USER_AGENT_BYTES];

    private ProjectFilters project = ProjectFilters.NONE;
    private ValidationSettings validation = ValidationSettings.DEFAULT;
    private long receivedAtMs;
    private long driftMs;
    private int clientIpTextLength;
    private int headerUserAgentLength;
    private boolean hasHeaderUserAgent;
    private int clientIpVerdict;
    private int headerAgentVerdict;

    /** Creates a chain for one thread. */
    public SessionFilter()
    {
    }

    /**
     * Starts an envelope.
     *
     * @param settings        the settings snapshot to use for the whole envelope.
     * @param projectId       the project the envelope was sent to.
     * @param receivedAtMs    when the node received it.
     * @param sentAtMs        the envelope header's {@code sent_at}, or {@link SessionUpdateView#NO_TIME}.
     * @param clientIp        the request's client IP (see {@link io.crashfree.filters.ip.ClientIpResolver}), possibly
     *                        absent; copied.
     * @param userAgentHeader the request's {@code User-Agent} header, or null; its first
     *                        {@value #MAX_USER_AGENT_BYTES} characters are copied as Latin-1 bytes.
     */
    public void beginEnvelope(
        final FilterSettings settings,
        final long projectId,
        final long receivedAtMs,
        final long sentAtMs,
        final MutableIpAddress clientIp,
        final CharSequence userAgentHeader)
    {
        this.project = settings.project(projectId);
        this.validation = settings.validation();
        this.receivedAtMs = receivedAtMs;
        this.driftMs = clockDriftMs(receivedAtMs, sentAtMs);
        this.clientIp.copyFrom(clientIp);
        this.clientIpTextLength = -1;
        this.clientIpVerdict = UNKNOWN;
        this.headerAgentVerdict = UNKNOWN;
        this.hasHeaderUserAgent = userAgentHeader != null && userAgentHeader.length() > 0;
        this.headerUserAgentLength = 0;
        if (hasHeaderUserAgent && project.needsUserAgent())
        {
            headerUserAgentLength = copyLatin1(userAgentHeader, headerUserAgent);
        }
    }

    /**
     * Starts an envelope whose {@code User-Agent} header the edge already holds as bytes (Netty's {@code AsciiString}
     * keeps them in an array).
     *
     * @param settings        the settings snapshot to use for the whole envelope.
     * @param projectId       the project the envelope was sent to.
     * @param receivedAtMs    when the node received it.
     * @param sentAtMs        the envelope header's {@code sent_at}, or {@link SessionUpdateView#NO_TIME}.
     * @param clientIp        the request's client IP, possibly absent; copied.
     * @param userAgentHeader the header's bytes, or null; the first {@value #MAX_USER_AGENT_BYTES} are copied.
     * @param offset          first byte.
     * @param length          number of bytes.
     */
    public void beginEnvelope(
        final FilterSettings settings,
        final long projectId,
        final long receivedAtMs,
        final long sentAtMs,
        final MutableIpAddress clientIp,
        final byte[] userAgentHeader,
        final int offset,
        final int length)
    {
        beginEnvelope(settings, projectId, receivedAtMs, sentAtMs, clientIp, null);
        this.hasHeaderUserAgent = userAgentHeader != null && length > 0;
        if (hasHeaderUserAgent && project.needsUserAgent())
        {
            headerUserAgentLength = Math.min(length, MAX_USER_AGENT_BYTES);
            System.arraycopy(userAgentHeader, offset, headerUserAgent, 0, headerUserAgentLength);
        }
    }

    /** Header values are ISO-8859-1: one byte per char. A {@code String}'s bytes are copied in bulk. */
    @SuppressWarnings("deprecation")
    private static int copyLatin1(final CharSequence value, final byte[] dst)
    {
        final int n = Math.min(value.length(), dst.length);
        if (value instanceof String)
        {
            // The deprecated String.getBytes(int, int, byte[], int) is the one allocation-free bulk copy of a
            // String's chars into bytes (low 8 bits of each), exactly the ISO-8859-1 a header is made of.
            ((String)value).getBytes(0, n, dst, 0);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                dst[i] = (byte)value.charAt(i);
            }
        }
        return n;
    }

    /**
     * @param receivedAtMs when the node received the envelope.
     * @param sentAtMs     the envelope's {@code sent_at}, or {@link SessionUpdateView#NO_TIME}.
     * @return the correction to add to session times: {@code receivedAtMs - sentAtMs} when its magnitude in whole
     *         seconds is at least 55 minutes, else 0.
     */
    public static long clockDriftMs(final long receivedAtMs, final long sentAtMs)
    {
        if (sentAtMs == SessionUpdateView.NO_TIME)
        {
            return 0;
        }
        final long drift = receivedAtMs - sentAtMs;
        return Math.abs(drift) >= ValidationSettings.MINIMUM_CLOCK_DRIFT_MS ? drift : 0;
    }

    /** @return the clock-drift correction applied in this envelope (0 when none). */
    public long driftMs()
    {
        return driftMs;
    }

    /**
     * Filters, validates and normalizes one {@code session} item.
     *
     * @param update the item.
     * @return null to keep it (normalized in place), or why to drop it.
     */
    public DropReason filterUpdate(final SessionUpdateView update)
    {
        DropReason reason = inboundFilters(update);
        if (reason != null)
        {
            return reason;
        }
        if (update.hasSeq() && update.seq() == -1L)
        {
            return DropReason.INVALID_SEQ;
        }
        if (!update.isStatusKnown())
        {
            return DropReason.UNKNOWN_STATUS;
        }
        if (!hasValidRelease(update))
        {
            return DropReason.INVALID_RELEASE;
        }
        long started = update.startedMs();
        if (started == SessionUpdateView.NO_TIME)
        {
            return DropReason.MISSING_STARTED;
        }
        long timestamp = update.timestampMs();
        if (driftMs != 0)
        {
            started += driftMs;
            update.startedMs(started);
            if (timestamp != SessionUpdateView.NO_TIME)
            {
                timestamp += driftMs;
                update.timestampMs(timestamp);
            }
        }
        if (timestamp != SessionUpdateView.NO_TIME && timestamp < started)
        {
            timestamp = started;
            update.timestampMs(timestamp);
        }
        reason = checkStarted(started);
        if (reason != null)
        {
            return reason;
        }
        if (timestamp != SessionUpdateView.NO_TIME && timestamp - receivedAtMs > validation.startedMaxFutureMs())
        {
            return DropReason.TIMESTAMP_IN_FUTURE;
        }
        normalizeAttributes(update);
        return null;
    }

    /**
     * Filters, validates and normalizes one {@code sessions} item. Invalid entries are removed one by one through
     * {@link SessionAggregatesView#removeEntry}, which tells the edge each one's reason; the others are kept.
     *
     * @param aggregates the item.
     * @return null to keep it (normalized in place, at least one entry left), or why to drop the whole item:
     *         an inbound filter, an invalid release, or {@link DropReason#NO_AGGREGATES} when no entry is left.
     */
    public DropReason filterAggregates(final SessionAggregatesView aggregates)
    {
        final DropReason reason = inboundFilters(aggregates);
        if (reason != null)
        {
            return reason;
        }
        if (!hasValidRelease(aggregates))
        {
            return DropReason.INVALID_RELEASE;
        }
        // Counted here rather than read back from entryCount(): the view may mark an entry dropped instead of
        // removing it.
        int kept = aggregates.entryCount();
        for (int i = kept - 1; i >= 0; i--)
        {
            long started = aggregates.entryStartedMs(i);
            DropReason entryReason = DropReason.MISSING_STARTED;
            if (started != SessionUpdateView.NO_TIME)
            {
                if (driftMs != 0)
                {
                    started += driftMs;
                    aggregates.entryStartedMs(i, started);
                }
                entryReason = checkStarted(started);
            }
            if (entryReason != null)
            {
                aggregates.removeEntry(i, entryReason);
                kept--;
            }
        }
        if (kept == 0)
        {
            return DropReason.NO_AGGREGATES;
        }
        normalizeAttributes(aggregates);
        return null;
    }

    private DropReason checkStarted(final long startedMs)
    {
        if (receivedAtMs - startedMs > validation.startedMaxAgeMs())
        {
            return DropReason.STARTED_TOO_OLD;
        }
        if (startedMs - receivedAtMs > validation.startedMaxFutureMs())
        {
            return DropReason.STARTED_IN_FUTURE;
        }
        return null;
    }

    private static boolean hasValidRelease(final SessionAttributesView attrs)
    {
        return attrs.hasRelease() && SessionNames.isValidRelease(attrs.releaseBytes(), attrs.releaseLength());
    }

    private DropReason inboundFilters(final SessionAttributesView attrs)
    {
        final ProjectFilters filters = project;
        if (!filters.clientIps().isEmpty() && isClientIpBlocked())
        {
            return DropReason.IP_ADDRESS;
        }
        if (!filters.releases().isEmpty() && attrs.hasRelease() &&
            filters.releases().matches(attrs.releaseBytes(), stored(attrs.releaseBytes(), attrs.releaseLength())))
        {
            return DropReason.RELEASE_VERSION;
        }
        if (filters.localhost() && attrs.hasIpAddress() && isLocalhost(attrs))
        {
            return DropReason.LOCALHOST;
        }
        if (!filters.needsUserAgent())
        {
            return null;
        }
        final boolean ownAgent = attrs.hasUserAgent() && attrs.userAgentLength() > 0;
        int verdict = NOTHING;
        if (ownAgent)
        {
            verdict = classifyAgent(attrs.userAgentBytes(), stored(attrs.userAgentBytes(), attrs.userAgentLength()));
        }
        else if (hasHeaderUserAgent)
        {
            if (headerAgentVerdict == UNKNOWN)
            {
                headerAgentVerdict = classifyAgent(headerUserAgent, headerUserAgentLength);
            }
            verdict = headerAgentVerdict;
        }
        if ((verdict & LEGACY) != 0)
        {
            return DropReason.LEGACY_BROWSERS;
        }
        if ((verdict & CRAWLER) != 0)
        {
            return DropReason.WEB_CRAWLERS;
        }
        return null;
    }

    /**
     * Runs both user-agent filters: from this thread's {@link UserAgentCache} when the agent was seen recently, else
     * with one pass of the parser that answers both (and remembers the answer).
     */
    private int classifyAgent(final byte[] agent, final int length)
    {
        long result = agentCache.lookup(agent, length);
        if (result == UserAgentCache.MISS)
        {
            final UserAgentParser parser = userAgentParser;
            parser.parse(agent, length, true);
            result = agentCache.store(agent, length, parser.family(), parser.majorVersion(), parser.isCrawler());
        }
        final ProjectFilters filters = project;
        int verdict = NOTHING;
        if (filters.legacyBrowsers().isLegacy(UserAgentCache.family(result), UserAgentCache.majorVersion(result)))
        {
            verdict |= LEGACY;
        }
        if (filters.webCrawlers() && UserAgentCache.isCrawler(result))
        {
            verdict |= CRAWLER;
        }
        return verdict;
    }

    private boolean isClientIpBlocked()
    {
        if (clientIpVerdict == UNKNOWN)
        {
            clientIpVerdict = project.clientIps().contains(clientIp) ? YES : NO;
        }
        return clientIpVerdict == YES;
    }

    private static boolean isLocalhost(final SessionAttributesView attrs)
    {
        final byte[] ip = attrs.ipAddressBytes();
        final int length = attrs.ipAddressLength();
        return equals(ip, length, LOCALHOST_V4) || equals(ip, length, LOCALHOST_V6);
    }

    private void normalizeAttributes(final SessionAttributesView attrs)
    {
        if (attrs.hasEnvironment() &&
            !SessionNames.isValidEnvironment(attrs.environmentBytes(), attrs.environmentLength()))
        {
            attrs.removeEnvironment();
        }
        if (attrs.hasIpAddress() && equals(attrs.ipAddressBytes(), attrs.ipAddressLength(), AUTO))
        {
            if (clientIp.isPresent())
            {
                if (clientIpTextLength < 0)
                {
                    clientIpTextLength = clientIp.formatTo(clientIpText, 0);
                }
                attrs.ipAddress(clientIpText, 0, clientIpTextLength);
            }
            else
            {
                attrs.removeIpAddress();
            }
        }
    }

    private static int stored(final byte[] bytes, final int length)
    {
        return Math.min(length, bytes.length);
    }

    private static boolean equals(final byte[] bytes, final int length, final byte[] expected)
    {
        if (length != expected.length || bytes.length < length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != expected[i])
            {
                return false;
            }
        }
        return true;
    }
}
