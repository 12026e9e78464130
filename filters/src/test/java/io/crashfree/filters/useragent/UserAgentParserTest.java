package io.crashfree.filters.useragent;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static io.crashfree.filters.useragent.BrowserFamily.ANDROID;
import static io.crashfree.filters.useragent.BrowserFamily.CHROME;
import static io.crashfree.filters.useragent.BrowserFamily.EDGE;
import static io.crashfree.filters.useragent.BrowserFamily.FIREFOX;
import static io.crashfree.filters.useragent.BrowserFamily.IE;
import static io.crashfree.filters.useragent.BrowserFamily.OPERA;
import static io.crashfree.filters.useragent.BrowserFamily.OPERA_MINI;
import static io.crashfree.filters.useragent.BrowserFamily.OTHER;
import static io.crashfree.filters.useragent.BrowserFamily.SAFARI;
import static io.crashfree.filters.useragent.BrowserFamily.UNKNOWN;
import static io.crashfree.filters.useragent.UserAgents.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The parser against real user agents of every family: each row is the agent, the family and major version expected
 * (uap-core's answer, with mobile variants folded into their family as {@link BrowserFamily} documents).
 */
class UserAgentParserTest
{
    static Stream<Arguments> userAgents()
    {
        return Stream.of(
            row("Chrome 131 on Windows", CHROME_131_WINDOWS, CHROME, 131),
            row("Chrome 131 on macOS", CHROME_131_MAC, CHROME, 131),
            row("Chrome 131 on Android (Chrome Mobile)", CHROME_131_ANDROID, CHROME, 131),
            row("Chrome 131 on iOS (CriOS)", CHROME_131_IOS, CHROME, 131),
            row("Chrome 111 on Linux", CHROME_111_LINUX, CHROME, 111),
            row("Chrome 109, last for Windows 7", CHROME_109_WINDOWS_7, CHROME, 109),
            row("Chrome 49, last for Windows XP", CHROME_49_XP, CHROME, 49),
            row("Chrome 18 on Android 4 (not the stock browser)", CHROME_18_ANDROID_4, CHROME, 18),
            row("Firefox 133 on Windows", FIREFOX_133_WINDOWS, FIREFOX, 133),
            row("Firefox 128 ESR on Linux", FIREFOX_128_LINUX, FIREFOX, 128),
            row("Firefox 133 on Android", FIREFOX_133_ANDROID, FIREFOX, 133),
            row("Firefox 133 on iOS (FxiOS)", FIREFOX_133_IOS, FIREFOX, 133),
            row("Firefox 52 ESR on Windows XP", FIREFOX_52_XP, FIREFOX, 52),
            row("Firefox 3.6", FIREFOX_3_6, FIREFOX, 3),
            row("Safari 18 on macOS", SAFARI_18_MAC, SAFARI, 18),
            row("Safari 17 on iPhone (Mobile Safari)", SAFARI_17_IPHONE, SAFARI, 17),
            row("Safari 15 on iPad", SAFARI_15_IPAD, SAFARI, 15),
            row("Safari 12 on macOS", SAFARI_12_MAC, SAFARI, 12),
            row("Safari 5 on Windows", SAFARI_5_WINDOWS, SAFARI, 5),
            row("Safari 4 on iPad (iOS 3.2)", SAFARI_4_IPAD, SAFARI, 4),
            row("Edge 131 (Chromium, Edg/)", EDGE_131, EDGE, 131),
            row("Edge 79, first Chromium Edge", EDGE_79, EDGE, 79),
            row("Edge 18 (EdgeHTML, Edge/)", EDGE_18, EDGE, 18),
            row("Edge 131 on Android (EdgA/)", EDGE_131_ANDROID, EDGE, 131),
            row("Edge 131 on iOS (EdgiOS/)", EDGE_131_IOS, EDGE, 131),
            row("Opera 115 (OPR/)", OPERA_115, OPERA, 115),
            row("Opera 85 on Android (Opera Mobile)", OPERA_85_ANDROID, OPERA, 85),
            row("Opera 15, first Blink Opera", OPERA_15, OPERA, 15),
            row("Opera 12 Presto: the Version/ major", OPERA_12_PRESTO, OPERA, 12),
            row("Opera 9.64 Presto without Version/", OPERA_9_64, OPERA, 9),
            row("Opera 8.5 disguised as MSIE", OPERA_8_AS_MSIE, OPERA, 8),
            row("Opera Mobile 11 (Opera Mobi)", OPERA_MOBILE_11, OPERA, 11),
            row("Opera Mini 7 on J2ME", OPERA_MINI_7, OPERA_MINI, 7),
            row("Opera Mini 8 on J2ME", OPERA_MINI_8, OPERA_MINI, 8),
            row("Opera Mini 4 with /att/", OPERA_MINI_4_ATT, OPERA_MINI, 4),
            row("Opera Mini 16 on iOS (OPiOS/)", OPERA_MINI_16_IOS, OPERA_MINI, 16),
            row("IE 11", IE_11, IE, 11),
            row("IE 11 in compatibility view (MSIE 7.0, Trident/7.0)", IE_11_COMPATIBILITY, IE, 11),
            row("IE 10", IE_10, IE, 10),
            row("IE 9", IE_9, IE, 9),
            row("IE 8", IE_8, IE, 8),
            row("IE 7", IE_7, IE, 7),
            row("IE 6", IE_6, IE, 6),
            row("IE 5.5", IE_5, IE, 5),
            row("IE Mobile 9 is IE", IE_MOBILE_9, IE, 9),
            row("IE Mobile 11 mentions Android and Mobile Safari but is IE", IE_MOBILE_11, IE, 11),
            row("Android 2.3 stock browser", ANDROID_2_STOCK, ANDROID, 2),
            row("Android 3.2 stock browser", ANDROID_3_STOCK, ANDROID, 3),
            row("Android 4.1 stock browser", ANDROID_4_STOCK, ANDROID, 4),
            row("Android WebView (wv) is an app", ANDROID_WEBVIEW, OTHER, -1),
            row("Android 4.4 WebView (Version/ before Chrome/)", ANDROID_WEBVIEW_KITKAT, OTHER, -1),
            row("Samsung Internet", SAMSUNG_INTERNET, OTHER, -1),
            row("Yandex Browser", YANDEX, OTHER, -1),
            row("Chromium (not Chrome)", CHROMIUM_UBUNTU, OTHER, -1),
            row("Facebook in-app on iOS", FACEBOOK_IOS, OTHER, -1),
            row("Facebook in-app on Android", FACEBOOK_ANDROID, OTHER, -1),
            row("Instagram in-app on iOS", INSTAGRAM_IOS, OTHER, -1),
            row("HeadlessChrome", HEADLESS_CHROME, OTHER, -1),
            row("an Electron app", ELECTRON_APP, OTHER, -1),
            row("Googlebot smartphone is a robot, not Chrome", GOOGLEBOT_SMARTPHONE, OTHER, -1),
            row("IRLbot disguised as MSIE 6 is a robot", IRLBOT_AS_MSIE, OTHER, -1),
            row("iOS WKWebView without Safari", IOS_WKWEBVIEW, UNKNOWN, -1),
            row("CFNetwork's Safari/ without Version/ has no version", CFNETWORK_SAFARI, SAFARI, -1),
            row("okhttp", OKHTTP, UNKNOWN, -1),
            row("Dalvik on Android 14", DALVIK, UNKNOWN, -1),
            row("Dalvik on Android 2.3 is not the stock browser", DALVIK_ANDROID_2, UNKNOWN, -1),
            row("CFNetwork", CFNETWORK, UNKNOWN, -1),
            row("the Java SDK", SENTRY_JAVA, UNKNOWN, -1),
            row("the Node SDK", SENTRY_NODE, UNKNOWN, -1),
            row("curl", CURL, UNKNOWN, -1),
            row("python-requests", PYTHON_REQUESTS, UNKNOWN, -1),
            row("Go's HTTP client", GO_HTTP, UNKNOWN, -1),
            row("a bare Mozilla/5.0", "Mozilla/5.0", UNKNOWN, -1),
            row("empty", "", UNKNOWN, -1),
            row("Chrome/ without a number", "Mozilla/5.0 Chrome/ Safari/537.36", SAFARI, -1),
            row("a version too long to be one is cut to 9 digits", "Mozilla/5.0 Firefox/12345678901", FIREFOX,
                123456789));
    }

    private static Arguments row(final String name, final String userAgent, final BrowserFamily family,
        final int major)
    {
        return Arguments.of(name, userAgent, family, major);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userAgents")
    void shouldParseFamilyAndMajorVersion(
        final String name, final String userAgent, final BrowserFamily family, final int major)
    {
        final UserAgentParser parser = new UserAgentParser();
        final byte[] bytes = userAgent.getBytes(StandardCharsets.UTF_8);
        parser.parse(bytes, bytes.length);
        assertEquals(family + " " + major, parser.family() + " " + parser.majorVersion(), name + ": " + userAgent);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userAgents")
    void shouldGiveTheSameAnswerWhenReusedAfterAnotherAgent(
        final String name, final String userAgent, final BrowserFamily family, final int major)
    {
        final UserAgentParser parser = new UserAgentParser();
        final byte[] other = IE_MOBILE_11.getBytes(StandardCharsets.UTF_8);
        parser.parse(other, other.length);
        final byte[] bytes = userAgent.getBytes(StandardCharsets.UTF_8);
        parser.parse(bytes, bytes.length);
        assertEquals(family + " " + major, parser.family() + " " + parser.majorVersion(), name);
    }
}
