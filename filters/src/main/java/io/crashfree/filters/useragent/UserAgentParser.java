package io.crashfree.filters.useragent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies a raw user agent into a {@link BrowserFamily} and major version with one pass over its bytes and no
 * regular expression: a hand-written stand-in for the uap-core rules Relay's legacy-browser filter relies on, covering
 * the families that filter can name. Not thread-safe (it keeps scratch state): one per thread, reused.
 * <p>
 * The pass probes the agent two bytes at a time ({@link PairIndex}) for places where one of its tokens
 * ({@code Chrome/}, {@code Version/}, {@code MSIE }, {@code Trident/}, {@code OPR/}...) may start, compares the tokens
 * there, and remembers where each first occurs; it can look for the web-crawler patterns at the same time. The family
 * is then decided in uap-core's order of precedence:
 * <ol>
 *   <li>a brand that uap-core names on its own (Samsung Internet, Yandex, UC, Vivaldi, HeadlessChrome, Electron,
 *       Silk, Facebook/Instagram in-app, Google app, Chromium, SeaMonkey, Pale Moon...) or a robot ({@code bot},
 *       {@code spider}, {@code crawl}) → {@link BrowserFamily#OTHER};</li>
 *   <li>{@code Opera Mini} or {@code OPiOS/} → Opera Mini; {@code OPR/}, {@code Opera/}, {@code Opera Mobi},
 *       {@code Opera x} → Opera ({@code Version/} major for Presto);</li>
 *   <li>{@code IEMobile} → IE; {@code Edg/}, {@code Edge/}, {@code EdgA/}, {@code EdgiOS/} → Edge;</li>
 *   <li>{@code ; wv)} or {@code Version/} before {@code Chrome/} → Android WebView, {@link BrowserFamily#OTHER};</li>
 *   <li>{@code CriOS/}, {@code CrMo/}, {@code Chrome/} → Chrome; {@code FxiOS/}, {@code Fennec/} → Firefox;</li>
 *   <li>{@code Android x} with {@code Version/} or {@code Safari} → Android stock browser;</li>
 *   <li>{@code Version/x.y} followed by {@code Safari} → Safari (desktop and iOS);</li>
 *   <li>{@code Trident/4..8} → IE 8..11 (IE in compatibility mode reports an older {@code MSIE});
 *       {@code Firefox/} → Firefox; {@code MSIE x} → IE;</li>
 *   <li>{@code Safari} alone → Safari with no version; anything else → {@link BrowserFamily#UNKNOWN}.</li>
 * </ol>
 * A major version that is missing or not a number leaves {@link #majorVersion()} at -1, and such a browser is never
 * filtered. HTTP clients and SDKs ({@code okhttp}, {@code CFNetwork}, {@code Dalvik}, {@code sentry.java}) are
 * {@link BrowserFamily#UNKNOWN}: the filter is about browsers (uap-core would call a {@code Dalvik} agent on Android 2
 * "Android 2"; Crashfree does not).
 */
public final class UserAgentParser
{
    private static final int T_ANDROID = 0;
    private static final int T_CHROME = 1;
    private static final int T_CRIOS = 2;
    private static final int T_CRMO = 3;
    private static final int T_EDGE_ANY = 4;
    private static final int T_FIREFOX = 5;
    private static final int T_FIREFOX_MOBILE = 6;
    private static final int T_IE_MOBILE = 7;
    private static final int T_MSIE = 8;
    private static final int T_TRIDENT = 9;
    private static final int T_OPERA_MINI = 10;
    private static final int T_OPERA_MINI_IOS = 11;
    private static final int T_OPERA_MOBI = 12;
    private static final int T_OPERA_SLASH = 13;
    private static final int T_OPERA_SPACE = 14;
    private static final int T_OPR = 15;
    private static final int T_SAFARI = 16;
    private static final int T_VERSION = 17;
    private static final int T_WEBVIEW = 18;
    private static final int T_OTHER_BRAND = 19;
    private static final int TOKEN_KINDS = 20;

    /** Tokens: text, kind, and whether a digit must follow for the token to count. */
    private static final Object[][] TOKENS = {
        {"Android ", T_ANDROID, true},
        {"Chrome/", T_CHROME, true},
        {"CriOS/", T_CRIOS, true},
        {"CrMo/", T_CRMO, true},
        {"Edg/", T_EDGE_ANY, true},
        {"Edge/", T_EDGE_ANY, true},
        {"EdgA/", T_EDGE_ANY, true},
        {"EdgiOS/", T_EDGE_ANY, true},
        {"Firefox/", T_FIREFOX, true},
        {"FxiOS/", T_FIREFOX_MOBILE, true},
        {"Fennec/", T_FIREFOX_MOBILE, true},
        {"IEMobile/", T_IE_MOBILE, true},
        {"IEMobile ", T_IE_MOBILE, true},
        {"MSIE ", T_MSIE, true},
        {"Trident/", T_TRIDENT, true},
        {"Opera Mini", T_OPERA_MINI, false},
        {"OPiOS/", T_OPERA_MINI_IOS, true},
        {"Opera Mobi", T_OPERA_MOBI, false},
        {"Opera/", T_OPERA_SLASH, true},
        {"Opera ", T_OPERA_SPACE, true},
        {"OPR/", T_OPR, true},
        {"Safari", T_SAFARI, false},
        {"Version/", T_VERSION, true},
        {"; wv)", T_WEBVIEW, false},
        // Brands uap-core matches before the generic engine rules; all are OTHER.
        {"SamsungBrowser/", T_OTHER_BRAND, false},
        {"YaBrowser/", T_OTHER_BRAND, false},
        {"YaSearchBrowser/", T_OTHER_BRAND, false},
        {"UCBrowser", T_OTHER_BRAND, false},
        {"UCWEB", T_OTHER_BRAND, false},
        {"UBrowser/", T_OTHER_BRAND, false},
        {"Vivaldi/", T_OTHER_BRAND, false},
        {"HeadlessChrome", T_OTHER_BRAND, false},
        {"Electron/", T_OTHER_BRAND, false},
        {"MiuiBrowser/", T_OTHER_BRAND, false},
        {"Silk/", T_OTHER_BRAND, false},
        {"Whale/", T_OTHER_BRAND, false},
        {"QQBrowser", T_OTHER_BRAND, false},
        {"Puffin/", T_OTHER_BRAND, false},
        {"DuckDuckGo/", T_OTHER_BRAND, false},
        {"Ddg/", T_OTHER_BRAND, false},
        {"coc_coc_browser/", T_OTHER_BRAND, false},
        {"HuaweiBrowser/", T_OTHER_BRAND, false},
        {"OculusBrowser/", T_OTHER_BRAND, false},
        {"Chromium/", T_OTHER_BRAND, false},
        {"GSA/", T_OTHER_BRAND, false},
        {"[FB", T_OTHER_BRAND, false},
        {"Instagram", T_OTHER_BRAND, false},
        {"Snapchat/", T_OTHER_BRAND, false},
        {"KAKAOTALK", T_OTHER_BRAND, false},
        {"OPT/", T_OTHER_BRAND, false},
        {"OPX/", T_OTHER_BRAND, false},
        {"Coast/", T_OTHER_BRAND, false},
        {"SeaMonkey/", T_OTHER_BRAND, false},
        {"PaleMoon/", T_OTHER_BRAND, false},
        {"Waterfox/", T_OTHER_BRAND, false},
        {"Iceweasel/", T_OTHER_BRAND, false},
        {"Camino/", T_OTHER_BRAND, false},
        {"Basilisk/", T_OTHER_BRAND, false},
        {"Brave/", T_OTHER_BRAND, false},
        {"MxBrowser/", T_OTHER_BRAND, false},
        {"AvastSecureBrowser/", T_OTHER_BRAND, false},
        {"PhantomJS/", T_OTHER_BRAND, false},
        {"Dolphin", T_OTHER_BRAND, false},
        {"BlackBerry", T_OTHER_BRAND, false},
        {"BB10", T_OTHER_BRAND, false},
        {"PlayBook", T_OTHER_BRAND, false},
        {"MSOffice", T_OTHER_BRAND, false},
        {"Outlook", T_OTHER_BRAND, false},
        // uap-core names robots before browsers: an agent that calls itself a bot, spider or crawler is not a browser.
        {"bot", T_OTHER_BRAND, false},
        {"Bot", T_OTHER_BRAND, false},
        {"spider", T_OTHER_BRAND, false},
        {"Spider", T_OTHER_BRAND, false},
        {"crawl", T_OTHER_BRAND, false},
        {"Crawl", T_OTHER_BRAND, false},
    };

    private static final byte[][] TOKEN_BYTES = new byte[TOKENS.length][];
    private static final int[] TOKEN_KIND = new int[TOKENS.length];
    private static final boolean[] TOKEN_NEEDS_DIGIT = new boolean[TOKENS.length];
    /** Where each token's byte pairs are: the scan's prefilter and index. */
    private static final PairIndex INDEX;
    /** The index's bitmap united with the crawler patterns', for a pass that answers both filters. */
    private static final long[] BITMAP_WITH_CRAWLERS = new long[PairIndex.BITMAP_LONGS];
    private static final WebCrawlerMatcher CRAWLERS = WebCrawlerMatcher.INSTANCE;

    static
    {
        final List<byte[]> words = new ArrayList<>();
        for (int t = 0; t < TOKENS.length; t++)
        {
            TOKEN_BYTES[t] = ((String)TOKENS[t][0]).getBytes(StandardCharsets.US_ASCII);
            TOKEN_KIND[t] = (Integer)TOKENS[t][1];
            TOKEN_NEEDS_DIGIT[t] = (Boolean)TOKENS[t][2];
            words.add(TOKEN_BYTES[t]);
        }
        INDEX = new PairIndex(words);
        final long[] crawlerBitmap = CRAWLERS.crawlerBitmap();
        for (int k = 0; k < PairIndex.BITMAP_LONGS; k++)
        {
            BITMAP_WITH_CRAWLERS[k] = INDEX.bitmap()[k] | crawlerBitmap[k];
        }
    }

    /** Per token kind: index just past the first occurrence, or -1. */
    private final int[] after = new int[TOKEN_KINDS];
    private byte[] text;
    private int length;
    private BrowserFamily family = BrowserFamily.UNKNOWN;
    private int majorVersion = -1;
    private boolean crawler;

    /**
     * Parses a user agent; read the result with {@link #family()} and {@link #majorVersion()}.
     *
     * @param userAgent raw bytes of the user agent.
     * @param length    number of bytes.
     * @return the family.
     */
    public BrowserFamily parse(final byte[] userAgent, final int length)
    {
        return parse(userAgent, length, false);
    }

    /**
     * Parses a user agent and, in the same pass, runs the web-crawler filter on it (the answer is the same as
     * {@link WebCrawlerMatcher#isCrawler}); read it with {@link #isCrawler()}.
     *
     * @param userAgent     raw bytes of the user agent.
     * @param length        number of bytes.
     * @param detectCrawler whether to look for crawler patterns too.
     * @return the family.
     */
    public BrowserFamily parse(final byte[] userAgent, final int length, final boolean detectCrawler)
    {
        this.text = userAgent;
        this.length = length;
        Arrays.fill(after, -1);
        boolean crawlerFound = false;
        final long[] bitmap = detectCrawler ? BITMAP_WITH_CRAWLERS : INDEX.bitmap();
        int i = PairIndex.next(bitmap, userAgent, length, 0);
        while (i >= 0)
        {
            matchTokensAt(i);
            if (detectCrawler && !crawlerFound)
            {
                crawlerFound = CRAWLERS.crawlerAt(userAgent, length, i);
            }
            i = PairIndex.next(bitmap, userAgent, length, i + 2);
        }
        crawler = crawlerFound && !CRAWLERS.isAllowed(userAgent, length);
        classify();
        this.text = null;
        return family;
    }

    /** @return whether the last {@link #parse(byte[], int, boolean)} with crawler detection found a crawler. */
    public boolean isCrawler()
    {
        return crawler;
    }

    /** @return the family found by the last {@link #parse}. */
    public BrowserFamily family()
    {
        return family;
    }

    /** @return the major version found by the last {@link #parse}, or -1 when none. */
    public int majorVersion()
    {
        return majorVersion;
    }

    /** Compares the tokens that have the pair at {@code pairOffset}, each where it would have to start. */
    private void matchTokensAt(final int pairOffset)
    {
        final byte[] b = text;
        final int[] entries = INDEX.entries(PairIndex.key(b[pairOffset], b[pairOffset + 1]));
        if (entries == null)
        {
            return;
        }
        final int[] found = after;
        for (final int entry : entries)
        {
            final int t = entry >>> 1;
            final int start = pairOffset - (entry & 1);
            final int kind = TOKEN_KIND[t];
            if (start < 0 || found[kind] >= 0)
            {
                continue;
            }
            final byte[] token = TOKEN_BYTES[t];
            final int end = start + token.length;
            if (end <= length && regionMatches(b, start, token) && (!TOKEN_NEEDS_DIGIT[t] || isDigitAt(end)))
            {
                found[kind] = end;
            }
        }
    }

    private void classify()
    {
        final int[] at = after;
        family = BrowserFamily.UNKNOWN;
        majorVersion = -1;
        if (at[T_OTHER_BRAND] >= 0)
        {
            family = BrowserFamily.OTHER;
        }
        else if (at[T_OPERA_MINI] >= 0)
        {
            set(BrowserFamily.OPERA_MINI, operaMiniVersion(at[T_OPERA_MINI]));
        }
        else if (at[T_OPERA_MINI_IOS] >= 0)
        {
            set(BrowserFamily.OPERA_MINI, number(at[T_OPERA_MINI_IOS]));
        }
        else if (at[T_OPR] >= 0)
        {
            set(BrowserFamily.OPERA, number(at[T_OPR]));
        }
        else if (at[T_OPERA_SLASH] >= 0)
        {
            final int version = at[T_VERSION] > at[T_OPERA_SLASH] ? at[T_VERSION] : at[T_OPERA_SLASH];
            set(BrowserFamily.OPERA, number(version));
        }
        else if (at[T_OPERA_MOBI] >= 0 || at[T_OPERA_SPACE] >= 0)
        {
            set(BrowserFamily.OPERA, at[T_OPERA_SPACE] >= 0 ? number(at[T_OPERA_SPACE]) : number(at[T_VERSION]));
        }
        else if (at[T_IE_MOBILE] >= 0)
        {
            set(BrowserFamily.IE, number(at[T_IE_MOBILE]));
        }
        else if (at[T_EDGE_ANY] >= 0)
        {
            set(BrowserFamily.EDGE, number(at[T_EDGE_ANY]));
        }
        else if (at[T_CHROME] >= 0 && (at[T_WEBVIEW] >= 0 || (at[T_VERSION] >= 0 && at[T_VERSION] < at[T_CHROME])))
        {
            family = BrowserFamily.OTHER;
        }
        else if (at[T_CRIOS] >= 0 || at[T_CRMO] >= 0 || at[T_CHROME] >= 0)
        {
            final int version = at[T_CRIOS] >= 0 ? at[T_CRIOS] : at[T_CRMO] >= 0 ? at[T_CRMO] : at[T_CHROME];
            set(BrowserFamily.CHROME, number(version));
        }
        else if (at[T_FIREFOX_MOBILE] >= 0)
        {
            set(BrowserFamily.FIREFOX, number(at[T_FIREFOX_MOBILE]));
        }
        else if (at[T_ANDROID] >= 0 && (at[T_VERSION] >= 0 || at[T_SAFARI] >= 0))
        {
            set(BrowserFamily.ANDROID, number(at[T_ANDROID]));
        }
        else if (at[T_VERSION] >= 0 && at[T_SAFARI] > at[T_VERSION] && hasMinorVersion(at[T_VERSION]))
        {
            set(BrowserFamily.SAFARI, number(at[T_VERSION]));
        }
        else if (at[T_TRIDENT] >= 0 && tridentToIe(at[T_TRIDENT]) > 0)
        {
            set(BrowserFamily.IE, tridentToIe(at[T_TRIDENT]));
        }
        else if (at[T_FIREFOX] >= 0)
        {
            set(BrowserFamily.FIREFOX, number(at[T_FIREFOX]));
        }
        else if (at[T_MSIE] >= 0)
        {
            set(BrowserFamily.IE, number(at[T_MSIE]));
        }
        else if (at[T_SAFARI] >= 0)
        {
            family = BrowserFamily.SAFARI;
        }
    }

    private void set(final BrowserFamily family, final int majorVersion)
    {
        this.family = family;
        this.majorVersion = majorVersion;
    }

    /** uap-core: {@code Opera Mini(?:/att|)/?(\d+|)}. */
    private int operaMiniVersion(final int afterToken)
    {
        int i = afterToken;
        if (i + 4 <= length && text[i] == '/' && text[i + 1] == 'a' && text[i + 2] == 't' && text[i + 3] == 't')
        {
            i += 4;
        }
        if (i < length && text[i] == '/')
        {
            i++;
        }
        return number(i);
    }

    /** uap-core maps the Trident engine version to the real IE version: 4 → 8, 5 → 9, 6 → 10, 7 and 8 → 11. */
    private int tridentToIe(final int afterToken)
    {
        if (afterToken + 2 >= length || text[afterToken + 1] != '.' || text[afterToken + 2] != '0')
        {
            return -1;
        }
        switch (text[afterToken])
        {
            case '4':
                return 8;
            case '5':
                return 9;
            case '6':
                return 10;
            case '7':
            case '8':
                return 11;
            default:
                return -1;
        }
    }

    private boolean hasMinorVersion(final int afterToken)
    {
        int i = afterToken;
        while (i < length && isDigit(text[i]))
        {
            i++;
        }
        return i + 1 < length && text[i] == '.' && isDigit(text[i + 1]);
    }

    /** @return the decimal number at {@code index} (at most 9 digits), or -1 when there is none. */
    private int number(final int index)
    {
        if (index < 0)
        {
            return -1;
        }
        int value = 0;
        int i = index;
        while (i < length && isDigit(text[i]) && i - index < 9)
        {
            value = value * 10 + (text[i] - '0');
            i++;
        }
        return i == index ? -1 : value;
    }

    private boolean isDigitAt(final int index)
    {
        return index < length && isDigit(text[index]);
    }

    private static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    private static boolean regionMatches(final byte[] b, final int offset, final byte[] token)
    {
        for (int k = 0; k < token.length; k++)
        {
            if (b[offset + k] != token[k])
            {
                return false;
            }
        }
        return true;
    }
}
