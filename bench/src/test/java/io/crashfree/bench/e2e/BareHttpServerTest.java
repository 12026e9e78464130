package io.crashfree.bench.e2e;

import io.crashfree.loadgen.Loadgen;
import io.crashfree.loadgen.LoadgenOptions;
import io.crashfree.loadgen.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ceiling answers every request with 200, keep-alive or {@code Connection: close}, chunked or not, gzip or not.
 */
@Timeout(60)
class BareHttpServerTest
{
    @Test
    void shouldAnswerEveryRequestWithAnEmptyOk() throws Exception
    {
        try (BareHttpServer server = BareHttpServer.start(0, 1))
        {
            final String dsn = "http://a1b2c3d4e5f60718293a4b5c6d7e8f90@127.0.0.1:" + server.port() + "/1";
            for (final String[] style : new String[][] {
                {"--sdk", "node"}, {"--sdk", "java"}, {"--sdk", "node", "--envelopes", "sessions"}})
            {
                final String[] args = new String[style.length + 9];
                System.arraycopy(style, 0, args, 0, style.length);
                System.arraycopy(new String[] {"--dsn", dsn, "--count", "300", "--connections", "4", "--json", "-",
                    "--quiet"}, 0, args, style.length, 9);
                final RunResult r = Loadgen.run(LoadgenOptions.parse(args), null);
                assertEquals(300, r.ok(), String.join(" ", style));
                assertEquals(0, r.rejected() + r.inDoubt(), String.join(" ", style));
                if (style[1].equals("java"))
                {
                    assertEquals(300, r.connectsOk(), "Connection: close: one connection per request");
                }
            }
        }
    }
}
