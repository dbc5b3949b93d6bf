package dev.engram.nn;

import dev.engram.backend.LossKind;
import dev.engram.tensor.Shape;
import dev.engram.testing.Numerics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BCEWithLogitsLossTest extends AbstractLossTest {
    @Override
    LossKind kind() {
        return LossKind.BCE_WITH_LOGITS;
    }

    @Override
    Loss newLoss(Reduction reduction) {
        return new BCEWithLogitsLoss(reduction);
    }

    /** Logits wide enough to reach the saturated ends of the sigmoid. */
    @Override
    double[] predictions(long seed, int n) {
        return Numerics.uniform(seed, n, -10, 10);
    }

    @Override
    double[] targets(long seed, int n) {
        return Numerics.uniform(seed, n, 0, 1);
    }

    @Test
    void matchesHandComputedValues() {
        double[] x = {0, 2, -3, 0.5};
        double[] t = {1, 0, 0.25, 1};
        // max(x, 0) - x t + log(1 + exp(-|x|)):
        // 0 - 0 + log 2 = 0.6931472; 2 - 0 + log(1 + e^-2) = 2.1269280;
        // 0 + 0.75 + log(1 + e^-3) = 0.7985874; 0.5 - 0.5 + log(1 + e^-0.5) = 0.4740770; sum 4.0927395.
        // d/dx = sigmoid(x) - t: 0.5 - 1, 0.8807971, 0.0474259 - 0.25, 0.6224593 - 1.
        double[] grad = {-0.5, 0.8807971, -0.2025741, -0.3775407};
        assertHandComputed(Reduction.SUM, x, t, Shape.of(2, 2), 4.0927395, grad);
        double[] quarter = {-0.125, 0.2201993, -0.0506435, -0.0943852};
        assertHandComputed(Reduction.MEAN, x, t, Shape.of(2, 2), 1.0231849, quarter);
    }

    @Test
    void staysFiniteAndExactAtLogitsOfTenThousand() {
        double[] x = {1e4, -1e4, 1e4, -1e4, 1e4};
        double[] t = {0.25, 0.25, 1, 0, 0};
        // sigmoid is 1 or 0 to double precision: losses 1e4 - 2500 = 7500, 0 + 2500 = 2500, 0, 0, 1e4;
        // sum 20000; gradients sigmoid - t = 0.75, -0.25, 0, 0, 1.
        assertHandComputed(Reduction.SUM, x, t, Shape.of(5), 20000, new double[] {0.75, -0.25, 0, 0, 1});
        assertHandComputed(Reduction.MEAN, x, t, Shape.of(5), 4000, new double[] {0.15, -0.05, 0, 0, 0.2});
    }

    @Test
    void defaultsToTheMean() {
        try (BCEWithLogitsLoss loss = new BCEWithLogitsLoss()) {
            assertEquals(Reduction.MEAN, loss.reduction());
        }
    }
}
