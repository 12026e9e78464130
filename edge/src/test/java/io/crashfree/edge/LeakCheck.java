package io.crashfree.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns Netty's paranoid leak detection into test failures: installed before any test class loads (a JUnit
 * launcher-session listener, registered in META-INF/services), it records every reported leak, and
 * {@link #assertNoLeaks()} fails a test that leaked a buffer.
 */
public final class LeakCheck implements LauncherSessionListener
{
    private static final List<String> LEAKS = new ArrayList<>();

    @Override
    public void launcherSessionOpened(final LauncherSession session)
    {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory()
        {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                final Class<T> resource, final int samplingInterval, final long maxActive)
            {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    /**
     * Collects garbage, lets the detector look at it, and fails if any buffer was leaked so far.
     */
    public static void assertNoLeaks() throws InterruptedException
    {
        for (int i = 0; i < 5; i++)
        {
            System.gc();
            Thread.sleep(20);
            // Leaks are reported when a tracked resource is next allocated.
            final ByteBuf probe = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
            probe.release();
        }
        synchronized (LEAKS)
        {
            if (!LEAKS.isEmpty())
            {
                final String report = String.join("\n\n", LEAKS);
                LEAKS.clear();
                throw new AssertionError("Netty reported leaked buffers:\n" + report);
            }
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T>
    {
        RecordingDetector(final Class<T> resource, final int samplingInterval)
        {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport()
        {
            return true;
        }

        @Override
        protected void reportTracedLeak(final String resourceType, final String records)
        {
            record(resourceType + " leaked:" + records);
        }

        @Override
        protected void reportUntracedLeak(final String resourceType)
        {
            record(resourceType + " leaked (untraced)");
        }

        private static void record(final String leak)
        {
            synchronized (LEAKS)
            {
                LEAKS.add(leak);
            }
        }
    }
}
