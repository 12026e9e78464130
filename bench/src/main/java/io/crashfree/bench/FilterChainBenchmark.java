package io.crashfree.bench;

import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.edge.ingest.FilterViews;
import io.crashfree.filters.DropReason;
import io.crashfree.filters.SessionFilter;
import io.crashfree.filters.config.FilterSettings;
import io.crashfree.filters.config.FilterSettingsParser;
import io.crashfree.filters.ip.ClientIpResolver;
import io.crashfree.filters.ip.MutableIpAddress;
import io.crashfree.filters.useragent.WebCrawlerMatcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole filter chain on one browser session with every filter enabled: client IP from {@code X-Forwarded-For},
 * the envelope's context, the five inbound filters (IP block list, release globs, localhost, legacy browsers with
 * every option, web crawlers), validation and normalization ({@code {{auto}}} resolved), over the edge's real
 * {@link SessionUpdate} record through a flyweight view. The user agent is a current Chrome, as a browser SDK sends it
 * in the {@code User-Agent} header ({@link #filterChain}) or, as some SDKs do, in {@code attrs.user_agent}
 * ({@link #filterChainUserAgentInAttrs}); both find the agent in the thread's agent cache after the first call, as the
 * same few agents do in production. {@link #filterChainNewAgent} cycles through 4,096 distinct agents so that the
 * cache never helps: the cost of an agent the thread has not seen.
 * <p>
 * Baseline: the reference's crawler list as one {@code java.util.regex} alternation (plus the allow-list) on the same
 * user agent, with reused matchers and the agent already a {@code String} (the regex's best case), beside the byte
 * matcher alone ({@link #crawlerByteMatcher}).
 * <p>
 * Run: {@code bin/crashfree bench FilterChainBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class FilterChainBenchmark
{
    /** A current desktop Chrome, 111 bytes. */
    static final String USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String FORWARDED_FOR = "203.0.113.7, 10.0.0.1";
    static final long PROJECT_ID = 42;
    /** Distinct agents cycled by {@link #filterChainNewAgent}: far more than a thread's agent cache holds. */
    static final int DISTINCT_AGENTS = 4096;
    static final byte[] AUTO = "{{auto}}".getBytes(StandardCharsets.US_ASCII);

    private FilterSettings settings;
    private SessionFilter filter;
    private MutableIpAddress peer;
    private MutableIpAddress clientIp;
    private SessionUpdate update;
    private FilterViews.UpdateView view;
    private long nowMs;
    private byte[] userAgentBytes;
    private Matcher crawlerRegex;
    private Matcher allowedRegex;
    private String[] distinctAgents;
    private int nextAgent;

    /** Compiles the settings and builds one decoded browser session. */
    @Setup
    public void setUp()
    {
        settings = FilterSettingsParser.parse(Map.of(
            "project.42.filters.client.ips", "198.51.100.0/24, 192.0.2.9, 2001:db8:bad::/48",
            "project.42.filters.releases", "*-dev, *-staging, 1.0.?",
            "project.42.filters.localhost", "true",
            "project.42.filters.legacy.browsers", "default, ie, safari, opera, opera_mini, android, firefox, " +
                "chrome, edge",
            "project.42.filters.web.crawlers", "true"));
        filter = new SessionFilter();
        peer = new MutableIpAddress();
        peer.tryParse("10.0.0.2", 0, 8);
        clientIp = new MutableIpAddress();
        nowMs = System.currentTimeMillis();
        update = new SessionUpdate();
        update.attributes().release().set("web@2.4.1".toCharArray(), 0, 9);
        update.attributes().environment().set("production".toCharArray(), 0, 10);
        update.init(true);
        update.status(SessionStatus.OK);
        view = new FilterViews.UpdateView();
        userAgentBytes = USER_AGENT.getBytes(StandardCharsets.US_ASCII);
        distinctAgents = new String[DISTINCT_AGENTS];
        for (int i = 0; i < DISTINCT_AGENTS; i++)
        {
            distinctAgents[i] = USER_AGENT.replace("131.0.0.0", "131.0." + (6000 + i) + "." + (i % 97));
        }
        crawlerRegex = Pattern.compile(String.join("|", WebCrawlerMatcher.CRAWLER_PATTERNS),
            Pattern.CASE_INSENSITIVE).matcher("");
        allowedRegex = Pattern.compile(String.join("|", WebCrawlerMatcher.ALLOWED_PATTERNS),
            Pattern.CASE_INSENSITIVE).matcher("");
        if (filterChain() != null || filterChainUserAgentInAttrs() != null || filterChainNewAgent() != null ||
            crawlerByteMatcher() || crawlerRegexBaseline())
        {
            throw new IllegalStateException("the benchmark session must pass every filter");
        }
    }

    /** @return null: the session is kept (returned so the work is not dead code). */
    @Benchmark
    public DropReason filterChain()
    {
        prepareSession(false);
        ClientIpResolver.tryResolve(null, null, null, FORWARDED_FOR, peer, clientIp);
        filter.beginEnvelope(settings, PROJECT_ID, nowMs, nowMs - 20, clientIp, USER_AGENT);
        return filter.filterUpdate(view.wrap(update));
    }

    /** @return null: the session is kept. */
    @Benchmark
    public DropReason filterChainUserAgentInAttrs()
    {
        prepareSession(true);
        ClientIpResolver.tryResolve(null, null, null, FORWARDED_FOR, peer, clientIp);
        filter.beginEnvelope(settings, PROJECT_ID, nowMs, nowMs - 20, clientIp, "sentry.javascript.browser/8.42.0");
        return filter.filterUpdate(view.wrap(update));
    }

    /**
     * The chain when the agent is new to the thread (its cache misses every time): the full user-agent scan, plus the
     * miss and the copy into the cache.
     *
     * @return null: the session is kept.
     */
    @Benchmark
    public DropReason filterChainNewAgent()
    {
        prepareSession(false);
        final String agent = distinctAgents[nextAgent++ & (DISTINCT_AGENTS - 1)];
        ClientIpResolver.tryResolve(null, null, null, FORWARDED_FOR, peer, clientIp);
        filter.beginEnvelope(settings, PROJECT_ID, nowMs, nowMs - 20, clientIp, agent);
        return filter.filterUpdate(view.wrap(update));
    }

    /** @return false: the byte matcher alone on the same agent. */
    @Benchmark
    public boolean crawlerByteMatcher()
    {
        return WebCrawlerMatcher.INSTANCE.isCrawler(userAgentBytes, userAgentBytes.length);
    }

    /** @return false: the crawler list as a {@code java.util.regex} alternation, plus the allow-list. */
    @Benchmark
    public boolean crawlerRegexBaseline()
    {
        return crawlerRegex.reset(USER_AGENT).find() && !allowedRegex.reset(USER_AGENT).find();
    }

    /** What the decoder does for every session: fills the fields the chain normalizes. */
    private void prepareSession(final boolean userAgentInAttrs)
    {
        update.startedMs(nowMs - 1_000);
        update.timestampMs(nowMs - 500);
        update.attributes().ipAddress().setBytes(AUTO, 0, AUTO.length);
        if (userAgentInAttrs)
        {
            update.attributes().userAgent().setBytes(userAgentBytes, 0, userAgentBytes.length);
        }
        else
        {
            update.attributes().userAgent().clear();
        }
    }
}
