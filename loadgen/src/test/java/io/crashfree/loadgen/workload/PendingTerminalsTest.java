package io.crashfree.loadgen.workload;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pending terminal updates against a plain list model: every entry comes back exactly once, never before its
 * second, with every field as added, over seeded random delays, pauses and reuse of freed slots; and a million entries
 * take primitive pages, not objects.
 */
class PendingTerminalsTest
{
    @Test
    void shouldReturnEveryEntryOnceAndNotBeforeItIsDue()
    {
        final long maxDelayMs = 30_000;
        final PendingTerminals pending = new PendingTerminals(maxDelayMs);
        final SplittableRandom random = new SplittableRandom(7);
        final List<long[]> model = new ArrayList<>(); // {due, sequence, key, user, outcome, style, sends, started}
        final PlannedSession s = PlannedSession.reusable();
        final PlannedSession out = PlannedSession.reusable();
        long now = 1_795_606_115_179L;
        long sequence = 0;
        int returned = 0;
        for (int step = 0; step < 200_000; step++)
        {
            // Time moves by up to 50 ms a step, and now and then pauses for a minute (longer than the ring).
            now += random.nextInt(random.nextInt(1000) == 0 ? 60_000 : 50);
            if (random.nextBoolean())
            {
                s.sequence = sequence++;
                s.startedMs = now - random.nextInt(1000);
                s.user = random.nextInt(1_000_000);
                s.outcome = Outcome.of(random.nextInt(5));
                s.style = SdkStyle.of(random.nextInt(2));
                s.erroredAcked = random.nextBoolean();
                s.terminalAcked = random.nextBoolean();
                final int key = random.nextInt(1800);
                final int sends = 1 + random.nextInt(2);
                final long due = now + random.nextLong(maxDelayMs + 1);
                pending.add(now, due, s, key, sends);
                model.add(new long[] {due, s.sequence, key, s.user, s.outcome.ordinal(), s.style.ordinal(), sends,
                    s.startedMs, s.erroredAcked ? 1 : 0, s.terminalAcked ? 1 : 0});
            }
            final int key = pending.pollDue(now, out);
            if (key >= 0)
            {
                long[] found = null;
                for (final long[] m : model)
                {
                    if (m[1] == out.sequence)
                    {
                        found = m;
                        break;
                    }
                }
                assertTrue(found != null, "an entry that was added and not returned yet: " + out.sequence);
                model.remove(found);
                returned++;
                assertTrue(found[0] / 1000 <= now / 1000, "not before its second: due " + found[0] + " now " + now);
                assertEquals(found[2], key);
                assertEquals(found[3], out.user());
                assertEquals(found[4], out.outcome().ordinal());
                assertEquals(found[5], out.style().ordinal());
                assertEquals(found[6], out.sendsLeft);
                assertEquals(found[7], out.startedMs());
                assertEquals(found[8] == 1, out.erroredAcked);
                assertEquals(found[9] == 1, out.terminalAcked);
            }
            else
            {
                for (final long[] m : model)
                {
                    assertTrue(m[0] / 1000 > now / 1000, "nothing due is held back: due " + m[0] + " now " + now);
                }
            }
            assertEquals(model.size(), pending.size());
        }
        assertTrue(returned > 10_000, "entries came back: " + returned);
        now += maxDelayMs + 1000;
        while (pending.pollDue(now, out) >= 0)
        {
            returned++;
        }
        assertEquals(0, pending.size(), "all due after the longest delay");
        assertEquals(sequence, returned, "every entry once");
        assertTrue(pending.bytes() <= 2L * PendingTerminals.PAGE_ENTRIES * 25, "freed slots are reused: " +
            pending.bytes());
    }

    @Test
    void shouldHoldAMillionEntriesInPrimitivePages()
    {
        final PendingTerminals pending = new PendingTerminals(1_800_000);
        final PlannedSession s = PlannedSession.reusable();
        s.outcome = Outcome.HEALTHY;
        s.style = SdkStyle.NODE;
        final long now = 1_795_606_115_179L;
        for (int i = 0; i < 1_000_000; i++)
        {
            s.sequence = i;
            s.startedMs = now;
            pending.add(now, now + 60_000 + i % 1_740_000, s, i % 1800, 1);
        }
        assertEquals(1_000_000, pending.size());
        assertTrue(pending.bytes() < 27_000_000, "25 bytes an entry plus the last page's slack: " + pending.bytes());
        assertEquals(-1, pending.pollDue(now + 59_000, s), "none due before a minute");
        assertThrows(IllegalArgumentException.class, () -> pending.add(now, now + 3_000_000, s, 0, 1),
            "a delay beyond the ring is refused");
    }
}
