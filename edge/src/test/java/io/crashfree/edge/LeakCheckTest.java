package io.crashfree.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the leak check used by the node tests is real: a buffer dropped without release is reported.
 */
@Timeout(30)
class LeakCheckTest
{
    @Test
    void shouldFailWhenABufferIsLeaked() throws InterruptedException
    {
        leak();
        // Detection needs a GC; retry a bounded number of times so the leak is always consumed here.
        for (int attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                LeakCheck.assertNoLeaks();
            }
            catch (final AssertionError error)
            {
                assertTrue(error.getMessage().contains("leaked"), error.getMessage());
                return;
            }
        }
        throw new AssertionError("a leaked buffer was never reported");
    }

    private static void leak()
    {
        final ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(42);
    }
}
