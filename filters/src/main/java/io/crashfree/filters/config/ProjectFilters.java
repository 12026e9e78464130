package io.crashfree.filters.config;

import io.crashfree.filters.ip.IpNetworkSet;
import io.crashfree.filters.release.ReleaseGlobSet;
import io.crashfree.filters.useragent.LegacyBrowserRules;

/**
 * One project's compiled inbound filters, applied in the reference's order (client IPs, releases, localhost, legacy
 * browsers, web crawlers; the first match wins). Immutable and shared by every thread.
 *
 * @param projectId      the project.
 * @param clientIps      blocked client addresses and CIDR blocks ({@code project.<id>.filters.client.ips}).
 * @param releases       blocked release globs ({@code project.<id>.filters.releases}).
 * @param localhost      whether sessions whose {@code attrs.ip_address} is {@code 127.0.0.1} or {@code ::1} are
 *                       dropped ({@code project.<id>.filters.localhost}).
 * @param legacyBrowsers the legacy-browser options ({@code project.<id>.filters.legacy.browsers}).
 * @param webCrawlers    whether known crawlers are dropped ({@code project.<id>.filters.web.crawlers}).
 */
public record ProjectFilters(
    long projectId,
    IpNetworkSet clientIps,
    ReleaseGlobSet releases,
    boolean localhost,
    LegacyBrowserRules legacyBrowsers,
    boolean webCrawlers)
{
    /** No filter enabled: what a project without {@code filters.*} keys gets. */
    public static final ProjectFilters NONE =
        new ProjectFilters(0, IpNetworkSet.EMPTY, ReleaseGlobSet.EMPTY, false, LegacyBrowserRules.NONE, false);

    /** @return whether any filter needs the user agent. */
    public boolean needsUserAgent()
    {
        return webCrawlers || !legacyBrowsers.isEmpty();
    }

    /** @return whether no filter is enabled. */
    public boolean isEmpty()
    {
        return clientIps.isEmpty() && releases.isEmpty() && !localhost && !needsUserAgent();
    }
}
