package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.GradCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferenceLosses;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaussianKLTest {
    private final Backend cpu = TestBackends.cpu();

    /** 1 for SUM, 1 / (N * L) for MEAN, 1 / N for BATCH_MEAN. */
    private static double factor(Reduction r, int rows, int latent) {
        return switch (r) {
            case SUM -> 1;
            case MEAN -> 1.0 / (rows * latent);
            case BATCH_MEAN -> 1.0 / rows;
        };
    }

    private double forward(Reduction r, double[] stats, int rows) {
        try (GaussianKL kl = new GaussianKL(r);
             Tensor s = cpu.fromHost(Numerics.toFloat(stats), Shape.of(rows, stats.length / rows))) {
            return cpu.readScalar(kl.forward(s));
        }
    }

    @Test
    void matchesHandComputedValues() {
        // rows [mu | logvar], L = 2:  row 0: mu (0, 1), logvar (0, 0);  row 1: mu (0, 2), logvar (1, -1)
        double[] stats = {0, 1, 0, 0, 0, 2, 1, -1};
        // -0.5 (1 + logvar - mu^2 - e^logvar) per term: 0; -0.5 (1 - 1 - 1) = 0.5;
        // -0.5 (1 + 1 - e) = 0.3591409; -0.5 (1 - 1 - 4 - e^-1) = 2.1839397; sum 3.0430806
        double sum = 3.0430806;
        Numerics.assertClose("SUM", new double[] {sum}, new float[] {(float) forward(Reduction.SUM, stats, 2)}, 1e-6);
        Numerics.assertClose("MEAN", new double[] {sum / 4}, new float[] {(float) forward(Reduction.MEAN, stats, 2)}, 1e-6);
        Numerics.assertClose("BATCH_MEAN", new double[] {sum / 2},
                new float[] {(float) forward(Reduction.BATCH_MEAN, stats, 2)}, 1e-6);
    }

    @Test
    void isZeroForTheStandardNormal() {
        assertEquals(0.0, forward(Reduction.SUM, new double[3 * 8], 3));
    }

    @Test
    void defaultsToTheBatchMeanOfTheElbo() {
        try (GaussianKL kl = new GaussianKL()) {
            assertEquals(Reduction.BATCH_MEAN, kl.reduction());
        }
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void forwardMatchesTheReferenceOnRandomStats(Reduction r) {
        double[] stats = Numerics.uniform(21, 5 * 14, -2, 2);
        double expected = factor(r, 5, 7) * ReferenceLosses.gaussianKl(stats, 5);
        Numerics.assertClose(r + " KL", new double[] {expected}, new float[] {(float) forward(r, stats, 5)}, 1e-6);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void backwardMatchesCentralDifferencesAndAccumulates(Reduction r) {
        int rows = 3;
        int latent = 5;
        double[] stats = Numerics.uniform(22, rows * 2 * latent, -2, 2);
        double[] prior = Numerics.uniform(23, stats.length, -1, 1);
        double f = factor(r, rows, latent);
        double[] grad = GradCheck.numericGradient(v -> f * ReferenceLosses.gaussianKl(v, rows), stats.clone());
        Shape shape = Shape.of(rows, 2 * latent);
        try (GaussianKL kl = new GaussianKL(r); Tensor s = cpu.fromHost(Numerics.toFloat(stats), shape);
             Tensor dstats = cpu.fromHost(Numerics.toFloat(prior), shape)) {
            kl.forward(s);
            kl.backward(dstats);
            double[] once = prior.clone();
            for (int i = 0; i < once.length; i++) {
                once[i] += grad[i];
            }
            Numerics.assertClose(r + " dstats = prior + dKL", once, dstats.toFloatArray(), 1e-5, 1e-7);
            // A beta-weighted second call adds beta * dKL on top.
            kl.backward(dstats, 4f);
            double[] twice = once.clone();
            for (int i = 0; i < twice.length; i++) {
                twice[i] += 4 * grad[i];
            }
            Numerics.assertClose(r + " dstats after backward(dstats, 4)", twice, dstats.toFloatArray(), 1e-5, 1e-7);
        }
    }

    @Test
    void refusesStatsThatAreNotMuThenLogvarWithoutAllocating() {
        try (GaussianKL kl = new GaussianKL(); Tensor odd = cpu.allocate(4, 7); Tensor flat = cpu.allocate(8)) {
            long before = cpu.liveBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> kl.forward(odd)).getMessage();
            assertTrue(m.contains("GaussianKL") && m.contains("[4, 7]") && m.contains("[N, 2L]"), m);
            m = assertThrows(IllegalArgumentException.class, () -> kl.forward(flat)).getMessage();
            assertTrue(m.contains("[8]"), m);
            assertEquals(before, cpu.liveBytes());
        }
    }

    @Test
    void refusesADstatsOfAnotherShapeAndBackwardBeforeForward() {
        try (GaussianKL kl = new GaussianKL(); Tensor s = cpu.zeros(Shape.of(2, 6)); Tensor d = cpu.zeros(Shape.of(2, 4))) {
            assertThrows(IllegalStateException.class, () -> kl.backward(d));
            kl.forward(s);
            String m = assertThrows(IllegalArgumentException.class, () -> kl.backward(d)).getMessage();
            assertTrue(m.contains("[2, 4]") && m.contains("[2, 6]"), m);
        }
    }
}
