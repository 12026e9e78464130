package io.crashfree.filters.useragent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.crashfree.filters.useragent.UserAgents.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The legacy-browser filter: every option at and just past its threshold with real agents, the older Relay
 * defaults, unions of options, and agents that must never be filtered.
 */
class LegacyBrowserRulesTest
{
    static Stream<Arguments> cases()
    {
        return Stream.of(
            // default: the older Relay minimums
            row("default filters IE 9", IE_9, "default", true),
            row("default filters IE Mobile 9", IE_MOBILE_9, "default", true),
            row("default keeps IE 10", IE_10, "default", false),
            row("default keeps IE 11", IE_11, "default", false),
            row("default filters Safari 5", SAFARI_5_WINDOWS, "default", true),
            row("default keeps Safari 6", SAFARI_6_MAC, "default", false),
            row("default filters Opera 14", OPERA_14, "default", true),
            row("default filters Presto Opera 12", OPERA_12_PRESTO, "default", true),
            row("default keeps Opera 15", OPERA_15, "default", false),
            row("default filters Android 3 stock", ANDROID_3_STOCK, "default", true),
            row("default keeps Android 4 stock", ANDROID_4_STOCK, "default", false),
            row("default filters Opera Mini 7", OPERA_MINI_7, "default", true),
            row("default keeps Opera Mini 8", OPERA_MINI_8, "default", false),
            row("default keeps any Chrome", CHROME_49_XP, "default", false),
            row("default keeps any Firefox", FIREFOX_3_6, "default", false),
            row("default keeps any Edge", EDGE_12, "default", false),
            // the single-version options
            row("ie_pre_9 filters IE 8", IE_8, "ie_pre_9", true),
            row("ie_pre_9 filters IE 6", IE_6, "ie_pre_9", true),
            row("ie_pre_9 keeps IE 9", IE_9, "ie_pre_9", false),
            row("ie9 filters IE 9", IE_9, "ie9", true),
            row("ie9 keeps IE 10", IE_10, "ie9", false),
            row("ie9 keeps IE 8", IE_8, "ie9", false),
            row("ie10 filters IE 10", IE_10, "ie10", true),
            row("ie10 keeps IE 11", IE_11, "ie10", false),
            row("ie11 filters IE 11", IE_11, "ie11", true),
            row("ie11 filters IE 11 in compatibility view", IE_11_COMPATIBILITY, "ie11", true),
            row("ie11 filters IE Mobile 11", IE_MOBILE_11, "ie11", true),
            row("ie11 keeps IE 10", IE_10, "ie11", false),
            row("opera_pre_15 filters Opera 14", OPERA_14, "opera_pre_15", true),
            row("opera_pre_15 filters Opera Mobile 11", OPERA_MOBILE_11, "opera_pre_15", true),
            row("opera_pre_15 keeps Opera 15", OPERA_15, "opera_pre_15", false),
            row("opera_mini_pre_8 filters Opera Mini 7", OPERA_MINI_7, "opera_mini_pre_8", true),
            row("opera_mini_pre_8 keeps Opera Mini 8", OPERA_MINI_8, "opera_mini_pre_8", false),
            row("android_pre_4 filters Android 2", ANDROID_2_STOCK, "android_pre_4", true),
            row("android_pre_4 keeps Android 4", ANDROID_4_STOCK, "android_pre_4", false),
            row("android_pre_4 keeps Chrome on Android 4", CHROME_18_ANDROID_4, "android_pre_4", false),
            row("safari_pre_6 filters Safari 5", SAFARI_5_MAC, "safari_pre_6", true),
            row("safari_pre_6 filters Mobile Safari 4", SAFARI_4_IPAD, "safari_pre_6", true),
            row("safari_pre_6 keeps Safari 6", SAFARI_6_MAC, "safari_pre_6", false),
            row("edge_pre_79 filters EdgeHTML 18", EDGE_18, "edge_pre_79", true),
            row("edge_pre_79 keeps Edge 79", EDGE_79, "edge_pre_79", false),
            // the per-family options with the current thresholds
            row("chrome filters Chrome 110", CHROME_110_WINDOWS, "chrome", true),
            row("chrome keeps Chrome 111", CHROME_111_LINUX, "chrome", false),
            row("chrome filters Chrome 49", CHROME_49_XP, "chrome", true),
            row("chrome keeps Chrome 131 on iOS", CHROME_131_IOS, "chrome", false),
            row("chrome keeps Edge 110 (another family)", EDGE_110, "chrome", false),
            row("firefox filters Firefox 110", FIREFOX_110_WINDOWS, "firefox", true),
            row("firefox keeps Firefox 111", FIREFOX_111_MAC, "firefox", false),
            row("firefox keeps Firefox 133 on Android", FIREFOX_133_ANDROID, "firefox", false),
            row("edge filters Edge 110", EDGE_110, "edge", true),
            row("edge keeps Edge 111", EDGE_111, "edge", false),
            row("edge filters EdgeHTML 12", EDGE_12, "edge", true),
            row("safari filters Safari 15 on iPad", SAFARI_15_IPAD, "safari", true),
            row("safari keeps Safari 16", SAFARI_16_MAC, "safari", false),
            row("safari keeps iPhone Safari 17", SAFARI_17_IPHONE, "safari", false),
            row("opera filters Opera 99", OPERA_99, "opera", true),
            row("opera keeps Opera 100", OPERA_100, "opera", false),
            row("opera_mini filters Opera Mini 16 on iOS", OPERA_MINI_16_IOS, "opera_mini", true),
            row("android filters Android 3", ANDROID_3_STOCK, "android", true),
            row("android keeps Android 4", ANDROID_4_STOCK, "android", false),
            row("ie filters IE 11", IE_11, "ie", true),
            row("ie filters IE 5", IE_5, "ie", true),
            // unions
            row("default plus ie11 filters IE 11 (a union, unlike Relay's early return)", IE_11, "default,ie11",
                true),
            row("ie10 plus android_pre_4 filters IE 10", IE_10, "android_pre_4,ie10", true),
            row("every option keeps current Chrome", CHROME_131_WINDOWS, "all", false),
            row("every option keeps current Firefox", FIREFOX_133_WINDOWS, "all", false),
            row("every option keeps current Safari", SAFARI_18_MAC, "all", false),
            row("every option keeps current Edge", EDGE_131, "all", false),
            row("every option keeps current Opera", OPERA_115, "all", false),
            // never filtered: not browsers, or no version
            row("every option keeps Samsung Internet", SAMSUNG_INTERNET, "all", false),
            row("every option keeps an old Android WebView", ANDROID_WEBVIEW_KITKAT, "all", false),
            row("every option keeps Facebook in-app", FACEBOOK_IOS, "all", false),
            row("every option keeps okhttp", OKHTTP, "all", false),
            row("every option keeps Dalvik on Android 2.3", DALVIK_ANDROID_2, "all", false),
            row("every option keeps CFNetwork's Safari/ without a version", CFNETWORK_SAFARI, "all", false),
            row("every option keeps the Java SDK", SENTRY_JAVA, "all", false),
            row("every option keeps an empty agent", "", "all", false),
            row("every option keeps a robot disguised as MSIE 6", IRLBOT_AS_MSIE, "all", false),
            row("no option filters nothing", IE_6, "", false));
    }

    private static Arguments row(final String name, final String userAgent, final String options,
        final boolean filtered)
    {
        return Arguments.of(name, userAgent, options, filtered);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldFilterExactlyTheConfiguredLegacyBrowsers(
        final String name, final String userAgent, final String options, final boolean filtered)
    {
        final LegacyBrowserRules rules = LegacyBrowserRules.compile(options(options));
        final UserAgentParser parser = new UserAgentParser();
        final byte[] bytes = userAgent.getBytes(StandardCharsets.UTF_8);
        parser.parse(bytes, bytes.length);
        assertEquals(filtered, rules.isLegacy(parser.family(), parser.majorVersion()),
            name + " (parsed " + parser.family() + " " + parser.majorVersion() + ")");
    }

    @Test
    void shouldNeverFilterAnUnknownVersion()
    {
        final LegacyBrowserRules rules = LegacyBrowserRules.compile(options("all"));
        for (final BrowserFamily family : BrowserFamily.values())
        {
            assertFalse(rules.isLegacy(family, -1), family.name());
        }
    }

    @Test
    void shouldKnowEveryOptionByItsRelayName()
    {
        for (final LegacyBrowserOption option : LegacyBrowserOption.values())
        {
            assertEquals(option, LegacyBrowserOption.fromConfigName(option.configName()), option.name());
        }
        assertEquals(null, LegacyBrowserOption.fromConfigName("ie8"), "ie8 is not an option");
    }

    private static List<LegacyBrowserOption> options(final String list)
    {
        final List<LegacyBrowserOption> options = new ArrayList<>();
        if (list.equals("all"))
        {
            options.addAll(List.of(LegacyBrowserOption.values()));
            return options;
        }
        for (final String name : list.split(","))
        {
            if (!name.isBlank())
            {
                options.add(LegacyBrowserOption.fromConfigName(name.strip()));
            }
        }
        return options;
    }
}
