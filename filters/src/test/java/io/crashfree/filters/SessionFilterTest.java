package io.crashfree.filters;

import io.crashfree.filters.config.FilterSettings;
import io.crashfree.filters.config.FilterSettingsParser;
import io.crashfree.filters.ip.MutableIpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.crashfree.filters.SessionUpdateView.NO_TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The whole chain on one session: every validation rule at and just past its boundary, clock drift, normalization,
 * every inbound filter and their order. Each row builds a session, runs it through a fresh chain, and checks the
 * verdict and what the session looks like afterwards.
 */
class SessionFilterTest
{
    static final long R = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();
    static final long SECOND = 1000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    static final long PROJECT = 3;
    static final long UNFILTERED_PROJECT = 4;
    static final String CLIENT = "203.0.113.7";
    static final String IE_9 = "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)";
    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/131.0.0.0 Safari/537.36";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    static final FilterSettings SETTINGS = FilterSettingsParser.parse(Map.of(
        "project.3.filters.client.ips", "198.51.100.0/24, 2001:db8:bad::/48",
        "project.3.filters.releases", "*-dev, lat*",
        "project.3.filters.localhost", "true",
        "project.3.filters.legacy.browsers", "default",
        "project.3.filters.web.crawlers", "true"));

    /** One case: the envelope's context, the session, the expected verdict, and a check of the result. */
    record Case(String name, long project, String clientIp, long sentAtMs, String userAgentHeader,
        TestUpdate session, DropReason expected, Consumer<TestUpdate> check)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static TestUpdate session()
    {
        return new TestUpdate().release("web@2.4.1").environment("production").started(R - MINUTE)
            .timestamp(R - SECOND);
    }

    static Case keep(final String name, final TestUpdate session, final Consumer<TestUpdate> check)
    {
        return new Case(name, PROJECT, CLIENT, NO_TIME, null, session, null, check);
    }

    static Case drop(final String name, final TestUpdate session, final DropReason reason)
    {
        return new Case(name, PROJECT, CLIENT, NO_TIME, null, session, reason, s -> { });
    }

    static Case withSentAt(final Case c, final long sentAtMs)
    {
        return new Case(c.name, c.project, c.clientIp, sentAtMs, c.userAgentHeader, c.session, c.expected, c.check);
    }

    static Case withHeader(final Case c, final String userAgent)
    {
        return new Case(c.name, c.project, c.clientIp, c.sentAtMs, userAgent, c.session, c.expected, c.check);
    }

    static Case withClient(final Case c, final String clientIp)
    {
        return new Case(c.name, c.project, clientIp, c.sentAtMs, c.userAgentHeader, c.session, c.expected, c.check);
    }

    static Case inProject(final Case c, final long project)
    {
        return new Case(c.name, project, c.clientIp, c.sentAtMs, c.userAgentHeader, c.session, c.expected, c.check);
    }

    /** A session sent {@code sentAtMs} by the client's clock, started a minute before that by the same clock. */
    static Case drifted(final String name, final long sentAtMs, final boolean corrected)
    {
        final TestUpdate session = session().started(sentAtMs - MINUTE).timestamp(sentAtMs - SECOND);
        final long shift = corrected ? R - sentAtMs : 0;
        return withSentAt(keep(name, session, times(sentAtMs - MINUTE + shift, sentAtMs - SECOND + shift)), sentAtMs);
    }

    static Consumer<TestUpdate> times(final long startedMs, final long timestampMs)
    {
        return s ->
        {
            assertEquals(startedMs, s.startedMs, "started");
            assertEquals(timestampMs, s.timestampMs, "timestamp");
        };
    }

    static Stream<Case> cases()
    {
        return Stream.of(
            keep("a typical session is kept unchanged", session(), times(R - MINUTE, R - SECOND)),
            // started: past and future limits
            keep("started exactly 5 days old is kept", session().started(R - 5 * DAY).timestamp(R),
                times(R - 5 * DAY, R)),
            drop("started 5 days + 1 ms old is dropped", session().started(R - 5 * DAY - 1).timestamp(R),
                DropReason.STARTED_TOO_OLD),
            keep("started exactly 60 s ahead is kept", session().started(R + 60 * SECOND).timestamp(NO_TIME),
                times(R + 60 * SECOND, NO_TIME)),
            drop("started 60 s + 1 ms ahead is dropped", session().started(R + 60 * SECOND + 1).timestamp(NO_TIME),
                DropReason.STARTED_IN_FUTURE),
            drop("timestamp 60 s + 1 ms ahead is dropped", session().started(R).timestamp(R + 60 * SECOND + 1),
                DropReason.TIMESTAMP_IN_FUTURE),
            keep("timestamp exactly 60 s ahead is kept", session().started(R).timestamp(R + 60 * SECOND),
                times(R, R + 60 * SECOND)),
            drop("started missing is dropped", session().started(NO_TIME), DropReason.MISSING_STARTED),
            // timestamp before started
            keep("timestamp before started is raised to started", session().started(R - MINUTE).timestamp(R - HOUR),
                times(R - MINUTE, R - MINUTE)),
            keep("an absent timestamp stays absent", session().timestamp(NO_TIME), times(R - MINUTE, NO_TIME)),
            // clock drift from sent_at
            drifted("drift of 54:59 is not corrected", R - (54 * MINUTE + 59 * SECOND), false),
            drifted("drift of 54:59.999 is not corrected (whole seconds)", R - (55 * MINUTE - 1), false),
            drifted("drift of 55:00 is corrected", R - 55 * MINUTE, true),
            drifted("drift of -55:00 (client ahead) is corrected", R + 55 * MINUTE, true),
            withSentAt(drop("drift of -54:59 is not corrected: the session stays 54 min ahead",
                session().started(R + 53 * MINUTE).timestamp(R + 54 * MINUTE), DropReason.STARTED_IN_FUTURE),
                R + 54 * MINUTE + 59 * SECOND),
            withSentAt(keep("a client 6 days behind is corrected instead of dropped",
                session().started(R - 6 * DAY - MINUTE).timestamp(R - 6 * DAY), times(R - MINUTE, R)), R - 6 * DAY),
            withSentAt(keep("a client 2 hours ahead is corrected instead of dropped",
                session().started(R + 2 * HOUR).timestamp(R + 2 * HOUR), times(R, R)), R + 2 * HOUR),
            drop("the same client 2 hours ahead without sent_at is dropped",
                session().started(R + 2 * HOUR).timestamp(R + 2 * HOUR), DropReason.STARTED_IN_FUTURE),
            withSentAt(drop("drift is applied before the age check", session().started(R - 5 * DAY).timestamp(R),
                DropReason.STARTED_TOO_OLD), R + HOUR),
            // seq, status
            drop("seq 2^64-1 is dropped", session().seq(-1L), DropReason.INVALID_SEQ),
            keep("seq 2^64-2 is kept", session().seq(-2L), s -> { }),
            keep("seq 2^63-1 is kept", session().seq(Long.MAX_VALUE), s -> { }),
            keep("seq 0 is kept", session().seq(0), s -> { }),
            drop("an unknown status is dropped", session().unknownStatus(), DropReason.UNKNOWN_STATUS),
            // release
            keep("a 200-byte release is kept", session().release("r".repeat(200)), s -> { }),
            drop("a 201-byte release is dropped", session().release("r".repeat(201)), DropReason.INVALID_RELEASE),
            drop("a missing release is dropped", session().release(null), DropReason.INVALID_RELEASE),
            drop("release 'Latest' is dropped", session().release("Latest").started(R), DropReason.RELEASE_VERSION),
            inProject(drop("release 'latest' without a matching glob is invalid", session().release("latest"),
                DropReason.INVALID_RELEASE), UNFILTERED_PROJECT),
            drop("a release with a space is dropped", session().release("web 2.0"), DropReason.INVALID_RELEASE),
            drop("a release with a slash is dropped", session().release("feature/x"), DropReason.INVALID_RELEASE),
            // environment
            keep("a 64-byte environment is kept", session().environment("e".repeat(64)),
                s -> assertEquals("e".repeat(64), s.environment.get())),
            keep("a 65-byte environment is removed, the session kept", session().environment("e".repeat(65)),
                s -> assertNull(s.environment.get())),
            keep("environment 'none' is removed", session().environment("None"),
                s -> assertNull(s.environment.get())),
            keep("a missing environment stays missing", session().environment(null),
                s -> assertNull(s.environment.get())),
            // ip_address
            keep("{{auto}} becomes the client IP", session().ip("{{auto}}"),
                s -> assertEquals(CLIENT, s.ipAddress.get())),
            withClient(keep("{{auto}} becomes an IPv6 client IP", session().ip("{{auto}}"),
                s -> assertEquals("2001:db8::7", s.ipAddress.get())), "2001:db8::7"),
            withClient(keep("{{auto}} without a client IP is removed", session().ip("{{auto}}"),
                s -> assertNull(s.ipAddress.get())), null),
            keep("a literal ip_address is kept", session().ip("198.18.0.1"),
                s -> assertEquals("198.18.0.1", s.ipAddress.get())),
            // inbound filters
            withClient(drop("a blocked client IPv4", session(), DropReason.IP_ADDRESS), "198.51.100.77"),
            withClient(drop("a blocked client IPv6", session(), DropReason.IP_ADDRESS), "2001:db8:bad:1::1"),
            withClient(keep("a client just outside the block", session(), s -> { }), "198.51.101.0"),
            drop("a release matching '*-dev'", session().release("web@2.5.0-DEV"), DropReason.RELEASE_VERSION),
            drop("localhost 127.0.0.1", session().ip("127.0.0.1"), DropReason.LOCALHOST),
            drop("localhost ::1", session().ip("::1"), DropReason.LOCALHOST),
            withClient(keep("{{auto}} is resolved after the localhost filter", session().ip("{{auto}}"),
                s -> assertEquals("127.0.0.1", s.ipAddress.get())), "127.0.0.1"),
            drop("a legacy browser in attrs.user_agent", session().userAgent(IE_9), DropReason.LEGACY_BROWSERS),
            withHeader(drop("a legacy browser in the User-Agent header", session(), DropReason.LEGACY_BROWSERS),
                IE_9),
            withHeader(keep("attrs.user_agent wins over the header", session().userAgent(CHROME), s -> { }), IE_9),
            withHeader(drop("an empty attrs.user_agent falls back to the header", session().userAgent(""),
                DropReason.WEB_CRAWLERS), GOOGLEBOT),
            drop("a crawler in attrs.user_agent", session().userAgent(GOOGLEBOT), DropReason.WEB_CRAWLERS),
            withHeader(drop("a crawler in the User-Agent header", session(), DropReason.WEB_CRAWLERS), GOOGLEBOT),
            withHeader(keep("a current browser in the header", session(), s -> { }), CHROME),
            withHeader(keep("an SDK's own agent in the header", session(), s -> { }), "sentry.javascript.node/11.12.0"),
            // order: first match wins
            withClient(drop("client IP before release", session().release("x-dev"), DropReason.IP_ADDRESS),
                "198.51.100.1"),
            drop("release before localhost", session().release("x-dev").ip("127.0.0.1"),
                DropReason.RELEASE_VERSION),
            drop("localhost before legacy browsers", session().ip("::1").userAgent(IE_9), DropReason.LOCALHOST),
            drop("legacy browsers before web crawlers",
                session().userAgent("Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0; Slack)"),
                DropReason.LEGACY_BROWSERS),
            drop("filters before validation", session().release("x-dev").seq(-1L), DropReason.RELEASE_VERSION),
            // projects without filters
            inProject(withHeader(keep("another project does not filter", session().ip("127.0.0.1"), s -> { }),
                GOOGLEBOT), UNFILTERED_PROJECT),
            inProject(withClient(keep("another project does not block the IP", session(), s -> { }),
                "198.51.100.1"), UNFILTERED_PROJECT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldFilterValidateAndNormalize(final Case c)
    {
        final SessionFilter filter = new SessionFilter();
        filter.beginEnvelope(SETTINGS, c.project, R, c.sentAtMs, ip(c.clientIp), c.userAgentHeader);
        assertEquals(c.expected, filter.filterUpdate(c.session), c.name);
        c.check.accept(c.session);
    }

    @Test
    void shouldGiveTheSameVerdictsWhenOneChainSeesEveryCaseTwice()
    {
        final SessionFilter filter = new SessionFilter();
        for (int pass = 1; pass <= 2; pass++)
        {
            final int p = pass;
            cases().forEach(c ->
            {
                filter.beginEnvelope(SETTINGS, c.project, R, c.sentAtMs, ip(c.clientIp), c.userAgentHeader);
                assertEquals(c.expected, filter.filterUpdate(c.session), c.name + " (pass " + p + ")");
                c.check.accept(c.session);
            });
        }
    }

    @Test
    void shouldTakeTheUserAgentHeaderAsBytes()
    {
        final SessionFilter filter = new SessionFilter();
        final byte[] header = ("xx" + GOOGLEBOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), header, 2, header.length - 2);
        assertEquals(DropReason.WEB_CRAWLERS, filter.filterUpdate(session()), "crawler header as bytes");
        final byte[] chrome = CHROME.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), chrome, 0, chrome.length);
        assertNull(filter.filterUpdate(session()), "browser header as bytes");
        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), null, 0, 0);
        assertNull(filter.filterUpdate(session()), "no header");
    }

    @Test
    void shouldHonourConfiguredTimeLimits()
    {
        final FilterSettings settings = FilterSettingsParser.parse(Map.of(
            "validation.started.max.age.seconds", "3600",
            "validation.started.max.future.seconds", "0"));
        final SessionFilter filter = new SessionFilter();
        filter.beginEnvelope(settings, PROJECT, R, NO_TIME, ip(null), null);
        assertNull(filter.filterUpdate(session().started(R - HOUR).timestamp(R)), "exactly 1 h old");
        assertEquals(DropReason.STARTED_TOO_OLD, filter.filterUpdate(session().started(R - HOUR - 1).timestamp(R)),
            "1 h + 1 ms old");
        assertNull(filter.filterUpdate(session().started(R).timestamp(R)), "now, with no future allowed");
        assertEquals(DropReason.STARTED_IN_FUTURE, filter.filterUpdate(session().started(R + 1).timestamp(NO_TIME)),
            "1 ms ahead");
    }

    @Test
    void shouldValidateAggregateEntriesOneByOne()
    {
        final SessionFilter filter = new SessionFilter();
        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), null);
        final TestAggregates item = new TestAggregates().release("web@2.4.1").environment("none").ip("{{auto}}")
            .entry(R - 5 * DAY).entry(R - 5 * DAY - 1).entry(R - MINUTE).entry(R + MINUTE + 1).entry(NO_TIME);
        assertNull(filter.filterAggregates(item), "the item is kept");
        assertEquals(List.of(R - 5 * DAY, R - MINUTE), item.started, "the valid entries, in order");
        assertEquals(List.of(NO_TIME + ":missing-started", (R + MINUTE + 1) + ":started-in-future",
            (R - 5 * DAY - 1) + ":started-too-old"), item.removed, "each removed entry with its reason");
        assertNull(item.environment.get(), "invalid environment removed");
        assertEquals(CLIENT, item.ipAddress.get(), "{{auto}} resolved");
    }

    @Test
    void shouldDropAnAggregatesItemWithNoValidEntry()
    {
        final SessionFilter filter = new SessionFilter();
        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), null);
        final TestAggregates allOld = new TestAggregates().release("web@2.4.1").entry(R - 6 * DAY).entry(R - 7 * DAY);
        assertEquals(DropReason.NO_AGGREGATES, filter.filterAggregates(allOld), "every entry too old");
        assertEquals(2, allOld.removed.size(), "both counted under their own reason");
        assertEquals(DropReason.NO_AGGREGATES, filter.filterAggregates(new TestAggregates().release("web@2.4.1")),
            "no entries at all");
    }

    @Test
    void shouldWorkWithAViewThatMarksEntriesInsteadOfRemovingThem()
    {
        final SessionFilter filter = new SessionFilter();
        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), null);
        final TestAggregates item = new TestAggregates().release("web@2.4.1")
            .entry(R - MINUTE).entry(R - 6 * DAY).entry(R + HOUR);
        item.markInsteadOfRemove = true;
        assertNull(filter.filterAggregates(item), "one entry is valid");
        assertEquals(List.of(2, 1), item.marked, "the invalid entries, marked from the last");

        final TestAggregates allBad = new TestAggregates().release("web@2.4.1").entry(R - 6 * DAY).entry(R + HOUR);
        allBad.markInsteadOfRemove = true;
        assertEquals(DropReason.NO_AGGREGATES, filter.filterAggregates(allBad), "every entry marked");
        assertEquals(2, allBad.started.size(), "marked, not removed");
    }

    @Test
    void shouldCorrectClockDriftOnEveryAggregateEntry()
    {
        final SessionFilter filter = new SessionFilter();
        filter.beginEnvelope(SETTINGS, PROJECT, R, R - 6 * DAY, ip(CLIENT), null);
        final TestAggregates item = new TestAggregates().release("web@2.4.1").entry(R - 6 * DAY - MINUTE)
            .entry(R - 6 * DAY - 2 * MINUTE);
        assertNull(filter.filterAggregates(item));
        assertEquals(List.of(R - MINUTE, R - 2 * MINUTE), item.started, "6 days added to each entry");
        assertEquals(6 * DAY, filter.driftMs());
    }

    @Test
    void shouldDropWholeAggregatesItemsOnItemLevelRules()
    {
        final SessionFilter filter = new SessionFilter();
        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), GOOGLEBOT);
        final TestAggregates crawled = new TestAggregates().release("web@2.4.1").entry(R);
        assertEquals(DropReason.WEB_CRAWLERS, filter.filterAggregates(crawled), "crawler header");
        assertEquals(List.of(R), crawled.started, "entries untouched");

        filter.beginEnvelope(SETTINGS, PROJECT, R, NO_TIME, ip(CLIENT), CHROME);
        assertEquals(DropReason.INVALID_RELEASE,
            filter.filterAggregates(new TestAggregates().release("a/b").entry(R)), "invalid release");
        assertEquals(DropReason.RELEASE_VERSION,
            filter.filterAggregates(new TestAggregates().release("a-dev").entry(R)), "release glob");
        assertEquals(DropReason.LOCALHOST,
            filter.filterAggregates(new TestAggregates().release("a").ip("127.0.0.1").entry(R)), "localhost");
    }

    @Test
    void shouldReportEveryReasonUnderAStableUniqueMetricName()
    {
        assertEquals("ip-address", DropReason.IP_ADDRESS.metricName());
        assertEquals("release-version", DropReason.RELEASE_VERSION.metricName());
        assertEquals("localhost", DropReason.LOCALHOST.metricName());
        assertEquals("legacy-browsers", DropReason.LEGACY_BROWSERS.metricName());
        assertEquals("web-crawlers", DropReason.WEB_CRAWLERS.metricName());
        final long distinct = Stream.of(DropReason.values()).map(DropReason::metricName).distinct().count();
        assertEquals(DropReason.count(), distinct, "names are unique");
        for (final DropReason reason : DropReason.values())
        {
            assertEquals(reason, DropReason.fromId(reason.id()), reason.name());
        }
    }

    static MutableIpAddress ip(final String text)
    {
        final MutableIpAddress address = new MutableIpAddress();
        if (text != null)
        {
            address.tryParse(text, 0, text.length());
        }
        return address;
    }
}
