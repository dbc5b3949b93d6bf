package dev.engram.backend.cpu;

import dev.engram.testing.ReferencePointwise;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The erf behind GELU, against the series and continued fraction of {@link ReferencePointwise}. */
class ActivationErfTest {

    @Test
    void erfHasTinyRelativeErrorEverywhere() {
        double worst = 0;
        double worstAt = 0;
        for (int i = -7000; i <= 7000; i++) {
            double x = i * 0.001 + 0.00037;
            double err = relativeError(CpuActivations.Erf.erf(x), ReferencePointwise.erf(x));
            if (err > worst) {
                worst = err;
                worstAt = x;
            }
        }
        for (double x : new double[] {1e-300, 1e-30, 1e-10, 1e-5, 0.4999999, 0.5, 0.5000001}) {
            for (double v : new double[] {x, -x}) {
                double err = relativeError(CpuActivations.Erf.erf(v), ReferencePointwise.erf(v));
                if (err > worst) {
                    worst = err;
                    worstAt = v;
                }
            }
        }
        assertTrue(worst < 2e-11, "erf relative error " + worst + " at " + worstAt);
    }

    @Test
    void erfcKeepsItsRelativeAccuracyInTheTail() {
        double worst = 0;
        double worstAt = 0;
        for (int i = -3000; i <= 26000; i++) {
            double x = i * 0.001 + 0.00023;
            double err = relativeError(CpuActivations.Erf.erfc(x), ReferencePointwise.erfc(x));
            if (err > worst) {
                worst = err;
                worstAt = x;
            }
        }
        // erfc(26) is about 6e-296: a 1 - erf formulation would have returned 0 long before.
        assertTrue(worst < 2e-11, "erfc relative error " + worst + " at " + worstAt);
    }

    private static double relativeError(double actual, double expected) {
        return Math.abs(actual - expected) / Math.abs(expected);
    }

    @Test
    void specialValues() {
        assertEquals(0.0, CpuActivations.Erf.erf(0.0));
        assertEquals(1.0, CpuActivations.Erf.erfc(0.0), 2e-11);
        assertEquals(1.0, CpuActivations.Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, CpuActivations.Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, CpuActivations.Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, CpuActivations.Erf.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(CpuActivations.Erf.erf(Double.NaN)));
        assertTrue(Double.isNaN(CpuActivations.Erf.erfc(Double.NaN)));
        for (double x : new double[] {0.1, 0.7, 1.3, 3.2, 5.9}) {
            assertEquals(-CpuActivations.Erf.erf(x), CpuActivations.Erf.erf(-x), "erf is odd at " + x);
        }
    }
}
