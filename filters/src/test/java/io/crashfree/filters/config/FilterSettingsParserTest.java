package io.crashfree.filters.config;

import io.crashfree.filters.ip.MutableIpAddress;
import io.crashfree.filters.useragent.BrowserFamily;
import io.crashfree.filters.useragent.LegacyBrowserOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing the filter keys: what each key compiles to, the defaults, and a message naming key and value per mistake. */
class FilterSettingsParserTest
{
    @Test
    void shouldCompileEveryKeyOfAProject()
    {
        final FilterSettings settings = FilterSettingsParser.parse(Map.of(
            "project.3.filters.client.ips", " 10.0.0.0/8, 2001:db8::/32 ,192.0.2.7",
            "project.3.filters.releases", "*-dev, 1.0.?",
            "project.3.filters.localhost", "true",
            "project.3.filters.legacy.browsers", "default, ie11",
            "project.3.filters.web.crawlers", "TRUE",
            "validation.started.max.age.seconds", "86400",
            "validation.started.max.future.seconds", "120"));
        final ProjectFilters p = settings.project(3);
        assertEquals(3, p.projectId());
        assertTrue(p.clientIps().contains(ip("10.9.8.7")), "10.0.0.0/8");
        assertTrue(p.clientIps().contains(ip("2001:db8:1::1")), "2001:db8::/32");
        assertTrue(p.clientIps().contains(ip("192.0.2.7")), "exact");
        assertFalse(p.clientIps().contains(ip("192.0.2.8")), "outside");
        assertTrue(p.releases().matches(utf8("x-DEV"), 5), "*-dev");
        assertTrue(p.releases().matches(utf8("1.0.3"), 5), "1.0.?");
        assertTrue(p.localhost());
        assertEquals(Set.of(LegacyBrowserOption.DEFAULT, LegacyBrowserOption.IE11), p.legacyBrowsers().options());
        assertTrue(p.legacyBrowsers().isLegacy(BrowserFamily.IE, 11), "ie11");
        assertTrue(p.webCrawlers());
        assertEquals(new ValidationSettings(86_400_000L, 120_000L), settings.validation());
    }

    @Test
    void shouldDefaultToNoFiltersAndRelayTimeLimits()
    {
        final FilterSettings settings = FilterSettingsParser.parse(Map.of());
        assertEquals(ValidationSettings.DEFAULT, settings.validation());
        assertEquals(432_000_000L, settings.validation().startedMaxAgeMs());
        assertEquals(60_000L, settings.validation().startedMaxFutureMs());
        assertSame(ProjectFilters.NONE, settings.project(3));
        assertTrue(settings.project(3).isEmpty());
    }

    @Test
    void shouldTreatEmptyListsAsOff()
    {
        final FilterSettings settings = FilterSettingsParser.parse(Map.of(
            "project.7.filters.client.ips", "",
            "project.7.filters.releases", " ",
            "project.7.filters.legacy.browsers", "",
            "project.7.filters.localhost", "false"));
        assertTrue(settings.project(7).isEmpty(), "every filter off");
        assertSame(ProjectFilters.NONE, settings.project(8), "unconfigured project");
    }

    static Stream<Arguments> badSettings()
    {
        return Stream.of(
            row("project.3.filters.releases", "[abc",
                "release glob is malformed: project.3.filters.releases=[abc (unclosed '[' in \"[abc\")"),
            row("project.3.filters.releases", "*-dev, 1.0.[0-9",
                "release glob is malformed: project.3.filters.releases=*-dev, 1.0.[0-9 (unclosed '[' in " +
                    "\"1.0.[0-9\")"),
            row("project.3.filters.client.ips", "10.0.0.0/33",
                "client IP or CIDR block is malformed: project.3.filters.client.ips=10.0.0.0/33 " +
                    "(prefix length over 32 in \"10.0.0.0/33\")"),
            row("project.3.filters.client.ips", "10.0.0.0/8, example.com",
                "client IP or CIDR block is malformed: project.3.filters.client.ips=10.0.0.0/8, example.com " +
                    "(not an IP address: \"example.com\")"),
            row("project.3.filters.localhost", "yes",
                "project.3.filters.localhost must be true or false: project.3.filters.localhost=yes"),
            row("project.3.filters.web.crawlers", "1",
                "project.3.filters.web.crawlers must be true or false: project.3.filters.web.crawlers=1"),
            row("project.3.filters.legacy.browsers", "default, ie8",
                "unknown legacy browser option \"ie8\": project.3.filters.legacy.browsers=default, ie8 (known: " +
                    "default, ie_pre_9, ie9, ie10, ie11, opera_pre_15, opera_mini_pre_8, android_pre_4, " +
                    "safari_pre_6, edge_pre_79, ie, safari, opera, opera_mini, android, firefox, chrome, edge)"),
            row("project.3.filters.browsers", "true",
                "unknown filter setting: project.3.filters.browsers (known: project.<id>.filters.client.ips, " +
                    "project.<id>.filters.releases, project.<id>.filters.localhost, " +
                    "project.<id>.filters.legacy.browsers, project.<id>.filters.web.crawlers)"),
            row("project.x.filters.localhost", "true",
                "project id must be a positive integer: project.x.filters.localhost"),
            row("project.0.filters.localhost", "true",
                "project id must be a positive integer: project.0.filters.localhost"),
            row("validation.started.max.age.seconds", "5d",
                "validation.started.max.age.seconds must be an integer between 60 and 2592000: " +
                    "validation.started.max.age.seconds=5d"),
            row("validation.started.max.age.seconds", "59",
                "validation.started.max.age.seconds must be an integer between 60 and 2592000: " +
                    "validation.started.max.age.seconds=59"),
            row("validation.started.max.future.seconds", "-1",
                "validation.started.max.future.seconds must be an integer between 0 and 86400: " +
                    "validation.started.max.future.seconds=-1"),
            row("validation.clock.drift", "1",
                "unknown filter setting: validation.clock.drift (known: validation.started.max.age.seconds, " +
                    "validation.started.max.future.seconds, project.<id>.filters.client.ips, " +
                    "project.<id>.filters.releases, project.<id>.filters.localhost, " +
                    "project.<id>.filters.legacy.browsers, project.<id>.filters.web.crawlers)"));
    }

    private static Arguments row(final String key, final String value, final String message)
    {
        return Arguments.of(key, value, message);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badSettings")
    void shouldRefuseABadSettingNamingKeyAndValue(final String key, final String value, final String message)
    {
        final FilterConfigException ex =
            assertThrows(FilterConfigException.class, () -> FilterSettingsParser.parse(Map.of(key, value)));
        assertEquals(message, ex.getMessage());
        assertEquals(key, ex.key());
    }

    static Stream<Arguments> keys()
    {
        return Stream.of(
            Arguments.of("project.3.filters.releases", true),
            Arguments.of("project.12345.filters.anything", true),
            Arguments.of("validation.started.max.age.seconds", true),
            Arguments.of("project.3.keys", false),
            Arguments.of("project.3.name", false),
            Arguments.of("project.filters.releases", false),
            Arguments.of("edge.http.port", false),
            Arguments.of("aggregation.max.age.seconds", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void shouldClaimOnlyItsOwnKeys(final String key, final boolean own)
    {
        assertEquals(own, FilterSettingsParser.isOwnKey(key), key);
    }

    @Test
    void shouldKeepTheOldSettingsWhenAReloadIsBad()
    {
        final FilterSettingsHolder holder = new FilterSettingsHolder(
            FilterSettingsParser.parse(Map.of("project.3.filters.releases", "*-dev")));
        final FilterSettings before = holder.current();
        final Map<String, String> bad = new HashMap<>();
        bad.put("project.3.filters.releases", "*-dev, [abc");
        assertThrows(FilterConfigException.class, () -> holder.reload(bad));
        assertSame(before, holder.current(), "old settings stay in force");

        final FilterSettings after = holder.reload(Map.of("project.3.filters.releases", "*-staging"));
        assertSame(after, holder.current(), "good settings are put in force");
        assertTrue(holder.current().project(3).releases().matches(utf8("x-staging"), 9));
        assertFalse(holder.current().project(3).releases().matches(utf8("x-dev"), 5));
    }

    private static MutableIpAddress ip(final String text)
    {
        final MutableIpAddress address = new MutableIpAddress();
        assertTrue(address.tryParse(text, 0, text.length()), text);
        return address;
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
