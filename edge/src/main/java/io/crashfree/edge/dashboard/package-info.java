/**
 * The release health dashboard the node serves at {@code /} (releases index) and {@code /releases/{version}}
 * (release details): static HTML, CSS and JavaScript modules kept in the jar ({@code resources/dashboard/}) plus
 * uPlot from its WebJar, read into memory once at start ({@link io.crashfree.edge.dashboard.DashboardAssets}) and
 * answered on the event loop with caching and security headers; and the one small read endpoint the pages need
 * beyond Sentry's API, the projects' thresholds and DSNs ({@link io.crashfree.edge.dashboard.DashboardSettings}).
 * The pages read only the node's public API with the signed-in user's read token, in the browser.
 * <p>
 * Built on the main thread at start; afterwards immutable and read by the event loops.
 */
package io.crashfree.edge.dashboard;
