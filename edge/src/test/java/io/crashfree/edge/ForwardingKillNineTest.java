package io.crashfree.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.crashfree.edge.Envelopes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forwarding survives a real {@code kill -9}: a child JVM node spools events under load while its upstream (a real
 * HTTP server in this JVM) takes them slowly; it is killed mid-spool and restarted on the same files; then every event
 * it acknowledged reaches the upstream, and at most the one in flight at the kill reaches it twice.
 */
@Timeout(180)
class ForwardingKillNineTest
{
    private static final String AUTH = "X-Sentry-Auth: Sentry sentry_version=7, sentry_key=" + TestNodes.KEY_42;

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryAcknowledgedEventAfterKillNineAndRestart() throws Exception
    {
        try (UpstreamServer upstream = UpstreamServer.start())
        {
            upstream.answer(r ->
            {
                try
                {
                    Thread.sleep(15); // slower than the load: a backlog builds in the spool
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                return new UpstreamServer.Answer(200);
            });
            final Map<String, String> settings = new HashMap<>(TestNodes.SMALL_AGGREGATION);
            settings.put("project.42.upstream.dsn", upstream.dsn("abcdefabcdefabcdefabcdefabcdefab", 3));
            settings.put("forward.retry.max.seconds", "1");
            final Path dataDir = dir.resolve("data");
            final int port = ChildNode.freePort();
            final ChildNode first = ChildNode.start(dir, dataDir, port, settings);
            final Set<String> acked = ConcurrentHashMap.newKeySet();
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread[] load = new Thread[2];
            for (int t = 0; t < load.length; t++)
            {
                final int me = t;
                load[t] = new Thread(() ->
                {
                    int i = 0;
                    while (!stop.get())
                    {
                        try (RawHttp http = new RawHttp(port))
                        {
                            while (!stop.get())
                            {
                                final String id = UUID.randomUUID().toString().replace("-", "");
                                final RawHttp.Response r = http.exchange(RawHttp.request("POST",
                                    "/api/42/envelope/", new String[] { AUTH },
                                    utf8(ForwardingTest.eventEnvelope(id, "k" + me + "-" + i++))));
                                if (r.status() == 200)
                                {
                                    acked.add(id);
                                }
                            }
                        }
                        catch (final Exception ex)
                        {
                            // the node died under us: stop
                            return;
                        }
                    }
                });
                load[t].start();
            }
            final long deadline = System.currentTimeMillis() + 30_000;
            while ((acked.size() < 300 || upstream.received().size() < 20) && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(20);
            }
            final int deliveredBeforeKill = upstream.received().size();
            assertTrue(first.kill(), "kill -9");
            stop.set(true);
            for (final Thread t : load)
            {
                t.join(20_000);
            }
            final int ackedAtKill = acked.size();
            assertTrue(ackedAtKill > deliveredBeforeKill + 100,
                "the kill lands with a backlog: acked " + ackedAtKill + ", delivered " + deliveredBeforeKill);

            try (ChildNode second = ChildNode.start(dir, dataDir, port, settings))
            {
                upstream.answer(r -> new UpstreamServer.Answer(200));
                upstream.await("every acknowledged event after the restart", 60_000,
                    () -> eventIdsQuietly(upstream).containsAll(acked));
                Thread.sleep(500);
                final List<String> ids = ForwardingTest.eventIds(upstream);
                final Map<String, Integer> times = new HashMap<>();
                ids.forEach(id -> times.merge(id, 1, Integer::sum));
                final long twice = times.values().stream().filter(n -> n > 1).count();
                System.out.println("forwarding kill -9 test: acked " + ackedAtKill + ", delivered before the kill " +
                    deliveredBeforeKill + ", received in all " + ids.size() + " (" + times.size() + " distinct, " +
                    twice + " twice)");
                assertTrue(times.values().stream().allMatch(n -> n <= 2), "none more than twice");
                assertTrue(twice <= 1, "at most the envelope in flight at the kill arrives twice: " + twice);
                final Scrape metrics = Scrape.of(port);
                assertEquals(0, metrics.value("crashfree_forward_spooled_envelopes"), metrics.text());
                assertEquals(0, second.stop(), "SIGTERM is a graceful stop");
            }
        }
    }

    @Test
    void shouldStopStartUpNamingTheKeyOfABadUpstreamDsn() throws Exception
    {
        final ChildNode.Exit exit = ChildNode.runToExit(dir, dir.resolve("data"),
            Map.of("project.42.upstream.dsn", "glitchtip.example.com/3"));
        assertTrue(exit.code() != 0, String.join("\n", exit.lines()));
        assertTrue(exit.lines().stream().anyMatch(l -> l.contains("configuration error") &&
            l.contains("project.42.upstream.dsn=glitchtip.example.com/3")), String.join("\n", exit.lines()));
    }

    private static Set<String> eventIdsQuietly(final UpstreamServer upstream)
    {
        try
        {
            return Set.copyOf(ForwardingTest.eventIds(upstream));
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }
}
