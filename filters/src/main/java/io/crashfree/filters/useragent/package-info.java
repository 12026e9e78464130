/**
 * The two user-agent inbound filters, regex-free and allocation-free on the event-loop thread:
 * {@link io.crashfree.filters.useragent.UserAgentParser} (a token scanner that yields a browser family and major
 * version, and can answer the crawler question in the same pass), {@link io.crashfree.filters.useragent.LegacyBrowserRules}
 * (the reference's per-family options, compiled to version ranges), {@link io.crashfree.filters.useragent.WebCrawlerMatcher}
 * (the reference's crawler patterns and allow-list as byte patterns behind a pair-index prefilter), and
 * {@link io.crashfree.filters.useragent.UserAgentCache} (a per-thread memory of recent agents' answers, since agents
 * repeat massively).
 * <p>
 * Parsers and caches are per thread (they keep scratch state); rules, patterns and matchers are immutable and shared.
 * All of it runs on the event-loop thread, inside {@link io.crashfree.filters.SessionFilter}.
 */
package io.crashfree.filters.useragent;
