package io.crashfree.edge;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What an in-process node writes to standard error while this is open (still passed through), for tests that
 * assert its log lines. Tests run one at a time, so swapping {@link System#err} is safe.
 */
final class CapturedStderr implements AutoCloseable
{
    private final PrintStream original = System.err;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    /** Starts capturing. */
    CapturedStderr()
    {
        final OutputStream tee = new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                synchronized (captured)
                {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(final byte[] b, final int off, final int len)
            {
                synchronized (captured)
                {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
        // The node's log (slf4j-simple) writes to standard output: capture it too.
        final OutputStream teeOut = new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                synchronized (captured)
                {
                    captured.write(b);
                }
                originalOut.write(b);
            }

            @Override
            public void write(final byte[] b, final int off, final int len)
            {
                synchronized (captured)
                {
                    captured.write(b, off, len);
                }
                originalOut.write(b, off, len);
            }
        };
        System.setOut(new PrintStream(teeOut, true, StandardCharsets.UTF_8));
    }

    /** @return everything captured so far. */
    String text()
    {
        synchronized (captured)
        {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close()
    {
        System.setErr(original);
        System.setOut(originalOut);
    }
}
