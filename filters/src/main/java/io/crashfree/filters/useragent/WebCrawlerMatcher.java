package io.crashfree.filters.useragent;

import java.util.ArrayList;
import java.util.List;

/**
 * The web-crawler inbound filter: the reference's crawler patterns (§4.4, relay
 * {@code relay-filter/src/web_crawlers.rs}) searched case-insensitively anywhere in the raw user agent, cancelled by
 * a match of the allow-list. Immutable and shared; {@link #isCrawler} allocates nothing.
 * <p>
 * Instead of one alternation regex, each list is a set of {@link UserAgentPattern}s behind a {@link PairIndex}
 * prefilter: the scan probes the byte pairs at even offsets, and only where a pattern could start there or one byte
 * before does it try the few patterns starting with that byte, comparing a pattern's literal prefix before anything
 * else. {@link UserAgentParser} can run the same probe for its own tokens and the crawler patterns in one pass.
 * Browser user agents hit the bitmap a handful of times (the {@code me} of {@code Chrome}, the {@code ap} of
 * {@code AppleWebKit}, the {@code fa} of {@code Safari}), each rejected within a few bytes.
 */
public final class WebCrawlerMatcher
{
    /** ASCII case folding: upper-case letters to lower case, other ASCII unchanged, non-ASCII bytes to 0. */
    static final byte[] FOLD = new byte[256];

    static
    {
        for (int b = 0; b < 128; b++)
        {
            FOLD[b] = (byte)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        }
    }

    /** The crawler patterns, in the reference's order. */
    public static final List<String> CRAWLER_PATTERNS = List.of(
        "Mediapartners-Google",
        "AdsBot-Google",
        "Googlebot",
        "FeedFetcher-Google",
        "Storebot-Google",
        "BingBot",
        "BingPreview",
        "Baiduspider",
        "Slurp",
        "Sogou",
        "facebook",
        "meta-",
        "ia_archiver",
        "bots?([/\\s\\);]|$)",
        "spider([/\\s\\);]|$)",
        "Slack",
        "Calypso\\sAppCrawler",
        "pingdom",
        "lyticsbot",
        "AWS\\sSecurity\\sScanner",
        "HubSpot\\sCrawler",
        "Bytespider",
        "Better\\sUptime",
        "Cloudflare-Healthchecks",
        "GTmetrix",
        "BrightEdgeOnCrawl",
        "ELB-HealthChecker",
        "naver.me/spd",
        "ClaudeBot",
        "CCBot",
        "OAI-SearchBot",
        "GPTBot",
        "PerplexityBot",
        "Applebot",
        "DuckDuckBot");

    /** The allow-list: a user agent matching one of these is never filtered as a crawler. */
    public static final List<String> ALLOWED_PATTERNS = List.of(
        "Slackbot\\s1\\.\\d+",
        "SentryUptimeBot",
        "ChatGPT-User");

    /** The shared instance built from the lists above. */
    public static final WebCrawlerMatcher INSTANCE = new WebCrawlerMatcher(CRAWLER_PATTERNS, ALLOWED_PATTERNS);

    private final PatternSet crawlers;
    private final PatternSet allowed;

    /**
     * @param crawlerPatterns patterns that mark a crawler.
     * @param allowedPatterns patterns that cancel a crawler match.
     */
    WebCrawlerMatcher(final List<String> crawlerPatterns, final List<String> allowedPatterns)
    {
        crawlers = new PatternSet(crawlerPatterns);
        allowed = new PatternSet(allowedPatterns);
    }

    /**
     * @param userAgent raw user-agent bytes.
     * @param length    number of bytes.
     * @return whether a crawler pattern matches and no allow-list pattern does.
     */
    public boolean isCrawler(final byte[] userAgent, final int length)
    {
        return crawlers.find(userAgent, length) && !allowed.find(userAgent, length);
    }

    /** @return the crawler patterns' prefilter, for a scan that also looks for other tokens. */
    long[] crawlerBitmap()
    {
        return crawlers.index.bitmap();
    }

    /**
     * Verifies the crawler patterns where a combined scan's probe hit.
     *
     * @param userAgent  the agent.
     * @param length     its length.
     * @param pairOffset the even offset {@link PairIndex#next} returned.
     * @return whether a crawler pattern starts there or one byte before.
     */
    boolean crawlerAt(final byte[] userAgent, final int length, final int pairOffset)
    {
        return crawlers.at(userAgent, length, pairOffset);
    }

    /**
     * @param userAgent the agent.
     * @param length    its length.
     * @return whether an allow-list pattern matches anywhere.
     */
    boolean isAllowed(final byte[] userAgent, final int length)
    {
        return allowed.find(userAgent, length);
    }

    /** A list of patterns searched together behind one {@link PairIndex}. */
    private static final class PatternSet
    {
        private final UserAgentPattern[] patterns;
        private final PairIndex index;

        PatternSet(final List<String> sources)
        {
            patterns = new UserAgentPattern[sources.size()];
            final List<byte[]> prefixes = new ArrayList<>();
            for (int p = 0; p < patterns.length; p++)
            {
                final UserAgentPattern pattern = UserAgentPattern.compile(sources.get(p));
                if (pattern.literalPrefixLength() < 3)
                {
                    throw new IllegalArgumentException("a crawler pattern must start with three plain characters: " +
                        sources.get(p));
                }
                patterns[p] = pattern;
                prefixes.add(new byte[] {(byte)pattern.literal(0), (byte)pattern.literal(1), (byte)pattern.literal(2)});
            }
            index = new PairIndex(prefixes);
        }

        boolean find(final byte[] text, final int length)
        {
            final long[] bitmap = index.bitmap();
            int i = PairIndex.next(bitmap, text, length, 0);
            while (i >= 0)
            {
                if (at(text, length, i))
                {
                    return true;
                }
                i = PairIndex.next(bitmap, text, length, i + 2);
            }
            return false;
        }

        boolean at(final byte[] text, final int length, final int pairOffset)
        {
            final int[] entries = index.entries(PairIndex.key(text[pairOffset], text[pairOffset + 1]));
            if (entries != null)
            {
                for (final int entry : entries)
                {
                    final int start = pairOffset - (entry & 1);
                    if (start >= 0 && patterns[entry >>> 1].matchesAt(text, length, start))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
