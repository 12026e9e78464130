package io.crashfree.filters.useragent;

/**
 * The browser families the legacy-browser filter knows, plus {@link #OTHER} and {@link #UNKNOWN}.
 * <p>
 * Mobile variants are folded into their family, on purpose: uap-core (which Relay uses) names them separately
 * ({@code Chrome Mobile}, {@code Chrome Mobile iOS}, {@code Firefox Mobile}, {@code Firefox iOS},
 * {@code Mobile Safari}, {@code Edge Mobile}, {@code Opera Mobile}), so in Relay only IE Mobile (mapped to IE) is
 * ever filtered on a phone. An iPhone on iOS 12 runs the same engine as Safari 12 on a Mac, and an old Chrome on
 * Android is as old as on a desktop, so Crashfree filters them under the same option. Android's in-app WebView and
 * iOS's WKWebView are apps, not browsers, and are {@link #OTHER}.
 */
public enum BrowserFamily
{
    /** Internet Explorer, including IE Mobile; version from {@code IEMobile/}, {@code Trident/} or {@code MSIE}. */
    IE("IE"),
    /** Edge: EdgeHTML ({@code Edge/}) and Chromium Edge ({@code Edg/}, {@code EdgA/}, {@code EdgiOS/}). */
    EDGE("Edge"),
    /** Chrome, including Chrome on Android ({@code Chrome/ ... Mobile}) and iOS ({@code CriOS/}). */
    CHROME("Chrome"),
    /** Firefox, including Firefox for Android and iOS ({@code FxiOS/}) and {@code Fennec/}. */
    FIREFOX("Firefox"),
    /** Safari, desktop and iOS ({@code Version/x ... Safari}); version is the {@code Version/} major. */
    SAFARI("Safari"),
    /** Opera: Presto ({@code Opera/9.80 ... Version/x}, {@code Opera x}), Opera Mobile, Blink ({@code OPR/}). */
    OPERA("Opera"),
    /** Opera Mini ({@code Opera Mini/x}, {@code OPiOS/x}). */
    OPERA_MINI("Opera Mini"),
    /** Android's stock browser ({@code Android x ... Version/4.0 ... Safari}, no Chrome); version is Android's. */
    ANDROID("Android"),
    /** A recognized browser or in-app WebView outside the families above (Samsung Internet, Yandex, Facebook…). */
    OTHER("Other"),
    /** Not recognized as a browser at all (HTTP libraries, SDKs, apps): never filtered. */
    UNKNOWN("Unknown");

    private final String displayName;

    BrowserFamily(final String displayName)
    {
        this.displayName = displayName;
    }

    /** @return the family's name as uap-core and the Sentry UI spell it. */
    public String displayName()
    {
        return displayName;
    }

    /** @return whether legacy-browser options can name this family. */
    public boolean isFilterable()
    {
        return this != OTHER && this != UNKNOWN;
    }
}
