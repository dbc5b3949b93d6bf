package dev.engram.nn;

import dev.engram.backend.LossKind;
import dev.engram.tensor.Shape;
import dev.engram.testing.Numerics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class L1LossTest extends AbstractLossTest {
    @Override
    LossKind kind() {
        return LossKind.L1;
    }

    @Override
    Loss newLoss(Reduction reduction) {
        return new L1Loss(reduction);
    }

    /**
     * Predictions at least 0.05 away from the targets they are paired with (seed + 1), so that
     * central differences never straddle the kink.
     */
    @Override
    double[] predictions(long seed, int n) {
        double[] t = targets(seed + 1, n);
        double[] offset = Numerics.uniform(seed, n, 0.05, 1);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (t[i] + (i % 2 == 0 ? offset[i] : -offset[i]));
        }
        return p;
    }

    @Override
    double[] targets(long seed, int n) {
        return Numerics.uniform(seed, n, -2, 2);
    }

    @Test
    void matchesHandComputedValuesWithAZeroGradientAtTheKink() {
        double[] p = {1, 2, -1, 0.5};
        double[] t = {0, 4, 1, 0.5};
        // |differences| 1 + 2 + 2 + 0 = 5; d/dp = sign(difference), 0 where pred = target
        assertHandComputed(Reduction.SUM, p, t, Shape.of(2, 2), 5, new double[] {1, -1, -1, 0});
        // mean 5 / 4 = 1.25; gradient sign / 4
        assertHandComputed(Reduction.MEAN, p, t, Shape.of(2, 2), 1.25, new double[] {0.25, -0.25, -0.25, 0});
    }

    @Test
    void defaultsToTheMean() {
        try (L1Loss loss = new L1Loss()) {
            assertEquals(Reduction.MEAN, loss.reduction());
        }
    }
}
