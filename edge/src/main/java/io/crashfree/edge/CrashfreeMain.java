package io.crashfree.edge;

import io.crashfree.edge.config.ConfigException;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.edge.config.NodeConfig;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code crashfree [--config FILE] [--set key=value]... | --help} starts a node and runs until
 * SIGTERM/SIGINT.
 * <p>
 * Everything the node says goes through SLF4J (slf4j-simple, configured by {@code simplelogger.properties}: ISO-8601
 * timestamps and the thread, on standard output), Chronicle's and Netty's messages included; only {@code --help}
 * prints plain text. Every thread's uncaught failure reaches the node's {@link ErrorLog}.
 */
public final class CrashfreeMain
{
    /** What {@code --help} prints. */
    static final String USAGE = String.join("\n",
        "usage: bin/crashfree run [--config FILE] [--set key=value]...",
        "  (the jar: java $(crashfree.jvm.flags) -jar crashfree-edge-*-all.jar [--config FILE] [--set key=value]...)",
        "",
        "Starts a node: a Sentry-compatible release-health ingest edge. Runs until SIGTERM or Ctrl-C, which stop",
        "accepting, finish in-flight requests, flush the live aggregates and exit 0.",
        "",
        "  --config FILE     settings file (bin/crashfree run passes conf/crashfree.properties; keys: README.md)",
        "  --set key=value   override one setting, any number of times, e.g. --set edge.http.port=0",
        "  --help, -h        this text",
        "",
        "JVM: bin/crashfree run uses the parent pom's crashfree.jvm.flags (heap -Xmx1g, -XX:+ExitOnOutOfMemoryError)",
        "and ZGC; CRASHFREE_JAVA_OPTS adds options after them, so CRASHFREE_JAVA_OPTS=-Xmx4g sets a bigger heap.",
        "Health: GET /health answers 200 {\"status\":\"ok\"}, or 503 with the reason when a thread the node needs has",
        "stopped or the flusher is behind (node.health.* settings).");

    private static final Logger LOG = LoggerFactory.getLogger(CrashfreeMain.class);

    private CrashfreeMain()
    {
    }

    /**
     * @param args {@code --config FILE} and any number of {@code --set key=value}, or {@code --help}.
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
        for (final String arg : args)
        {
            if (arg.equals("--help") || arg.equals("-h"))
            {
                System.out.println(USAGE);
                System.exit(0);
            }
        }
        // Until the node (and its error log) exists, a thread that dies is at least logged.
        Thread.setDefaultUncaughtExceptionHandler((thread, ex) ->
            LOG.error("thread {} stopped: {}", thread.getName(), ex.toString(), ex));
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
                fail("unknown argument: " + arg + " (usage: crashfree [--config FILE] [--set key=value]... | --help)");
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
        Thread.setDefaultUncaughtExceptionHandler(node.errors()::onUncaught);

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
            LOG.info("stopped");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }, "crashfree-shutdown"));

        if (node.opsAddress() != null)
        {
            LOG.info("/metrics and /health on http://" + config.ops().metricsHost() + ":" +
                node.opsAddress().getPort() + (config.ops().tokenRequired() ? " (bearer token required)" : ""));
        }
        for (final StartupBanner.Line line : StartupBanner.lines(config, node.address(), node.transport(),
            Runtime.getRuntime().maxMemory()))
        {
            if (line.warning())
            {
                LOG.warn(line.text());
            }
            else
            {
                LOG.info(line.text());
            }
        }
        stopped.await();
    }

    private static void fail(final String message)
    {
        LOG.error(message);
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
