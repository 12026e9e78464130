package io.crashfree.edge;

import io.crashfree.edge.config.ConfigException;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.NodeConfig;
import io.netty.util.ResourceLeakDetector;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code crashfree [--config FILE] [--set key=value]...} starts a node and runs until SIGTERM/SIGINT.
 */
public final class CrashfreeMain
{
    private CrashfreeMain()
    {
    }

    /**
     * @param args {@code --config FILE} and any number of {@code --set key=value}.
     * @throws InterruptedException if interrupted while starting.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // Buffer leaks and use-after-release are caught by the tests, which run Netty's leak detector at its paranoid
        // level (failing on any report) with its buffer checks on; in a node the detector's sampling and the
        // reference-count check on every buffer access only cost CPU (about 2% and 3% of a keep-alive request's, by
        // JFR). Set before any buffer class loads; an explicit -D on the command line wins.
        defaultProperty("io.netty.buffer.checkAccessible", "false");
        defaultProperty("io.netty.buffer.checkBounds", "false");
        if (System.getProperty("io.netty.leakDetection.level") == null)
        {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        Path configFile = null;
        final Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.equals("--config") && i + 1 < args.length)
            {
                configFile = Path.of(args[++i]);
            }
            else if (arg.equals("--set") && i + 1 < args.length)
            {
                final String kv = args[++i];
                final int eq = kv.indexOf('=');
                if (eq <= 0)
                {
                    fail("--set expects key=value, got: " + kv);
                }
                overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            else
            {
                fail("unknown argument: " + arg + " (usage: crashfree [--config FILE] [--set key=value]...)");
            }
        }

        final NodeConfig config;
        try
        {
            config = ConfigLoader.load(configFile, overrides);
        }
        catch (final ConfigException ex)
        {
            fail("configuration error: " + ex.getMessage());
            return;
        }
        if (config.projects().isEmpty())
        {
            fail("configuration error: no projects configured: set project.<id>.keys");
        }

        final CrashfreeNode node;
        try
        {
            node = CrashfreeNode.start(config, Clock.systemUTC());
        }
        catch (final RuntimeException ex)
        {
            fail("cannot start: " + ex.getMessage() + " (listening on edge.http.host=" + config.httpHost() +
                ", edge.http.port=" + config.httpPort() + "; data in node.data.dir=" + config.dataDir() + ")");
            return;
        }

        if (configFile != null)
        {
            node.watchConfig(configFile);
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            // SIGTERM/SIGINT: stop accepting, finish in-flight requests, flush, close files, exit 0.
            node.close();
            stopped.countDown();
            System.out.println("crashfree: stopped");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }, "crashfree-shutdown"));

        System.out.println("crashfree: listening on http://" + config.httpHost() + ":" + node.port() + " (" +
            node.transport() + "), data in " + config.dataDir().toAbsolutePath().normalize());
        if (node.opsAddress() != null)
        {
            System.out.println("crashfree: /metrics and /health on http://" + config.ops().metricsHost() + ":" +
                node.opsAddress().getPort() + (config.ops().tokenRequired() ? " (bearer token required)" : ""));
        }
        for (final String dsn : node.dsns())
        {
            System.out.println("crashfree: DSN " + dsn);
        }
        if (!config.queryTokens().isEmpty())
        {
            System.out.println("crashfree: read API: curl -H 'Authorization: Bearer " + config.queryTokens().get(0) +
                "' 'http://" + config.httpHost() + ":" + node.port() +
                "/api/0/organizations/crashfree/sessions/?field=sum(session)&groupBy=release&statsPeriod=24h'");
        }
        stopped.await();
    }

    private static void fail(final String message)
    {
        System.err.println("crashfree: " + message);
        System.exit(2);
    }

    private static void defaultProperty(final String key, final String value)
    {
        if (System.getProperty(key) == null)
        {
            System.setProperty(key, value);
        }
    }
}
