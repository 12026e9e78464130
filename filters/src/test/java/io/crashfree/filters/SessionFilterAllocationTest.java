package io.crashfree.filters;

import io.crashfree.filters.config.FilterSettings;
import io.crashfree.filters.config.FilterSettingsParser;
import io.crashfree.filters.ip.ClientIpResolver;
import io.crashfree.filters.ip.MutableIpAddress;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing: client-IP derivation, the whole chain with every filter enabled, user agents both
 * found in and missing from the thread's agent cache, and normalization, measured with the JVM's per-thread
 * allocation counter.
 */
class SessionFilterAllocationTest
{
    private static final int ITERATIONS = 200_000;
    static volatile byte[] sink;
    /** The counter itself may allocate a little once; 200,000 sessions must not add more than this in total. */
    private static final long SLACK_BYTES = 1024;

    @Test
    void shouldNotAllocatePerSessionAfterWarmUp()
    {
        final FilterSettings settings = FilterSettingsParser.parse(Map.of(
            "project.3.filters.client.ips", "198.51.100.0/24, 2001:db8:bad::/48",
            "project.3.filters.releases", "*-dev, 1.0.?, [0-9]*-rc{1,2}",
            "project.3.filters.localhost", "true",
            "project.3.filters.legacy.browsers", "default, chrome, safari, firefox, edge, ie",
            "project.3.filters.web.crawlers", "true"));
        final SessionFilter filter = new SessionFilter();
        final MutableIpAddress peer = new MutableIpAddress();
        peer.tryParse("10.0.0.2", 0, 8);
        final MutableIpAddress client = new MutableIpAddress();
        final String forwardedFor = "203.0.113.7, 10.0.0.1";
        final String header = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
            "Chrome/131.0.0.0 Safari/537.36";
        final TestUpdate session = new TestUpdate();
        final long now = 1_795_600_000_000L;

        run(settings, filter, peer, client, forwardedFor, header, session, now, ITERATIONS);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long control = threads.getCurrentThreadAllocatedBytes();
        sink = new byte[64 * 1024];
        assertTrue(threads.getCurrentThreadAllocatedBytes() - control >= 64 * 1024,
            "the allocation counter works (it sees a 64 KiB array)");
        final long before = threads.getCurrentThreadAllocatedBytes();
        final int kept = run(settings, filter, peer, client, forwardedFor, header, session, now, ITERATIONS);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(ITERATIONS, kept, "every session kept");
        assertTrue(allocated <= SLACK_BYTES, "allocated " + allocated + " bytes for " + ITERATIONS + " sessions");
    }

    private static int run(
        final FilterSettings settings,
        final SessionFilter filter,
        final MutableIpAddress peer,
        final MutableIpAddress client,
        final String forwardedFor,
        final String header,
        final TestUpdate session,
        final long now,
        final int iterations)
    {
        int kept = 0;
        for (int i = 0; i < iterations; i++)
        {
            ClientIpResolver.tryResolve(null, null, null, forwardedFor, peer, client);
            filter.beginEnvelope(settings, 3, now, now - 2 * 3_600_000L, client, header);
            session.release.set(RELEASE, 0, RELEASE.length);
            session.environment.set(ENVIRONMENT, 0, ENVIRONMENT.length);
            session.ipAddress.set(AUTO, 0, AUTO.length);
            final byte[] agent = USER_AGENTS[i & (USER_AGENTS.length - 1)];
            session.userAgent.set(agent, 0, agent.length);
            session.startedMs = now - 2 * 3_600_000L - 1000;
            session.timestampMs = now - 2 * 3_600_000L - 2000;
            final DropReason reason = filter.filterUpdate(session);
            assertNull(reason);
            kept++;
        }
        return kept;
    }

    private static final byte[] RELEASE = "web@2.4.1".getBytes();
    private static final byte[] ENVIRONMENT = "none".getBytes();
    private static final byte[] AUTO = "{{auto}}".getBytes();
    /** More distinct agents than a thread's cache holds, so the scan runs as well as the cache lookup. */
    private static final byte[][] USER_AGENTS = new byte[1024][];

    static
    {
        for (int i = 0; i < USER_AGENTS.length; i++)
        {
            USER_AGENTS[i] = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 " +
                "(KHTML, like Gecko) Version/17.6 Mobile/15E" + i + " Safari/604.1").getBytes();
        }
    }
}
