package dev.engram.nn;

import dev.engram.backend.LossKind;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MSELossTest extends AbstractLossTest {
    @Override
    LossKind kind() {
        return LossKind.MSE;
    }

    @Override
    Loss newLoss(Reduction reduction) {
        return new MSELoss(reduction);
    }

    @Override
    double[] predictions(long seed, int n) {
        return Numerics.uniform(seed, n, -2, 2);
    }

    @Override
    double[] targets(long seed, int n) {
        return Numerics.uniform(seed, n, -2, 2);
    }

    @Test
    void matchesHandComputedValues() {
        double[] p = {1, 2, -1, 0.5};
        double[] t = {0, 4, 1, 0.5};
        // differences 1, -2, -2, 0; squares 1 + 4 + 4 + 0 = 9; d/dp = 2 * difference
        assertHandComputed(Reduction.SUM, p, t, Shape.of(2, 2), 9, new double[] {2, -4, -4, 0});
        // mean 9 / 4 = 2.25; gradient 2 * difference / 4
        assertHandComputed(Reduction.MEAN, p, t, Shape.of(2, 2), 2.25, new double[] {0.5, -1, -1, 0});
        // batch mean 9 / 2 = 4.5; gradient 2 * difference / 2
        assertHandComputed(Reduction.BATCH_MEAN, p, t, Shape.of(2, 2), 4.5, new double[] {1, -2, -2, 0});
    }

    @Test
    void defaultsToTheMean() {
        try (MSELoss loss = new MSELoss()) {
            assertEquals(Reduction.MEAN, loss.reduction());
            assertEquals("MSELoss(reduction=MEAN)", loss.toString());
        }
    }

    @Test
    void refusesATargetOnAnotherBackendWithoutAllocating() {
        try (CpuBackend other = new CpuBackend(1); MSELoss loss = new MSELoss(); Tensor pred = cpu.zeros(Shape.of(2, 3));
             Tensor target = other.zeros(Shape.of(2, 3))) {
            long before = cpu.liveBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> loss.forward(pred, target)).getMessage();
            assertTrue(m.contains("MSELoss") && m.contains("different backends"), m);
            assertEquals(before, cpu.liveBytes());
            assertEquals(4 * 6, other.liveBytes(), "only the target lives there");
        }
    }
}
