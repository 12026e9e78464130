package io.crashfree.filters.useragent;

/**
 * The legacy-browser options a project can enable (reference §4.5; Relay's {@code LegacyBrowser}), each a set of
 * family and version ranges that are filtered. Options combine as a union.
 * <p>
 * One deliberate difference from Relay: Relay ignores every other option when {@code default} is among them (an early
 * return in {@code legacy_browsers.rs}); Crashfree applies the union, which is what a list of options reads as.
 * <p>
 * The per-family options use the thresholds the Sentry settings UI shows today (aligned to the Next.js browser
 * support list by relay PR #5326): Chrome, Firefox and Edge up to 110, Safari up to 15, Opera up to 99, Opera Mini up
 * to 34, Android up to 3, and every IE.
 */
public enum LegacyBrowserOption
{
    /** The older Relay defaults: IE &lt; 10, Safari &lt; 6, Opera &lt; 15, Android &lt; 4, Opera Mini &lt; 8. */
    DEFAULT("default", new Object[][] {
        {BrowserFamily.IE, 0, 9},
        {BrowserFamily.SAFARI, 0, 5},
        {BrowserFamily.OPERA, 0, 14},
        {BrowserFamily.ANDROID, 0, 3},
        {BrowserFamily.OPERA_MINI, 0, 7}}),
    /** IE 8 and older. */
    IE_PRE_9("ie_pre_9", new Object[][] {{BrowserFamily.IE, 0, 8}}),
    /** IE 9. */
    IE9("ie9", new Object[][] {{BrowserFamily.IE, 9, 9}}),
    /** IE 10. */
    IE10("ie10", new Object[][] {{BrowserFamily.IE, 10, 10}}),
    /** IE 11. */
    IE11("ie11", new Object[][] {{BrowserFamily.IE, 11, 11}}),
    /** Opera older than 15 (Presto). */
    OPERA_PRE_15("opera_pre_15", new Object[][] {{BrowserFamily.OPERA, 0, 14}}),
    /** Opera Mini older than 8. */
    OPERA_MINI_PRE_8("opera_mini_pre_8", new Object[][] {{BrowserFamily.OPERA_MINI, 0, 7}}),
    /** Android's stock browser before Android 4. */
    ANDROID_PRE_4("android_pre_4", new Object[][] {{BrowserFamily.ANDROID, 0, 3}}),
    /** Safari older than 6. */
    SAFARI_PRE_6("safari_pre_6", new Object[][] {{BrowserFamily.SAFARI, 0, 5}}),
    /** Edge older than 79 (EdgeHTML, before Chromium). */
    EDGE_PRE_79("edge_pre_79", new Object[][] {{BrowserFamily.EDGE, 0, 78}}),
    /** Every Internet Explorer (11 and older). */
    IE("ie", new Object[][] {{BrowserFamily.IE, 0, Integer.MAX_VALUE}}),
    /** Safari 15 and older. */
    SAFARI("safari", new Object[][] {{BrowserFamily.SAFARI, 0, 15}}),
    /** Opera 99 and older. */
    OPERA("opera", new Object[][] {{BrowserFamily.OPERA, 0, 99}}),
    /** Opera Mini 34 and older. */
    OPERA_MINI("opera_mini", new Object[][] {{BrowserFamily.OPERA_MINI, 0, 34}}),
    /** Android's stock browser on Android 3 and older. */
    ANDROID("android", new Object[][] {{BrowserFamily.ANDROID, 0, 3}}),
    /** Firefox 110 and older. */
    FIREFOX("firefox", new Object[][] {{BrowserFamily.FIREFOX, 0, 110}}),
    /** Chrome 110 and older. */
    CHROME("chrome", new Object[][] {{BrowserFamily.CHROME, 0, 110}}),
    /** Edge 110 and older. */
    EDGE("edge", new Object[][] {{BrowserFamily.EDGE, 0, 110}});

    private static final LegacyBrowserOption[] VALUES = values();

    private final String configName;
    private final Object[][] ranges;

    LegacyBrowserOption(final String configName, final Object[][] ranges)
    {
        this.configName = configName;
        this.ranges = ranges;
    }

    /** @return the option's name in configuration (and in Sentry's project settings). */
    public String configName()
    {
        return configName;
    }

    /**
     * @param name a configured name, exactly as Relay spells it.
     * @return the option, or null when unknown.
     */
    public static LegacyBrowserOption fromConfigName(final String name)
    {
        for (final LegacyBrowserOption option : VALUES)
        {
            if (option.configName.equals(name))
            {
                return option;
            }
        }
        return null;
    }

    int rangeCount()
    {
        return ranges.length;
    }

    BrowserFamily rangeFamily(final int index)
    {
        return (BrowserFamily)ranges[index][0];
    }

    int rangeMinVersion(final int index)
    {
        return (Integer)ranges[index][1];
    }

    int rangeMaxVersion(final int index)
    {
        return (Integer)ranges[index][2];
    }
}
