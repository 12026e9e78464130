package io.crashfree.filters.useragent;

/** Real user agents shared by the user-agent tests: browsers current and old, in-app views, robots and HTTP clients. */
final class UserAgents
{
    static final String CHROME_131_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String CHROME_131_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String CHROME_131_ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    static final String CHROME_131_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) " +
        "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1";
    static final String CHROME_111_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/111.0.0.0 Safari/537.36";
    static final String CHROME_110_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36";
    static final String CHROME_109_WINDOWS_7 = "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36";
    static final String CHROME_49_XP = "Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/49.0.2623.112 Safari/537.36";
    static final String CHROME_18_ANDROID_4 = "Mozilla/5.0 (Linux; Android 4.0.4; Galaxy Nexus Build/IMM76B) " +
        "AppleWebKit/535.19 (KHTML, like Gecko) Chrome/18.0.1025.133 Mobile Safari/535.19";
    static final String FIREFOX_133_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) " +
        "Gecko/20100101 Firefox/133.0";
    static final String FIREFOX_128_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 " +
        "Firefox/128.0";
    static final String FIREFOX_133_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";
    static final String FIREFOX_133_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) " +
        "AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15";
    static final String FIREFOX_111_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:111.0) Gecko/20100101 " +
        "Firefox/111.0";
    static final String FIREFOX_110_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:110.0) Gecko/20100101 " +
        "Firefox/110.0";
    static final String FIREFOX_52_XP = "Mozilla/5.0 (Windows NT 5.1; rv:52.0) Gecko/20100101 Firefox/52.0";
    static final String FIREFOX_3_6 = "Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.12) Gecko/20101027 " +
        "Ubuntu/10.04 (lucid) Firefox/3.6.12";
    static final String SAFARI_18_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 " +
        "(KHTML, like Gecko) Version/18.1 Safari/605.1.15";
    static final String SAFARI_17_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) " +
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
    static final String SAFARI_16_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 " +
        "(KHTML, like Gecko) Version/16.6 Safari/605.1.15";
    static final String SAFARI_15_IPAD = "Mozilla/5.0 (iPad; CPU OS 15_7 like Mac OS X) AppleWebKit/605.1.15 " +
        "(KHTML, like Gecko) Version/15.6.6 Mobile/15E148 Safari/604.1";
    static final String SAFARI_12_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 " +
        "(KHTML, like Gecko) Version/12.1.2 Safari/605.1.15";
    static final String SAFARI_6_MAC = "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.17.4; en-GB) " +
        "AppleWebKit/605.1.5 (KHTML, like Gecko) Version/6.0 Safari/605.1.5";
    static final String SAFARI_5_MAC = "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_8; en-us) AppleWebKit/534.50 " +
        "(KHTML, like Gecko) Version/5.1 Safari/534.50";
    static final String SAFARI_5_WINDOWS = "Mozilla/5.0 (Windows; U; Windows NT 6.1; zh-HK) AppleWebKit/533.18.1 " +
        "(KHTML, like Gecko) Version/5.0.2 Safari/533.18.5";
    static final String SAFARI_4_IPAD = "Mozilla/5.0 (iPad; U; CPU OS 3_2 like Mac OS X; en-us) " +
        "AppleWebKit/531.21.10 (KHTML, like Gecko) Version/4.0.4 Mobile/7B367 Safari/531.21.10";
    static final String EDGE_131 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    static final String EDGE_111 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/111.0.0.0 Safari/537.36 Edg/111.0.1661.41";
    static final String EDGE_110 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/110.0.0.0 Safari/537.36 Edg/110.0.1587.69";
    static final String EDGE_79 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/79.0.3945.74 Safari/537.36 Edg/79.0.309.43";
    static final String EDGE_18 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045";
    static final String EDGE_12 = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/42.0.2311.135 Safari/537.36 Edge/12.10136";
    static final String EDGE_131_ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0";
    static final String EDGE_131_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 " +
        "(KHTML, like Gecko) Version/17.0 EdgiOS/131.2903.68 Mobile/15E148 Safari/605.1.15";
    static final String OPERA_115 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0";
    static final String OPERA_99 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/113.0.0.0 Safari/537.36 OPR/99.0.0.0";
    static final String OPERA_100 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 OPR/100.0.0.0";
    static final String OPERA_85_ANDROID = "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 OPR/85.2.4501.81543";
    static final String OPERA_15 = "Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/28.0.1500.45 Safari/537.36 OPR/15.0.1147.61 (Edition Next)";
    static final String OPERA_14 = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/27.0.1453.12 Safari/537.36 OPR/14.0.1116.4";
    static final String OPERA_12_PRESTO = "Opera/9.80 (X11; Linux i686; Ubuntu/14.10) Presto/2.12.388 Version/12.16";
    static final String OPERA_9_64 = "Opera/9.64 (Windows NT 5.1; U; en) Presto/2.1.1";
    static final String OPERA_8_AS_MSIE = "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; en) Opera 8.50";
    static final String OPERA_MOBILE_11 = "Opera/9.80 (Android 2.3.3; Linux; Opera Mobi/ADR-1111101157; U; es-ES) " +
        "Presto/2.9.201 Version/11.50";
    static final String OPERA_MINI_7 = "Opera/9.80 (J2ME/MIDP; Opera Mini/7.0.32796/59.323; U; fr) " +
        "Presto/2.12.423 Version/12.16";
    static final String OPERA_MINI_8 = "Opera/9.80 (J2ME/MIDP; Opera Mini/8.0.35158/36.2534; U; en) " +
        "Presto/2.12.423 Version/12.16";
    static final String OPERA_MINI_4_ATT = "LG-GD710/V10f; Mozilla/5.0 (Profile/MIDP-2.0 Configuration/CLDC-1.1; " +
        "Opera Mini/att/4.2.14812; U; en) Opera 9.50";
    static final String OPERA_MINI_16_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4_1 like Mac OS X) " +
        "AppleWebKit/605.1.15 (KHTML, like Gecko) OPiOS/16.0.14.122053 Mobile/15E148 Safari/9537.53";
    static final String IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko";
    static final String IE_11_COMPATIBILITY = "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.3; WOW64; " +
        "Trident/7.0; .NET4.0E; .NET4.0C)";
    static final String IE_10 = "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)";
    static final String IE_9 = "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)";
    static final String IE_8 = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)";
    static final String IE_7 = "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1)";
    static final String IE_6 = "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)";
    static final String IE_5 = "Mozilla/4.0 (compatible; MSIE 5.50; Windows NT; SiteKiosk 4.9; SiteCoach 1.0)";
    static final String IE_MOBILE_9 = "Mozilla/5.0 (compatible; MSIE 9.0; Windows Phone OS 7.5; Trident/5.0; " +
        "IEMobile/9.0; NOKIA; Lumia 710)";
    static final String IE_MOBILE_11 = "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; " +
        "Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 " +
        "(KHTML, like Gecko) Mobile Safari/537";
    static final String ANDROID_2_STOCK = "Mozilla/5.0 (Linux; U; Android 2.3.5; en-us; HTC Vision Build/GRI40) " +
        "AppleWebKit/533.1 (KHTML, like Gecko) Version/4.0 Mobile Safari/533.1";
    static final String ANDROID_3_STOCK = "Mozilla/5.0 (Linux; U; Android 3.2; nl-nl; GT-P6800 Build/HTJ85B) " +
        "AppleWebKit/534.13 (KHTML, like Gecko) Version/4.0 Safari/534.13";
    static final String ANDROID_4_STOCK = "Mozilla/5.0 (Linux; U; Android 4.1.1; en-gb; Build/KLP) " +
        "AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Safari/534.30";
    static final String ANDROID_WEBVIEW = "Mozilla/5.0 (Linux; Android 13; SM-S901B Build/TP1A.220624.014; wv) " +
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.81 Mobile Safari/537.36";
    static final String ANDROID_WEBVIEW_KITKAT = "Mozilla/5.0 (Linux; Android 4.4.2; Nexus 5 Build/KOT49H) " +
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/30.0.0.0 Mobile Safari/537.36";
    static final String SAMSUNG_INTERNET = "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36";
    static final String YANDEX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/124.0.0.0 YaBrowser/24.6.0.0 Safari/537.36";
    static final String CHROMIUM_UBUNTU = "Mozilla/5.0 (X11; U; Linux i686; en-US) AppleWebKit/534.16 " +
        "(KHTML, like Gecko) Ubuntu/10.10 Chromium/10.0.648.133 Chrome/10.0.648.133 Safari/534.16";
    static final String FACEBOOK_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 " +
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.35.107;FBDV/iPhone15,3;FBMD/iPhone;FBSN/iOS;" +
        "FBSV/17.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]";
    static final String FACEBOOK_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) " +
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 " +
        "[FB_IAB/FB4A;FBAV/477.0.0.49.82;]";
    static final String INSTAGRAM_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) " +
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 339.0.3.12.91 (iPhone14,5; iOS 17_5_1; " +
        "en_US; en; scale=3.00; 1170x2532; 620178160)";
    static final String HEADLESS_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "HeadlessChrome/120.0.6099.28 Safari/537.36";
    static final String ELECTRON_APP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) MyApp/1.0.0 Chrome/120.0.6099.291 Electron/28.2.3 Safari/537.36";
    static final String SLACK_DESKTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 " +
        "(KHTML, like Gecko) Slack/4.41.105 Chrome/130.0.6723.191 Electron/33.2.1 Safari/537.36 Sonic " +
        "Slack_SSB/4.41.105";
    static final String IOS_WKWEBVIEW = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) " +
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    static final String OKHTTP = "okhttp/4.12.0";
    static final String DALVIK = "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240805.005)";
    static final String DALVIK_ANDROID_2 = "Dalvik/1.4.0 (Linux; U; Android 2.3.6; GT-S5830 Build/GINGERBREAD)";
    static final String CFNETWORK = "MyApp/1.2.3 CFNetwork/1496.0.7 Darwin/23.5.0";
    static final String CFNETWORK_SAFARI = "Safari/6533.18.5 CFNetwork/454.9.8 Darwin/10.4.0 (i386) (MacBookPro7,1)";
    static final String SENTRY_JAVA = "sentry.java/8.63.0";
    static final String SENTRY_NODE = "sentry.javascript.node/11.12.0";
    static final String CURL = "curl/8.5.0";
    static final String PYTHON_REQUESTS = "python-requests/2.32.3";
    static final String GO_HTTP = "Go-http-client/1.1";

    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String GOOGLEBOT_SMARTPHONE = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) " +
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 " +
        "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)";
    static final String GPTBOT = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; " +
        "+https://openai.com/gptbot)";
    static final String CLAUDEBOT = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; " +
        "+claudebot@anthropic.com)";
    static final String FACEBOOK_EXTERNAL_HIT = "facebookexternalhit/1.1 " +
        "(+http://www.facebook.com/externalhit_uatext.php)";
    static final String AHREFSBOT = "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)";
    static final String IRLBOT_AS_MSIE = "IRLbot/3.0 (compatible; MSIE 6.0; http://irl.cs.tamu.edu/crawler)";

    private UserAgents()
    {
    }
}
