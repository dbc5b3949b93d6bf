package dev.engram.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TimingsTest {

    @Test
    void medianOfOddAndEvenCountsMinAndMax() {
        assertEquals(new Timings(3, 1, 9, 5), Timings.of(new double[] {9, 1, 3, 4, 2}));
        assertEquals(new Timings(3.5, 1, 9, 4), Timings.of(new double[] {9, 4, 1, 3}));
        assertEquals(new Timings(7, 7, 7, 1), Timings.of(new double[] {7}));
    }

    @Test
    void leavesItsInputAlone() {
        double[] ms = {3, 1, 2};
        Timings.of(ms);
        assertEquals(3, ms[0]);
    }

    @Test
    void refusesAnEmptySeries() {
        assertThrows(IllegalArgumentException.class, () -> Timings.of(new double[0]));
    }
}
