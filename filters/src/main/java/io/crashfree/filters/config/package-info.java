/**
 * The filters' configuration: flat dotted keys from {@code conf/crashfree.properties} (the edge passes the keys this
 * module owns), parsed on the control plane into immutable, compiled {@link io.crashfree.filters.config.FilterSettings}
 * that every event-loop thread reads, and a holder that swaps them atomically on reload.
 * <p>
 * Keys:
 * <pre>
 *   validation.started.max.age.seconds=432000        sessions whose started is older are dropped (5 days)
 *   validation.started.max.future.seconds=60         sessions whose started is further ahead are dropped
 *   project.&lt;id&gt;.filters.client.ips=10.0.0.0/8, 2001:db8::/32, 192.0.2.7
 *   project.&lt;id&gt;.filters.releases=*-dev, 1.0.?, [0-9]*-rc{1,2}
 *   project.&lt;id&gt;.filters.localhost=false
 *   project.&lt;id&gt;.filters.legacy.browsers=default, ie11, safari    (empty = off)
 *   project.&lt;id&gt;.filters.web.crawlers=false
 * </pre>
 * A bad value is refused with a {@link io.crashfree.filters.config.FilterConfigException} naming the key and the
 * value, and the settings in force stay in force.
 */
package io.crashfree.filters.config;
