package dev.engram.optim;

import dev.engram.backend.Backend;
import dev.engram.nn.Linear;
import dev.engram.nn.MSELoss;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end: Linear(4, 1) + MSELoss + Adam recover a noiseless linear relation. */
class AdamFitsLinearRegressionTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void lossFallsHundredfoldWithinAFewHundredSteps() {
        int rows = 64;
        double[] x = Numerics.uniform(1, rows * 4, -1, 1);
        double[] w = {1.5, -2, 0.5, 3};
        double b = -0.7;
        double[] y = new double[rows];
        for (int n = 0; n < rows; n++) {
            y[n] = b;
            for (int i = 0; i < 4; i++) {
                y[n] += w[i] * x[n * 4 + i];
            }
        }
        try (Linear model = new Linear(4, 1).build(cpu, 2); MSELoss mse = new MSELoss();
             Adam adam = new Adam(model.parameterStore(), 0.05f);
             Tensor input = cpu.fromHost(Numerics.toFloat(x), Shape.of(rows, 4));
             Tensor target = cpu.fromHost(Numerics.toFloat(y), Shape.of(rows, 1))) {
            model.requireInputGradient(false);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 300; step++) {
                adam.zeroGrad();
                Tensor loss = mse.forward(model.forward(input), target);
                model.backward(mse.backward());
                adam.step();
                if (step == 0) {
                    first = cpu.readScalar(loss);
                }
                last = cpu.readScalar(loss);
            }
            assertTrue(first > 1, "the untrained model is far off: loss " + first);
            assertTrue(last < first / 100, "loss fell from " + first + " to " + last);
        }
    }
}
