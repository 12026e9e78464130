package io.crashfree.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Pair statistics against hand-computed values.
 */
class PairedStatsTest
{
    @Test
    void shouldComputeRatiosMediansAndSpread()
    {
        final PairedStats s = new PairedStats(new double[] {90, 80, 100, 95}, new double[] {100, 100, 100, 100});
        assertArrayEquals(new double[] {0.9, 0.8, 1.0, 0.95}, s.ratios(), 1e-12);
        assertEquals(0.925, s.medianRatio(), 1e-12, "even count: mean of the middle two");
        assertEquals(0.8, s.minRatio(), 1e-12);
        assertEquals(1.0, s.maxRatio(), 1e-12);
        assertEquals(92.5, s.medianNode(), 1e-12);
        assertEquals(100, s.medianCeiling(), 1e-12);
        assertEquals(3.0, PairedStats.median(new double[] {5, 1, 3}), "odd count: the middle one");
        assertEquals(Double.NaN, PairedStats.median(new double[0]));
    }

    @Test
    void shouldRefusePairsThatDoNotLineUp()
    {
        assertThrows(IllegalArgumentException.class, () -> new PairedStats(new double[] {1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> new PairedStats(new double[0], new double[0]));
    }
}
