package dev.engram.optim;

import dev.engram.backend.Backend;
import dev.engram.nn.Linear;
import dev.engram.nn.ParameterStore;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static dev.engram.optim.SGDTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GradientClippingTest {
    private final Backend cpu = TestBackends.cpu();

    /** Sets the model's gradients to g and clips them; returns the reported norm. */
    private static double[] clip(GradientClipping clipping, ParameterStore store, double[] g) {
        store.backend().copyFromHost(Numerics.toFloat(g), 0, store.grads());
        Tensor norm = clipping.clip(store);
        assertEquals(Shape.of(), norm.shape());
        return new double[] {store.backend().readScalar(norm)};
    }

    @Test
    void scalesEveryGradientByOneFactorAboveTheMaximumNorm() {
        // Two layers: the norm is global, over both weight matrices and biases together.
        try (Linear model = new Linear(6, 4).build(cpu, 3); GradientClipping clipping = new GradientClipping(0.5f)) {
            ParameterStore store = model.parameterStore();
            double[] g = Numerics.uniform(4, (int) store.count(), -1, 1);
            double norm = Math.sqrt(Numerics.dot(g, g));
            double[] reported = clip(clipping, store, g);
            Numerics.assertClose("norm before clipping", new double[] {norm}, Numerics.toFloat(reported), 1e-6);
            double[] expected = g.clone();
            for (int i = 0; i < expected.length; i++) {
                expected[i] *= 0.5 / (norm + 1e-6);
            }
            Numerics.assertClose("clipped gradients", expected, store.grads().toFloatArray(), 1e-6);
        }
    }

    @Test
    void leavesGradientsBelowTheMaximumNormAlone() {
        try (Linear model = new Linear(6, 4).build(cpu, 3); GradientClipping clipping = new GradientClipping(100f)) {
            ParameterStore store = model.parameterStore();
            double[] g = Numerics.uniform(5, (int) store.count(), -1, 1);
            double[] reported = clip(clipping, store, g);
            Numerics.assertClose("norm", new double[] {Math.sqrt(Numerics.dot(g, g))}, Numerics.toFloat(reported), 1e-6);
            Numerics.assertClose("untouched gradients", g, store.grads().toFloatArray(), 0);
        }
    }

    @Test
    void refusesAMaximumNormThatIsNotPositive() {
        long before = cpu.liveBytes();
        assertRefused("GradientClipping: max norm is 0.0", () -> new GradientClipping(0f));
        assertRefused("GradientClipping: max norm is -1.0", () -> new GradientClipping(-1f));
        assertRefused("GradientClipping: max norm is NaN", () -> new GradientClipping(Float.NaN));
        assertEquals(before, cpu.liveBytes());
    }
}
