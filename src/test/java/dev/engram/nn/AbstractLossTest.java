package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.backend.LossKind;
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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every loss class must do, run once per loss by its test: agree with the float64 reference
 * under every reduction, forward and backward, and keep the loss contract (validation before
 * allocation, owned and reused results, the upstream scale).
 */
abstract class AbstractLossTest {
    final Backend cpu = TestBackends.cpu();

    abstract LossKind kind();

    abstract Loss newLoss(Reduction reduction);

    /** Predictions inside the loss's domain, away from kinks. */
    abstract double[] predictions(long seed, int n);

    /** Targets of the loss's domain (soft targets in [0, 1] for the cross-entropies). */
    abstract double[] targets(long seed, int n);

    /** The reduction's factor for a [3, 5, 7]-like shape written out by hand: 1, 1 / numel or 1 / N. */
    static double factor(Reduction r, Shape s) {
        return switch (r) {
            case SUM -> 1;
            case MEAN -> 1.0 / s.numel();
            case BATCH_MEAN -> 1.0 / s.dim(0);
        };
    }

    /** Runs forward and backward on host values; returns {loss}, then the gradient. */
    double[][] run(Loss loss, double[] p, double[] t, Shape s, float upstreamScale) {
        try (Tensor pred = cpu.fromHost(Numerics.toFloat(p), s); Tensor target = cpu.fromHost(Numerics.toFloat(t), s)) {
            Tensor value = loss.forward(pred, target);
            assertEquals(Shape.of(), value.shape(), loss + ": the loss is one element");
            double v = cpu.readScalar(value);
            Tensor d = loss.backward(upstreamScale);
            assertEquals(s, d.shape(), loss + ": gradient shape");
            return new double[][] {{v}, Numerics.toDouble(d.toFloatArray())};
        }
    }

    /** Checks a small case written out by hand: the loss and gradient for one reduction. */
    void assertHandComputed(Reduction r, double[] p, double[] t, Shape s, double loss, double[] grad) {
        try (Loss l = newLoss(r)) {
            double[][] got = run(l, p, t, s, 1f);
            Numerics.assertClose(l + " loss", new double[] {loss}, Numerics.toFloat(got[0]), 1e-6);
            Numerics.assertClose(l + " gradient", grad, Numerics.toFloat(got[1]), 1e-6, 1e-7);
        }
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void forwardMatchesTheReferenceOnRandomInputs(Reduction r) {
        Shape s = Shape.of(3, 5, 7);
        double[] p = predictions(11, 105);
        double[] t = targets(12, 105);
        try (Loss loss = newLoss(r)) {
            double expected = factor(r, s) * ReferenceLosses.sum(kind(), p, t);
            Numerics.assertClose(loss + " forward", new double[] {expected}, Numerics.toFloat(run(loss, p, t, s, 1f)[0]), 1e-6);
        }
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void gradientMatchesCentralDifferencesOfTheReference(Reduction r) {
        Shape s = Shape.of(3, 7);
        double[] p = predictions(13, 21);
        double[] t = targets(14, 21);
        double f = factor(r, s);
        try (Loss loss = newLoss(r)) {
            double[] numeric = GradCheck.numericGradient(v -> f * ReferenceLosses.sum(kind(), v, t), p.clone());
            Numerics.assertClose(loss + " backward", numeric, Numerics.toFloat(run(loss, p, t, s, 1f)[1]), 1e-5, 1e-8);
        }
    }

    @Test
    void upstreamScaleMultipliesTheGradient() {
        Shape s = Shape.of(2, 3);
        double[] p = predictions(15, 6);
        double[] t = targets(16, 6);
        try (Loss loss = newLoss(Reduction.SUM)) {
            double[] once = run(loss, p, t, s, 1f)[1];
            double[] weighted = run(loss, p, t, s, -2.5f)[1];
            for (int i = 0; i < once.length; i++) {
                once[i] *= -2.5;
            }
            Numerics.assertClose(loss + " backward(-2.5)", once, Numerics.toFloat(weighted), 1e-6);
        }
    }

    @Test
    void reusesItsResultBuffersAcrossSteps() {
        Shape s = Shape.of(4, 3);
        Loss loss = newLoss(Reduction.MEAN);
        try (Tensor pred = cpu.fromHost(Numerics.toFloat(predictions(17, 12)), s);
             Tensor target = cpu.fromHost(Numerics.toFloat(targets(18, 12)), s)) {
            Tensor v1 = loss.forward(pred, target);
            Tensor d1 = loss.backward();
            long live = cpu.liveBytes();
            Tensor v2 = loss.forward(pred, target);
            Tensor d2 = loss.backward();
            assertEquals(live, cpu.liveBytes(), "a second step allocates nothing");
            assertSame(v1.storage(), v2.storage());
            assertSame(d1.storage(), d2.storage());
            loss.close();
            assertEquals(live - 4L * (1 + 12), cpu.liveBytes(), "close frees the value and the gradient");
        }
    }

    @Test
    void refusesMismatchedShapesWithoutAllocating() {
        try (Loss loss = newLoss(Reduction.MEAN); Tensor pred = cpu.allocate(3, 4); Tensor target = cpu.allocate(4, 3)) {
            long before = cpu.liveBytes();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.forward(pred, target));
            String m = e.getMessage();
            assertTrue(m.contains(loss.getClass().getSimpleName()) && m.contains("[3, 4]") && m.contains("[4, 3]"), m);
            assertEquals(before, cpu.liveBytes());
        }
    }

    @Test
    void refusesAMeanOverNothingButSumsIt() {
        try (Tensor empty = cpu.allocate(0, 3); Loss mean = newLoss(Reduction.MEAN); Loss batch = newLoss(Reduction.BATCH_MEAN);
             Loss sum = newLoss(Reduction.SUM)) {
            long before = cpu.liveBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> mean.forward(empty, empty)).getMessage();
            assertTrue(m.contains("[0, 3]") && m.contains("empty"), m);
            m = assertThrows(IllegalArgumentException.class, () -> batch.forward(empty, empty)).getMessage();
            assertTrue(m.contains("[0, 3]") && m.contains("BATCH_MEAN"), m);
            assertEquals(before, cpu.liveBytes());
            assertEquals(0f, cpu.readScalar(sum.forward(empty, empty)));
        }
    }

    @Test
    void refusesBackwardBeforeForward() {
        try (Loss loss = newLoss(Reduction.SUM)) {
            String m = assertThrows(IllegalStateException.class, loss::backward).getMessage();
            assertTrue(m.contains("before forward"), m);
        }
    }
}
