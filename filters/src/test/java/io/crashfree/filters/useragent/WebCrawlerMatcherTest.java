package io.crashfree.filters.useragent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.crashfree.filters.useragent.UserAgents.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The web-crawler filter: real crawler agents are filtered, the allow-list and real browsers and apps are not, and the
 * byte matcher agrees with {@code java.util.regex} running the reference's alternation on every agent of the tests.
 */
class WebCrawlerMatcherTest
{
    static Stream<Arguments> cases()
    {
        return Stream.of(
            crawler("Googlebot", GOOGLEBOT),
            crawler("Googlebot smartphone", GOOGLEBOT_SMARTPHONE),
            crawler("Googlebot in upper case", "GOOGLEBOT/2.1 (+HTTP://WWW.GOOGLE.COM/BOT.HTML)"),
            crawler("Mediapartners-Google (AdSense)", "Mediapartners-Google"),
            crawler("AdsBot-Google", "AdsBot-Google (+http://www.google.com/adsbot.html)"),
            crawler("FeedFetcher-Google", "FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)"),
            crawler("Storebot-Google", "Mozilla/5.0 (X11; Linux x86_64; Storebot-Google/1.0) AppleWebKit/537.36 " +
                "(KHTML, like Gecko) Chrome/79.0.3945.88 Safari/537.36"),
            crawler("Bingbot", BINGBOT),
            crawler("BingPreview", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
                "(KHTML, like Gecko) BingPreview/1.0b"),
            crawler("Baiduspider", "Mozilla/5.0 (compatible; Baiduspider/2.0; " +
                "+http://www.baidu.com/search/spider.html)"),
            crawler("Yahoo Slurp", "Mozilla/5.0 (compatible; Yahoo! Slurp; " +
                "http://help.yahoo.com/help/us/ysearch/slurp)"),
            crawler("Sogou", "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)"),
            crawler("facebookexternalhit", FACEBOOK_EXTERNAL_HIT),
            crawler("meta-externalagent", "meta-externalagent/1.1 " +
                "(+https://developers.facebook.com/docs/sharing/webmasters/crawler)"),
            crawler("ia_archiver (Alexa)", "ia_archiver (+http://www.alexa.com/site/help/webmasters; " +
                "crawler@alexa.com)"),
            crawler("Twitterbot (bot/)", "Twitterbot/1.0"),
            crawler("AhrefsBot (bot/)", AHREFSBOT),
            crawler("SemrushBot (bot/)", "Mozilla/5.0 (compatible; SemrushBot/7~bl; " +
                "+http://www.semrush.com/bot.html)"),
            crawler("YandexBot (bot/)", "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"),
            crawler("MJ12bot (bot/)", "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)"),
            crawler("a generic 'bots' before a space", "Example bots (+https://example.com)"),
            crawler("a generic 'bot' at the end", "Example monitoring bot"),
            crawler("a generic 'bot' before ')'", "Mozilla/5.0 (compatible; examplebot)"),
            crawler("a generic 'spider' before ';'", "Mozilla/5.0 (compatible; examplespider; +https://e.com)"),
            crawler("a generic 'spider' at the end", "Example spider"),
            crawler("Slackbot-LinkExpanding (Slack, not on the allow-list)",
                "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
            crawler("Slack-ImgProxy", "Slack-ImgProxy 0.19 (+https://api.slack.com/robots)"),
            crawler("the Slack desktop app (Slack)", SLACK_DESKTOP),
            crawler("Calypso AppCrawler", "Mozilla/5.0 (Linux; Android 6.0.1; Calypso AppCrawler " +
                "Build/MMB30Y; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/53.0.2785.124 " +
                "Mobile Safari/537.36"),
            crawler("Pingdom", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)"),
            crawler("lyticsbot", "lyticsbot-external"),
            crawler("AWS Security Scanner", "AWS Security Scanner"),
            crawler("HubSpot Crawler", "Mozilla/5.0 (compatible; HubSpot Crawler; web-crawlers@hubspot.com)"),
            crawler("Bytespider", "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) " +
                "Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)"),
            crawler("Better Uptime", "Better Uptime Bot Mozilla/5.0 (Windows NT 10.0; Win64; x64) " +
                "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.169 Safari/537.36"),
            crawler("Cloudflare-Healthchecks", "Mozilla/5.0 (compatible;Cloudflare-Healthchecks/1.0; " +
                "+https://www.cloudflare.com/; healthcheck-id: 0123456789abcdef)"),
            crawler("GTmetrix", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " +
                "Chrome/120.0.0.0 Safari/537.36 GTmetrix"),
            crawler("BrightEdgeOnCrawl", "Mozilla/5.0 (compatible; BrightEdgeOnCrawl/1.0)"),
            crawler("ELB-HealthChecker", "ELB-HealthChecker/2.0"),
            crawler("Naver Yeti (naver.me/spd)", "Mozilla/5.0 (compatible; Yeti/1.1; +http://naver.me/spd)"),
            crawler("ClaudeBot", CLAUDEBOT),
            crawler("CCBot", "CCBot/2.0 (https://commoncrawl.org/faq/)"),
            crawler("OAI-SearchBot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; " +
                "OAI-SearchBot/1.0; +https://openai.com/searchbot"),
            crawler("GPTBot", GPTBOT),
            crawler("PerplexityBot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; " +
                "PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)"),
            crawler("Applebot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 " +
                "(KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; " +
                "+http://www.apple.com/go/applebot)"),
            crawler("DuckDuckBot", "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)"),
            allowed("Slackbot 1.0 (allow-list)", "Slackbot 1.0 (+https://api.slack.com/robots)"),
            allowed("Slackbot 1.0 without a space before '(' (allow-list)",
                "Slackbot 1.0(+https://api.slack.com/robots)"),
            allowed("SentryUptimeBot (allow-list)", "Mozilla/5.0 (compatible; SentryUptimeBot/1.0; " +
                "+http://docs.sentry.io/product/alerts/uptime-monitoring/)"),
            allowed("ChatGPT-User (allow-list)", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; " +
                "ChatGPT-User/1.0; +https://openai.com/bot"),
            allowed("Chrome on Windows", CHROME_131_WINDOWS),
            allowed("Chrome on Android", CHROME_131_ANDROID),
            allowed("Chrome on iOS", CHROME_131_IOS),
            allowed("Firefox", FIREFOX_133_WINDOWS),
            allowed("Safari on macOS", SAFARI_18_MAC),
            allowed("Safari on iPhone", SAFARI_17_IPHONE),
            allowed("Edge", EDGE_131),
            allowed("Opera", OPERA_115),
            allowed("Samsung Internet", SAMSUNG_INTERNET),
            allowed("IE 11", IE_11),
            allowed("Facebook in-app browser (FBAN, no 'facebook')", FACEBOOK_IOS),
            allowed("Instagram in-app browser", INSTAGRAM_IOS),
            allowed("HeadlessChrome (not on the list)", HEADLESS_CHROME),
            allowed("okhttp", OKHTTP),
            allowed("Dalvik", DALVIK),
            allowed("CFNetwork", CFNETWORK),
            allowed("the Java SDK", SENTRY_JAVA),
            allowed("the Node SDK", SENTRY_NODE),
            allowed("curl", CURL),
            allowed("APIs-Google", "APIs-Google (+https://developers.google.com/webmasters/APIs-Google.html)"),
            allowed("'bot' followed by a letter", "Mozilla/5.0 (X11; Linux x86_64) bottle/0.12"),
            allowed("'bots' followed by a letter", "Mozilla/5.0 (Abbotsford kiosk)"),
            allowed("'spider' followed by a letter", "Mozilla/5.0 spiderman-app/1.0"),
            allowed("'bot-' is not a boundary", "Mozilla/5.0 robot-arm/1.0"),
            allowed("some user agent", "some user agent"),
            allowed("empty", ""),
            allowed("one byte", "b"));
    }

    private static Arguments crawler(final String name, final String userAgent)
    {
        return Arguments.of(name, userAgent, true);
    }

    private static Arguments allowed(final String name, final String userAgent)
    {
        return Arguments.of(name, userAgent, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldFilterCrawlersAndNothingElse(final String name, final String userAgent, final boolean crawler)
    {
        final byte[] bytes = userAgent.getBytes(StandardCharsets.UTF_8);
        assertEquals(crawler, WebCrawlerMatcher.INSTANCE.isCrawler(bytes, bytes.length), name + ": " + userAgent);
    }

    @Test
    void shouldAgreeWithJavaRegexOnEveryAgentOfTheTests() throws IllegalAccessException
    {
        final Pattern crawlers = Pattern.compile(String.join("|", WebCrawlerMatcher.CRAWLER_PATTERNS),
            Pattern.CASE_INSENSITIVE);
        final Pattern allowedList = Pattern.compile(String.join("|", WebCrawlerMatcher.ALLOWED_PATTERNS),
            Pattern.CASE_INSENSITIVE);
        final List<String> agents = new ArrayList<>();
        cases().forEach(args -> agents.add((String)args.get()[1]));
        for (final Field field : UserAgents.class.getDeclaredFields())
        {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
            {
                agents.add((String)field.get(null));
            }
        }
        for (final String agent : agents)
        {
            final boolean expected = crawlers.matcher(agent).find() && !allowedList.matcher(agent).find();
            final byte[] bytes = agent.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected, WebCrawlerMatcher.INSTANCE.isCrawler(bytes, bytes.length), agent);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldFindTheSameCrawlersInTheParsersCombinedPass(final String name, final String userAgent,
        final boolean crawler)
    {
        final UserAgentParser parser = new UserAgentParser();
        final byte[] bytes = userAgent.getBytes(StandardCharsets.UTF_8);
        parser.parse(bytes, bytes.length, true);
        assertEquals(crawler, parser.isCrawler(), name + ": " + userAgent);
        final BrowserFamily family = parser.family();
        final int major = parser.majorVersion();
        parser.parse(bytes, bytes.length);
        assertEquals(family + " " + major, parser.family() + " " + parser.majorVersion(),
            name + ": the family does not depend on crawler detection");
    }

    @Test
    void shouldMatchOnlyTheBytesItIsGiven()
    {
        final byte[] bytes = "Mozilla/5.0 Googlebot".getBytes(StandardCharsets.US_ASCII);
        assertEquals(false, WebCrawlerMatcher.INSTANCE.isCrawler(bytes, 12), "the bot is past the length");
        assertEquals(true, WebCrawlerMatcher.INSTANCE.isCrawler(bytes, bytes.length), "whole agent");
    }

    @Test
    void shouldRefuseSyntaxOutsideTheSupportedSubset()
    {
        assertThrows(IllegalArgumentException.class, () -> UserAgentPattern.compile("a*b"), "star");
        assertThrows(IllegalArgumentException.class, () -> UserAgentPattern.compile("(a|b)"), "alternation");
        assertThrows(IllegalArgumentException.class, () -> UserAgentPattern.compile("^ab"), "anchor");
        assertThrows(IllegalArgumentException.class,
            () -> new WebCrawlerMatcher(List.of("\\sab"), List.of()), "no plain two-character start");
    }
}
