package dev.engram.nn;

import dev.engram.backend.LossKind;
import dev.engram.tensor.Shape;
import dev.engram.testing.Numerics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BCELossTest extends AbstractLossTest {
    @Override
    LossKind kind() {
        return LossKind.BCE;
    }

    @Override
    Loss newLoss(Reduction reduction) {
        return new BCELoss(reduction);
    }

    @Override
    double[] predictions(long seed, int n) {
        return Numerics.uniform(seed, n, 0.05, 0.95);
    }

    /** Soft targets anywhere in [0, 1], as pixel intensities are. */
    @Override
    double[] targets(long seed, int n) {
        return Numerics.uniform(seed, n, 0, 1);
    }

    @Test
    void matchesHandComputedValuesWithSoftTargets() {
        double[] p = {0.5, 0.25, 0.8, 0.1};
        double[] t = {1, 0, 0.5, 0.1};
        // -log 0.5 = 0.6931472; -log 0.75 = 0.2876821; -(0.5 log 0.8 + 0.5 log 0.2) = 0.9162907;
        // -(0.1 log 0.1 + 0.9 log 0.9) = 0.2302585 + 0.0948245 = 0.3250830; sum 2.2222030.
        // d/dp = (p - t) / (p (1 - p)): -0.5 / 0.25 = -2, 0.25 / 0.1875 = 4/3, 0.3 / 0.16 = 1.875, 0.
        double[] grad = {-2, 4.0 / 3, 1.875, 0};
        assertHandComputed(Reduction.SUM, p, t, Shape.of(4), 2.2222030, grad);
        double[] quarter = {-0.5, 1.0 / 3, 0.46875, 0};
        assertHandComputed(Reduction.MEAN, p, t, Shape.of(4), 2.2222030 / 4, quarter);
    }

    @Test
    void clampsEachLogAtMinus100AtTheEdgesLikePyTorch() {
        double[] p = {0, 1, 0, 1, 0};
        double[] t = {1, 0, 0, 1, 0.5};
        // log 0 clamps to -100: a confident wrong answer costs 100, a confident right one 0,
        // and p = 0 against the soft target 0.5 costs 0.5 * 100. Sum 100 + 100 + 0 + 0 + 50 = 250.
        // Gradient (p - t) / max(p (1 - p), 1e-12): -1e12, 1e12, 0, 0, -0.5e12 (finite, pointing inward).
        assertHandComputed(Reduction.SUM, p, t, Shape.of(5), 250, new double[] {-1e12, 1e12, 0, 0, -0.5e12});
        assertHandComputed(Reduction.MEAN, p, t, Shape.of(5), 50, new double[] {-0.2e12, 0.2e12, 0, 0, -0.1e12});
    }

    @Test
    void defaultsToTheMean() {
        try (BCELoss loss = new BCELoss()) {
            assertEquals(Reduction.MEAN, loss.reduction());
        }
    }
}
